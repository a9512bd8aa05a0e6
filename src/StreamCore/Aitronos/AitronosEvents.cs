using System;
using StreamCore.Core;

namespace StreamCore.Aitronos;

/// <summary>The events of a Aitronos stream (<c>typed-protocols.md</c>, section 3).</summary>
internal static class AitronosEvents
{
    public static void Process<TSink>(AitronosState state, string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => throw new NotImplementedException("Aitronos streams are not read yet.");

    public static void Finish<TSink>(AitronosState state, ref TSink sink)
        where TSink : struct, IUpdateSink
        => throw new NotImplementedException("Aitronos streams are not read yet.");
}

/// <summary>The Aitronos protocol at the seam: the loops and push assemblers specialize on it.</summary>
internal readonly struct AitronosProtocol(AitronosState state) : IProtocolAssembler<AitronosProtocol>
{
    public bool IsEnded => state.Ended;

    public AssemblyState State => state;

    public static AitronosProtocol Create(StreamOptions options) => new(new AitronosState(options));

    public static StreamProviderErrorException ProviderError(string errorJson, int statusCode, string? contentType) => new(errorJson, statusCode, partialResult: null, contentType);

    public void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => AitronosEvents.Process(state, eventType, data, eventNumber, ref sink);

    public void Finish<TSink>(ref TSink sink)
        where TSink : struct, IUpdateSink
        => AitronosEvents.Finish(state, ref sink);
}

using System;
using StreamCore.Core;

namespace StreamCore.Responses;

/// <summary>The events of a Responses stream (<c>typed-protocols.md</c>, section 1).</summary>
internal static class ResponsesEvents
{
    public static void Process<TSink>(ResponsesState state, string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => throw new NotImplementedException("Responses streams are not read yet.");

    public static void Finish<TSink>(ResponsesState state, ref TSink sink)
        where TSink : struct, IUpdateSink
        => throw new NotImplementedException("Responses streams are not read yet.");
}

/// <summary>The Responses protocol at the seam: the loops and push assemblers specialize on it.</summary>
internal readonly struct ResponsesProtocol(ResponsesState state) : IProtocolAssembler<ResponsesProtocol>
{
    public bool IsEnded => state.Ended;

    public AssemblyState State => state;

    public static ResponsesProtocol Create(StreamOptions options) => new(new ResponsesState(options));

    public static StreamProviderErrorException ProviderError(string errorJson, int statusCode, string? contentType) => new(errorJson, statusCode, partialResult: null, contentType);

    public void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => ResponsesEvents.Process(state, eventType, data, eventNumber, ref sink);

    public void Finish<TSink>(ref TSink sink)
        where TSink : struct, IUpdateSink
        => ResponsesEvents.Finish(state, ref sink);
}

using System;
using StreamCore.Core;

namespace StreamCore.Anthropic;

/// <summary>The events of a Anthropic stream (<c>typed-protocols.md</c>, section 2).</summary>
internal static class AnthropicEvents
{
    public static void Process<TSink>(AnthropicState state, string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => throw new NotImplementedException("Anthropic streams are not read yet.");

    public static void Finish<TSink>(AnthropicState state, ref TSink sink)
        where TSink : struct, IUpdateSink
        => throw new NotImplementedException("Anthropic streams are not read yet.");
}

/// <summary>The Anthropic protocol at the seam: the loops and push assemblers specialize on it.</summary>
internal readonly struct AnthropicProtocol(AnthropicState state) : IProtocolAssembler<AnthropicProtocol>
{
    public bool IsEnded => state.Ended;

    public AssemblyState State => state;

    public static AnthropicProtocol Create(StreamOptions options) => new(new AnthropicState(options));

    public static StreamProviderErrorException ProviderError(string errorJson, int statusCode, string? contentType) => new(errorJson, statusCode, partialResult: null, contentType);

    public void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => AnthropicEvents.Process(state, eventType, data, eventNumber, ref sink);

    public void Finish<TSink>(ref TSink sink)
        where TSink : struct, IUpdateSink
        => AnthropicEvents.Finish(state, ref sink);
}

using System;

namespace StreamCore.Core;

/// <summary>
/// One protocol's assembly of one stream: the seam that the event loops (<see cref="EventLoop"/>)
/// and the push assemblers (push assemblers) are generic over.
/// Implemented by small structs that wrap the protocol's state, so that each loop is specialized
/// for its protocol and calls it directly. A later protocol is a folder with one of these.
/// </summary>
internal interface IProtocolAssembler<TSelf>
    where TSelf : struct, IProtocolAssembler<TSelf>
{
    /// <summary>The assembly of a new stream.</summary>
    static abstract TSelf Create(StreamOptions options);

    /// <summary>Whether the stream ended (<see cref="AssemblyState.Ended"/>); later events are not read.</summary>
    bool IsEnded { get; }

    /// <summary>The state assembled so far. A detecting assembler that has seen no JSON event yet settles on chat completions here.</summary>
    AssemblyState State { get; }

    /// <summary>Merges one event. Throws <see cref="MalformedEventException"/> or a reader's exception for malformed input (the caller adds where).</summary>
    void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink;

    /// <summary>The input ended: closes what is open and settles the status.</summary>
    void Finish<TSink>(ref TSink sink)
        where TSink : struct, IUpdateSink;

    /// <summary>The exception for an HTTP error answer, or an answer that is not an event stream, before any event (chat keeps its own type).</summary>
    static abstract StreamProviderErrorException ProviderError(string errorJson, int statusCode, string? contentType);
}

/// <summary>Turns the update model into the type an entry point yields.</summary>
internal interface IUpdateProjection<TUpdate>
{
    static abstract TUpdate Project(in StreamUpdate update);
}

/// <summary>Yields <see cref="StreamUpdate"/>s as they are.</summary>
internal readonly struct AsStreamUpdate : IUpdateProjection<StreamUpdate>
{
    public static StreamUpdate Project(in StreamUpdate update) => update;
}

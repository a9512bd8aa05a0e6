using System;

namespace StreamCore.Core;

/// <summary>
/// Receives what an event changed, as a protocol's parser merges it. Parsers are generic over a
/// struct implementing this, so that assembling without updates (<see cref="NoUpdates"/>) costs
/// nothing. Spans given with an offset lie at that offset in the event's data, so that a collector
/// can slice the event instead of copying; an offset below zero asks for a copy.
/// </summary>
internal interface IUpdateSink
{
    /// <summary>Whether updates are wanted; a constant per implementation, so the JIT removes dead branches.</summary>
    bool IsEnabled { get; }

    /// <summary>
    /// A text delta: escaped JSON string content (as it arrived between the quotes). With
    /// <paramref name="replaces"/>, the text replaces everything announced before for that item and
    /// part instead of adding to it (a final value that the deltas did not add up to, cumulative content).
    /// </summary>
    void OnText(StreamResult owner, StreamUpdateKind kind, int item, int part, ReadOnlySpan<byte> escaped, int offset, bool replaces = false);

    /// <summary>
    /// A tool call started, got an arguments fragment (unescaped text), or completed. With
    /// <paramref name="replaces"/>, the fragment replaces the arguments announced before (a final value
    /// that the fragments did not add up to).
    /// </summary>
    void OnToolCall(StreamResult owner, StreamUpdateKind kind, int item, ToolCallState call, ReadOnlySpan<byte> unescapedArguments, bool replaces = false);

    /// <summary>A stop or finish reason arrived.</summary>
    void OnStop(StreamResult owner, int item, StopKind kind, string? reason);

    /// <summary>JSON that an update carries: usage, a provider error, an annotation, an item.</summary>
    void OnJson(StreamResult owner, StreamUpdateKind kind, int item, int part, ReadOnlySpan<byte> json, int offset);

    /// <summary>An event no rule names: its name (at <paramref name="nameOffset"/> in the data, or copied when negative) and its data (the whole event's data).</summary>
    void OnUnknownEvent(StreamResult owner, ReadOnlySpan<byte> name, int nameOffset, ReadOnlySpan<byte> data);
}

/// <summary>The sink of the assemble-only path: every member is empty.</summary>
internal readonly struct NoUpdates : IUpdateSink
{
    public bool IsEnabled => false;

    public void OnText(StreamResult owner, StreamUpdateKind kind, int item, int part, ReadOnlySpan<byte> escaped, int offset, bool replaces = false)
    {
    }

    public void OnToolCall(StreamResult owner, StreamUpdateKind kind, int item, ToolCallState call, ReadOnlySpan<byte> unescapedArguments, bool replaces = false)
    {
    }

    public void OnStop(StreamResult owner, int item, StopKind kind, string? reason)
    {
    }

    public void OnJson(StreamResult owner, StreamUpdateKind kind, int item, int part, ReadOnlySpan<byte> json, int offset)
    {
    }

    public void OnUnknownEvent(StreamResult owner, ReadOnlySpan<byte> name, int nameOffset, ReadOnlySpan<byte> data)
    {
    }
}

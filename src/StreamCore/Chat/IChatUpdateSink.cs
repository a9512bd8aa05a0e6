using System;

namespace StreamCore.Chat;

/// <summary>
/// Receives what a chunk changed, as the parser merges it. The parser is generic over a struct
/// implementing this, so that assembling without updates (<see cref="NoUpdates"/>) costs nothing.
/// Text arrives as escaped JSON string content with its offset in the chunk.
/// </summary>
internal interface IChatUpdateSink
{
    /// <summary>Whether updates are wanted; a constant per implementation, so the JIT removes dead branches.</summary>
    bool IsEnabled { get; }

    void OnText(ChatUpdateKind kind, ChoiceState choice, ReadOnlySpan<byte> escaped, int offset);

    void OnToolCallStarted(ChoiceState choice, ToolCallState call);

    void OnToolCallArguments(ChoiceState choice, ToolCallState call, ReadOnlySpan<byte> unescaped);

    void OnToolCallCompleted(ChoiceState choice, ToolCallState call);

    void OnChoiceFinished(ChoiceState choice);

    void OnUsage(ReadOnlySpan<byte> json, int offset);

    void OnProviderError();
}

/// <summary>The sink of the assemble-only path: every member is empty.</summary>
internal readonly struct NoUpdates : IChatUpdateSink
{
    public bool IsEnabled => false;

    public void OnText(ChatUpdateKind kind, ChoiceState choice, ReadOnlySpan<byte> escaped, int offset)
    {
    }

    public void OnToolCallStarted(ChoiceState choice, ToolCallState call)
    {
    }

    public void OnToolCallArguments(ChoiceState choice, ToolCallState call, ReadOnlySpan<byte> unescaped)
    {
    }

    public void OnToolCallCompleted(ChoiceState choice, ToolCallState call)
    {
    }

    public void OnChoiceFinished(ChoiceState choice)
    {
    }

    public void OnUsage(ReadOnlySpan<byte> json, int offset)
    {
    }

    public void OnProviderError()
    {
    }
}

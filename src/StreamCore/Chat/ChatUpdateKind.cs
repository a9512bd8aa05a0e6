namespace StreamCore.Chat;

/// <summary>What a <see cref="ChatUpdate"/> reports.</summary>
public enum ChatUpdateKind
{
    /// <summary>A fragment of a choice's message content (<see cref="ChatUpdate.Utf8Text"/>).</summary>
    ContentDelta,

    /// <summary>A fragment of a choice's refusal.</summary>
    RefusalDelta,

    /// <summary>A fragment of a choice's reasoning (<c>reasoning_content</c>, <c>reasoning</c> or <c>thinking</c>).</summary>
    ReasoningDelta,

    /// <summary>A tool call appeared (<see cref="ChatUpdate.ToolCall"/> has its id and name).</summary>
    ToolCallStarted,

    /// <summary>A fragment of a tool call's arguments.</summary>
    ToolCallArgumentsDelta,

    /// <summary>A tool call will get no more fragments: its whole arguments and whether they are valid JSON.</summary>
    ToolCallCompleted,

    /// <summary>A choice received its finish reason (<see cref="ChatUpdate.FinishReason"/>).</summary>
    ChoiceFinished,

    /// <summary>Usage arrived (<see cref="ChatUpdate.Json"/>: the usage object).</summary>
    Usage,

    /// <summary>The provider reported an error (<see cref="ChatUpdate.Json"/>: the error object).</summary>
    ProviderError,

    /// <summary>The stream ended; <see cref="ChatUpdate.Completion"/> has the final status.</summary>
    End,
}

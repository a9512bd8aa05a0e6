namespace StreamCore.Chat;

/// <summary>What a <see cref="ChatUpdate"/> reports; each value equals the <see cref="StreamUpdateKind"/> of the same meaning.</summary>
public enum ChatUpdateKind
{
    /// <summary>A fragment of a choice's message content (<see cref="ChatUpdate.Utf8Text"/>), from a string or from a <c>text</c> part.</summary>
    ContentDelta = StreamUpdateKind.ContentDelta,

    /// <summary>A fragment of a choice's refusal.</summary>
    RefusalDelta = StreamUpdateKind.RefusalDelta,

    /// <summary>A fragment of a choice's reasoning (<c>reasoning_content</c>, <c>reasoning</c>, or a <c>thinking</c> part).</summary>
    ReasoningDelta = StreamUpdateKind.ReasoningDelta,

    /// <summary>A tool call appeared (<see cref="ChatUpdate.ToolCall"/> has its id and name).</summary>
    ToolCallStarted = StreamUpdateKind.ToolCallStarted,

    /// <summary>A fragment of a tool call's arguments.</summary>
    ToolCallArgumentsDelta = StreamUpdateKind.ToolCallArgumentsDelta,

    /// <summary>A tool call will get no more fragments: its whole arguments and whether they are valid JSON.</summary>
    ToolCallCompleted = StreamUpdateKind.ToolCallCompleted,

    /// <summary>A choice received a finish reason (<see cref="ChatUpdate.FinishReason"/>); the last one announced is the result's.</summary>
    ChoiceFinished = StreamUpdateKind.Stop,

    /// <summary>Usage arrived (<see cref="ChatUpdate.Json"/>: the usage object).</summary>
    Usage = StreamUpdateKind.Usage,

    /// <summary>The provider reported an error (<see cref="ChatUpdate.Json"/>: the error object).</summary>
    ProviderError = StreamUpdateKind.ProviderError,

    /// <summary>The stream ended; <see cref="ChatUpdate.Completion"/> has the final status.</summary>
    End = StreamUpdateKind.End,

    /// <summary>An annotation was added to a choice's message (<see cref="ChatUpdate.Json"/>: the annotation).</summary>
    AnnotationAdded = StreamUpdateKind.AnnotationAdded,
}

namespace StreamCore;

/// <summary>
/// What a <see cref="StreamUpdate"/> reports: one model for every protocol (<c>typed-protocols.md</c>,
/// section 4). The first ten have the values of the chat-only <see cref="Chat.ChatUpdateKind"/>.
/// </summary>
public enum StreamUpdateKind
{
    /// <summary>A fragment of the message's text (<see cref="StreamUpdate.Utf8Text"/>): chat content, Responses <c>output_text</c>, Anthropic <c>text_delta</c>, Aitronos content.</summary>
    ContentDelta,

    /// <summary>A fragment of a refusal.</summary>
    RefusalDelta,

    /// <summary>A fragment of reasoning: chat <c>reasoning_content</c>, <c>reasoning</c> and thinking parts, Responses reasoning text and summaries, Anthropic thinking, Aitronos reasoning.</summary>
    ReasoningDelta,

    /// <summary>A tool call appeared (<see cref="StreamUpdate.ToolCall"/> has its id and name).</summary>
    ToolCallStarted,

    /// <summary>A fragment of a tool call's arguments (<see cref="StreamUpdate.Utf8Text"/>).</summary>
    ToolCallArgumentsDelta,

    /// <summary>A tool call will get no more fragments: its whole arguments and whether they are valid JSON.</summary>
    ToolCallCompleted,

    /// <summary>A stop or finish reason arrived (<see cref="StreamUpdate.StopKind"/>, <see cref="StreamUpdate.StopReason"/>); the last one announced is the result's.</summary>
    Stop,

    /// <summary>Usage arrived (<see cref="StreamUpdate.Json"/>: the usage object as the protocol sent it).</summary>
    Usage,

    /// <summary>The provider reported an error (<see cref="StreamUpdate.Json"/>: the error object).</summary>
    ProviderError,

    /// <summary>The stream ended; <see cref="StreamUpdate.Result"/> has the final status.</summary>
    End,

    /// <summary>An output item (Responses) or content block (Anthropic) started; <see cref="StreamUpdate.Json"/> is its JSON as the event gave it.</summary>
    ItemStarted,

    /// <summary>An output item or content block is complete; <see cref="StreamUpdate.Json"/> is its final JSON when the event carries it (Responses), else empty.</summary>
    ItemCompleted,

    /// <summary>An annotation or citation was added to a part or block (<see cref="StreamUpdate.Json"/>).</summary>
    AnnotationAdded,

    /// <summary>An event no rule names, passed on raw: <see cref="StreamUpdate.Utf8EventName"/> and <see cref="StreamUpdate.Json"/> (its data). It changed nothing in the result.</summary>
    UnknownEvent,
}

using System;

namespace StreamCore.Aitronos;

/// <summary>The Aitronos events that the rules name, in all three documented generations (<c>typed-protocols.md</c>, section 3).</summary>
internal enum AitronosEventKind : byte
{
    /// <summary>A name no rule knows: changes nothing, handed to update consumers raw (section 0).</summary>
    Unknown,

    /// <summary><c>response.heartbeat</c>: a keep-alive.</summary>
    Heartbeat,

    // Lifecycle: metadata only.
    Processing,
    Created,
    Context,
    OutputItemAdded,
    ToolStarted,

    // Content.
    ContentDelta,
    OutputTextDelta,
    OutputTextDone,

    // Reasoning: the current spelling (response.reasoning.*) and the previous one (reasoning.*).
    ResponseReasoningStarted,
    ResponseReasoningDelta,
    ResponseReasoningCompleted,
    ReasoningStarted,
    ReasoningContent,
    ReasoningCompleted,

    // Tool call blocks.
    Block,
    ToolDone,

    // Ends.
    Completed,
    Cancelled,
    Error,
    Failed,
}

/// <summary>Which generations an event, or a whole stream, showed (<see cref="AitronosGeneration"/>).</summary>
[Flags]
internal enum GenerationMarks : byte
{
    None = 0,

    /// <summary>Something only the oldest generation sends (<c>output_text</c> events, <c>response.failed</c>, the <c>id</c> of <c>response.created</c>).</summary>
    Oldest = 1,

    /// <summary>
    /// An <c>event</c> member in the data: the current or the previous generation. Alone, it says
    /// current: every current event carries one, while the previous generation's events page shows none.
    /// </summary>
    Typed = 2,

    /// <summary>Something only the previous generation sends (<c>reasoning.*</c>, <c>response.block</c>, <c>response.content_delta</c> or <c>response.error</c> named only by the SSE name).</summary>
    Previous = 4,

    /// <summary>Something only the current generation sends (<c>response.processing</c>, <c>.context</c>, <c>.heartbeat</c>, <c>response.reasoning.*</c>, <c>response.tool.*</c>, <c>response.cancelled</c>, <c>[DONE]</c>).</summary>
    Current = 8,
}

/// <summary>Event names to kinds, compared as UTF-8 bytes.</summary>
internal static class AitronosEventNames
{
    public static AitronosEventKind Find(ReadOnlySpan<byte> name)
    {
        if (name.StartsWith("reasoning."u8))
        {
            ReadOnlySpan<byte> rest = name["reasoning."u8.Length..];
            return rest.SequenceEqual("started"u8) ? AitronosEventKind.ReasoningStarted
                : rest.SequenceEqual("content"u8) ? AitronosEventKind.ReasoningContent
                : rest.SequenceEqual("completed"u8) ? AitronosEventKind.ReasoningCompleted
                : AitronosEventKind.Unknown;
        }

        if (!name.StartsWith("response."u8))
        {
            return AitronosEventKind.Unknown;
        }

        ReadOnlySpan<byte> suffix = name["response."u8.Length..];
        return suffix.Length switch
        {
            5 when suffix.SequenceEqual("block"u8) => AitronosEventKind.Block,
            5 when suffix.SequenceEqual("error"u8) => AitronosEventKind.Error,
            6 when suffix.SequenceEqual("failed"u8) => AitronosEventKind.Failed,
            7 when suffix.SequenceEqual("created"u8) => AitronosEventKind.Created,
            7 when suffix.SequenceEqual("context"u8) => AitronosEventKind.Context,
            9 when suffix.SequenceEqual("heartbeat"u8) => AitronosEventKind.Heartbeat,
            9 when suffix.SequenceEqual("completed"u8) => AitronosEventKind.Completed,
            9 when suffix.SequenceEqual("cancelled"u8) => AitronosEventKind.Cancelled,
            9 when suffix.SequenceEqual("tool.done"u8) => AitronosEventKind.ToolDone,
            10 when suffix.SequenceEqual("processing"u8) => AitronosEventKind.Processing,
            12 when suffix.SequenceEqual("tool.started"u8) => AitronosEventKind.ToolStarted,
            13 when suffix.SequenceEqual("content_delta"u8) => AitronosEventKind.ContentDelta,
            15 when suffix.SequenceEqual("reasoning.delta"u8) => AitronosEventKind.ResponseReasoningDelta,
            16 when suffix.SequenceEqual("output_text.done"u8) => AitronosEventKind.OutputTextDone,
            17 when suffix.SequenceEqual("reasoning.started"u8) => AitronosEventKind.ResponseReasoningStarted,
            17 when suffix.SequenceEqual("output_text.delta"u8) => AitronosEventKind.OutputTextDelta,
            17 when suffix.SequenceEqual("output_item.added"u8) => AitronosEventKind.OutputItemAdded,
            19 when suffix.SequenceEqual("reasoning.completed"u8) => AitronosEventKind.ResponseReasoningCompleted,
            _ => AitronosEventKind.Unknown,
        };
    }

    /// <summary>The generation an event of this kind belongs to.</summary>
    public static GenerationMarks MarkOf(AitronosEventKind kind) => kind switch
    {
        AitronosEventKind.OutputItemAdded or AitronosEventKind.OutputTextDelta or AitronosEventKind.OutputTextDone
            or AitronosEventKind.Failed => GenerationMarks.Oldest,
        AitronosEventKind.ReasoningStarted or AitronosEventKind.ReasoningContent or AitronosEventKind.ReasoningCompleted
            or AitronosEventKind.Block => GenerationMarks.Previous,
        AitronosEventKind.Processing or AitronosEventKind.Context or AitronosEventKind.Heartbeat or AitronosEventKind.ResponseReasoningStarted
            or AitronosEventKind.ResponseReasoningDelta or AitronosEventKind.ResponseReasoningCompleted or AitronosEventKind.ToolStarted
            or AitronosEventKind.ToolDone or AitronosEventKind.Cancelled => GenerationMarks.Current,
        _ => GenerationMarks.None,
    };
}

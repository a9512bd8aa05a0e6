using StreamCore.Sse;

namespace StreamCore;

/// <summary>
/// How a stream is read: its protocol, and the limits of an assembly. Every default is safe for
/// untrusted peers; a peer's index never sizes an allocation, whatever the limits.
/// </summary>
public class StreamOptions
{
    internal static StreamOptions Default { get; } = new();

    /// <summary>The stream's protocol, or <see cref="StreamProtocol.Auto"/> (the default) to detect it from the first JSON event.</summary>
    public StreamProtocol Protocol { get; init; }

    /// <summary>
    /// Chat completions only: each <c>content</c> fragment is the whole content so far, not an addition
    /// (WorkflowAI's <c>stream_options.valid_json_chunks</c>). Nothing in a stream says so; it is the
    /// caller's knowledge of its request, never a guess. Off by default.
    /// </summary>
    public bool CumulativeContent { get; init; }

    /// <summary>Chat completions: the most choices one stream may address (default 128).</summary>
    public int MaxChoices { get; init; } = 128;

    /// <summary>Chat completions: the most tool calls one choice may have, and the most entries of an array merged by index (default 1,024).</summary>
    public int MaxToolCallsPerChoice { get; init; } = 1024;

    /// <summary>OpenAI Responses: the most output items one response may address (default 1,024).</summary>
    public int MaxOutputItems { get; init; } = 1024;

    /// <summary>OpenAI Responses: the most content or summary parts one output item may address (default 1,024).</summary>
    public int MaxPartsPerItem { get; init; } = 1024;

    /// <summary>Anthropic Messages: the most content blocks one message may address (default 1,024).</summary>
    public int MaxContentBlocks { get; init; } = 1024;

    /// <summary>The most annotations one Responses content part, or citations one Anthropic block, may hold (default 4,096).</summary>
    public int MaxAnnotations { get; init; } = 4096;

    /// <summary>The most bytes of text, arrays and audio one result may accumulate (default 64 MiB).</summary>
    public long MaxResultBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The deepest nesting of an event's JSON (default 64).</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>Options of the event-stream layer (line and event size limits).</summary>
    public SseReaderOptions Sse { get; init; } = SseReaderOptions.Default;
}

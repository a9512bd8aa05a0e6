using StreamCore.Sse;

namespace StreamCore.Chat;

/// <summary>Limits of an assembly. Every default is safe for untrusted peers.</summary>
public sealed class ChatStreamOptions
{
    internal static ChatStreamOptions Default { get; } = new();

    /// <summary>The most choices one stream may address (default 128). A peer's index never sizes an allocation.</summary>
    public int MaxChoices { get; init; } = 128;

    /// <summary>The most tool calls one choice may have (default 1,024).</summary>
    public int MaxToolCallsPerChoice { get; init; } = 1024;

    /// <summary>The most bytes of text, arrays and audio one result may accumulate (default 64 MiB).</summary>
    public long MaxResultBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The deepest nesting of a chunk's JSON (default 64).</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>Options of the event-stream layer (line and event size limits).</summary>
    public SseReaderOptions Sse { get; init; } = SseReaderOptions.Default;
}

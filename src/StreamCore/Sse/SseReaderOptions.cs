namespace StreamCore.Sse;

/// <summary>Limits and behaviours of an <see cref="SseEventReader"/>.</summary>
public sealed class SseReaderOptions
{
    /// <summary>The default for <see cref="MaxLineLength"/>: 4 MiB.</summary>
    public const int DefaultMaxLineLength = 4 * 1024 * 1024;

    /// <summary>The default for <see cref="MaxEventSize"/>: 8 MiB.</summary>
    public const int DefaultMaxEventSize = 8 * 1024 * 1024;

    internal static SseReaderOptions Default { get; } = new();

    /// <summary>
    /// The longest line accepted, in bytes, not counting its line end. Enforced while the line
    /// accumulates, so a peer that never ends a line cannot make the reader hold more than this.
    /// </summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>The largest data of one event accepted, in bytes (all its <c>data</c> lines joined).</summary>
    public int MaxEventSize { get; init; } = DefaultMaxEventSize;

    /// <summary>
    /// When reading a <see cref="System.IO.Stream"/>, the size of each read (default 16 KiB). Larger
    /// reads cost less per byte for bodies that are already there; each open stream holds one such
    /// buffer while it waits for data.
    /// </summary>
    public int StreamReadSize { get; init; } = 16 * 1024;

    /// <summary>Whether comment lines (<c>: ...</c>) are returned as items with <see cref="SseEvent.IsComment"/> set. Off by default.</summary>
    public bool ReportComments { get; init; }

    /// <summary>
    /// Whether an event that the input ends in the middle of (no blank line after it) is dispatched.
    /// The specification discards it, and so does the default.
    /// </summary>
    public bool DispatchUnterminatedEvent { get; init; }
}

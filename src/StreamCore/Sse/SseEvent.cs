using System;
using System.Text;

namespace StreamCore.Sse;

/// <summary>
/// One dispatched server-sent event, or a comment line when
/// <see cref="SseReaderOptions.ReportComments"/> is set. A view: <see cref="Data"/> points into the
/// reader's buffers and is valid only until the next call to <see cref="SseEventReader.ReadAsync"/>.
/// </summary>
public readonly struct SseEvent
{
    internal SseEvent(string eventType, ReadOnlyMemory<byte> data, long number, long offset, bool isComment)
    {
        EventType = eventType;
        Data = data;
        Number = number;
        Offset = offset;
        IsComment = isComment;
    }

    /// <summary>The event type: the last <c>event</c> field's value, or <c>message</c> when there was none or it was empty.</summary>
    public string EventType { get; }

    /// <summary>
    /// The event's data as UTF-8 bytes exactly as received (lines joined with LF, no trailing LF).
    /// For a comment, the text after the colon (one leading space removed).
    /// </summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The 1-based number of this event among the dispatched events (for a comment, the number the next event will get).</summary>
    public long Number { get; }

    /// <summary>The byte offset in the stream of the first line of this event.</summary>
    public long Offset { get; }

    /// <summary>Whether this is a comment line rather than an event.</summary>
    public bool IsComment { get; }

    /// <summary>Decodes <see cref="Data"/> as UTF-8, replacing invalid bytes with U+FFFD. Allocates a string.</summary>
    public string GetDataAsString() => Encoding.UTF8.GetString(Data.Span);
}

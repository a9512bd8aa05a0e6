using System;

namespace StreamCore.Chat;

/// <summary>
/// The stream was malformed (not an event stream of JSON chunks, or a limit was exceeded). Says
/// where, and carries everything assembled before the fault.
/// </summary>
public sealed class ChatStreamFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ChatStreamFormatException(string message, long eventNumber, long byteOffset, ChatCompletionResult? partialResult, Exception? innerException = null)
        : base($"{message} (event {eventNumber}, byte offset {byteOffset})", innerException)
    {
        EventNumber = eventNumber;
        ByteOffset = byteOffset;
        PartialResult = partialResult;
    }

    /// <summary>Creates the exception.</summary>
    public ChatStreamFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChatStreamFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChatStreamFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The 1-based number of the event at fault.</summary>
    public long EventNumber { get; }

    /// <summary>The byte offset in the stream of the event at fault (or of the limit breach).</summary>
    public long ByteOffset { get; }

    /// <summary>Everything assembled before the fault; its status is <see cref="ChatStreamStatus.Failed"/>.</summary>
    public ChatCompletionResult? PartialResult { get; }
}

using System;
using System.IO;

namespace StreamCore.Sse;

/// <summary>Thrown when an event stream breaks one of the limits of <see cref="SseReaderOptions"/>.</summary>
public sealed class SseLimitExceededException : IOException
{
    /// <summary>Creates the exception.</summary>
    public SseLimitExceededException(string limitName, long limit, long byteOffset, long eventNumber)
        : base($"The event stream exceeded {limitName} ({limit} bytes) at byte offset {byteOffset}, in event {eventNumber}.")
    {
        LimitName = limitName;
        Limit = limit;
        ByteOffset = byteOffset;
        EventNumber = eventNumber;
    }

    /// <summary>Creates the exception.</summary>
    public SseLimitExceededException()
        : this("a limit", 0, 0, 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SseLimitExceededException(string message)
        : base(message)
    {
        LimitName = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public SseLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        LimitName = string.Empty;
    }

    /// <summary>The name of the option whose limit was exceeded, such as <c>MaxLineLength</c>.</summary>
    public string LimitName { get; }

    /// <summary>The limit, in bytes.</summary>
    public long Limit { get; }

    /// <summary>The byte offset in the stream at which the limit was exceeded.</summary>
    public long ByteOffset { get; }

    /// <summary>The 1-based number of the event being read when the limit was exceeded.</summary>
    public long EventNumber { get; }
}

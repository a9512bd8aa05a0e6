using System;

namespace StreamCore;

/// <summary>
/// The stream was malformed: not an event stream of the protocol's JSON, an event of another
/// protocol, or a limit exceeded. Says where (event number and byte offset), and carries everything
/// assembled before the fault.
/// </summary>
public class StreamFormatException : FormatException
{
    private readonly StreamResult? _partialResult;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, without the position (the message adds it).</param>
    /// <param name="eventNumber">The 1-based number of the event at fault.</param>
    /// <param name="byteOffset">The byte offset in the stream of the event at fault, or of the limit breach.</param>
    /// <param name="partialResult">Everything assembled before the fault.</param>
    /// <param name="innerException">The cause, if any.</param>
    public StreamFormatException(string message, long eventNumber, long byteOffset, StreamResult partialResult, Exception? innerException = null)
        : base($"{message} (event {eventNumber}, byte offset {byteOffset})", innerException)
    {
        ArgumentNullException.ThrowIfNull(partialResult);
        EventNumber = eventNumber;
        ByteOffset = byteOffset;
        _partialResult = partialResult;
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public StreamFormatException()
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public StreamFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public StreamFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The 1-based number of the event at fault.</summary>
    public long EventNumber { get; }

    /// <summary>The byte offset in the stream of the event at fault (or of the limit breach).</summary>
    public long ByteOffset { get; }

    /// <summary>
    /// Everything assembled before the fault; its status is <see cref="StreamStatus.Failed"/>. It
    /// belongs to the caller, who disposes it. StreamCore always sets it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The exception was created without a result.</exception>
    public virtual StreamResult PartialResult => _partialResult ?? throw new InvalidOperationException("This exception was created without a partial result.");
}

using System;
using System.Threading;

namespace StreamCore;

/// <summary>
/// Reading the stream was cancelled ("stop generating", a timeout). An <see cref="OperationCanceledException"/>
/// that keeps everything received: <see cref="PartialResult"/>, whose status is
/// <see cref="StreamStatus.Incomplete"/>, belongs to the caller.
/// </summary>
public class StreamCanceledException : OperationCanceledException
{
    private readonly StreamResult? _partialResult;

    /// <summary>Creates the exception.</summary>
    /// <param name="partialResult">Everything assembled before the cancellation.</param>
    /// <param name="innerException">The cancellation as it was raised.</param>
    /// <param name="cancellationToken">The token that was cancelled, if known.</param>
    public StreamCanceledException(StreamResult partialResult, Exception? innerException, CancellationToken cancellationToken)
        : base("Reading the stream was cancelled; the partial result holds everything received.", innerException, cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partialResult);
        _partialResult = partialResult;
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public StreamCanceledException()
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public StreamCanceledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public StreamCanceledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Everything received before the cancellation; its status is <see cref="StreamStatus.Incomplete"/>. StreamCore always sets it.</summary>
    /// <exception cref="InvalidOperationException">The exception was created without a result.</exception>
    public virtual StreamResult PartialResult => _partialResult ?? throw new InvalidOperationException("This exception was created without a partial result.");
}

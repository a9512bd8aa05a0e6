using System;

namespace StreamCore.Core;

/// <summary>
/// What every protocol's assembly of one stream has: its limits, how far it got, the budget of
/// bytes it may accumulate. Each protocol's state derives from it and owns pooled buffers until
/// disposed (by the result, which is its public view).
/// </summary>
internal abstract class AssemblyState
{
    protected AssemblyState(StreamOptions options) => Options = options;

    public StreamOptions Options { get; }

    /// <summary>The public view of this state, created with it.</summary>
    public abstract StreamResult Result { get; }

    public StreamStatus Status { get; set; }

    /// <summary>Whether the stream ended (the protocol's terminal event, a provider error where the protocol ends on one, malformed input): later events are not read.</summary>
    public bool Ended { get; set; }

    /// <summary>Whether a provider error arrived.</summary>
    public bool HasProviderError { get; set; }

    /// <summary>Bytes appended to assembled values so far, checked against <see cref="StreamOptions.MaxResultBytes"/>.</summary>
    public long ResultBytes { get; private set; }

    /// <summary>Counts bytes added to the result and enforces <see cref="StreamOptions.MaxResultBytes"/>.</summary>
    public void Charge(int bytes)
    {
        ResultBytes += bytes;
        if (ResultBytes > Options.MaxResultBytes)
        {
            throw new MalformedEventException($"the assembled result exceeded {Options.MaxResultBytes} bytes (MaxResultBytes)");
        }
    }

    /// <summary>Marks the stream failed by malformed input and builds the exception that carries the partial result.</summary>
    public StreamFormatException Malformed(string message, long eventNumber, long offset, Exception? inner)
    {
        Status = StreamStatus.Failed;
        Ended = true;
        CloseOpenParts();
        return CreateFormatException(message, eventNumber, offset, inner);
    }

    /// <summary>Marks the stream incomplete because the transport failed; everything received is kept.</summary>
    public void SetTransportFailure(Exception exception)
    {
        Result.TransportException = exception;
        Ended = true;
        if (Status == StreamStatus.InProgress)
        {
            Status = StreamStatus.Incomplete;
        }
    }

    /// <summary>
    /// Marks the stream incomplete because reading it was cancelled (everything received is kept) and
    /// builds the exception that hands the partial result to the caller.
    /// </summary>
    public StreamCanceledException Canceled(OperationCanceledException cancellation)
    {
        Ended = true;
        if (Status == StreamStatus.InProgress)
        {
            Status = StreamStatus.Incomplete;
        }

        CloseOpenParts();
        return CreateCanceledException(cancellation);
    }

    /// <summary>Marks a stream whose reader stopped early (a consumer that broke off) incomplete, unless it had ended.</summary>
    public void Abandon()
    {
        Ended = true;
        if (Status == StreamStatus.InProgress)
        {
            Status = StreamStatus.Incomplete;
            CloseOpenParts();
        }
    }

    /// <summary>Returns the pooled buffers; the state is not used afterwards.</summary>
    public abstract void Dispose();

    /// <summary>Closes what a stream that ends now leaves open (tool calls whose arguments get no more fragments), without updates.</summary>
    protected virtual void CloseOpenParts()
    {
    }

    /// <summary>The protocol's cancellation exception (chat has its own type).</summary>
    protected virtual StreamCanceledException CreateCanceledException(OperationCanceledException cancellation)
        => new(Result, cancellation, cancellation.CancellationToken);

    /// <summary>The protocol's format exception (chat has its own type, for compatibility).</summary>
    protected virtual StreamFormatException CreateFormatException(string message, long eventNumber, long offset, Exception? inner)
        => new(message, eventNumber, offset, Result, inner);
}

using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary>
/// A command's standard output: buffered (a line of updates is one small write, not two system
/// calls), flushed by the command when its input may block, and reporting a reader that went away
/// (a closed pipe, <c>| head -1</c>) as <see cref="OutputClosedException"/>, so that the command stops
/// reading. The process's standard output must be a stream that reports a broken pipe: the console
/// stream ignores it, so <c>Main</c> writes to file descriptor 1 directly.
/// </summary>
internal sealed class CommandOutput(Stream inner) : Stream
{
    private readonly BufferedStream _buffered = new(inner, 64 * 1024);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Guard(() => _buffered.Write(buffer, offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _buffered.Write(buffer);
        }
        catch (IOException e)
        {
            throw new OutputClosedException(e);
        }
    }

    public override void WriteByte(byte value) => Guard(() => _buffered.WriteByte(value));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _buffered.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new OutputClosedException(e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Does nothing: writers such as <see cref="System.Text.Json.Utf8JsonWriter"/> flush their stream
    /// after every value, which would make each line a system call. The command flushes for real with
    /// <see cref="FlushAsync(CancellationToken)"/> when its input may block, and at the end.
    /// </summary>
    public override void Flush()
    {
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new OutputClosedException(e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Flushes what is buffered, leaving the process's stream open; a reader that went away is not an error here.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                _buffered.Flush();
            }
            catch (IOException)
            {
                // There is no one left to tell.
            }
        }

        base.Dispose(disposing);
    }

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (IOException e)
        {
            throw new OutputClosedException(e);
        }
    }
}

/// <summary>Standard output was closed by its reader (a broken pipe): the command stops, quietly.</summary>
internal sealed class OutputClosedException : Exception
{
    public OutputClosedException(IOException inner)
        : base("the output was closed by its reader", inner)
    {
    }

    public OutputClosedException()
    {
    }

    public OutputClosedException(string message)
        : base(message)
    {
    }

    public OutputClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

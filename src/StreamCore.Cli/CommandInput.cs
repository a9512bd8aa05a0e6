using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary>
/// A command's input (a file or standard input), as the library reads it:
/// <list type="bullet">
/// <item>reads that a cancellation abandons: standard input ignores cancellation tokens, and Ctrl+C
/// must end a command whose input stays open. Each read goes into a buffer of this stream's own,
/// which an abandoned read keeps, so no buffer the library reuses is written after it let go;</item>
/// <item>the command's buffered output flushed before each read, which is when the input may block;</item>
/// <item>the bytes a command peeked at first handed back before the rest;</item>
/// <item>a count of the bytes read, for <c>--stats</c>.</item>
/// </list>
/// </summary>
internal sealed class CommandInput : Stream
{
    private readonly Stream _inner;
    private readonly bool _ownsInner;
    private byte[] _buffer = new byte[64 * 1024];
    private Task<int>? _pending;
    private ReadOnlyMemory<byte> _replay;
    private bool _abandoned;

    private CommandInput(Stream inner, bool ownsInner)
    {
        _inner = inner;
        _ownsInner = ownsInner;
    }

    /// <summary>Called before each read of the underlying input (the command flushes its output there).</summary>
    public Func<CancellationToken, Task>? BeforeRead { get; set; }

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Opens FILE, or standard input for no argument or <c>-</c>; a directory or a missing file is a usage error.</summary>
    public static CommandInput Open(string[] positional, Stream stdin)
    {
        if (positional.Length > 1)
        {
            throw new ArgumentException($"expected at most one input file, got {positional.Length}");
        }

        if (positional.Length == 0 || positional[0] == "-")
        {
            return new CommandInput(stdin, ownsInner: false);
        }

        string path = positional[0];
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"'{path}' is a directory, not a file");
        }

        return new CommandInput(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true), ownsInner: true);
    }

    /// <summary>
    /// Reads the input's first bytes and says whether it is a JSON document rather than an event
    /// stream (its first character, after a byte order mark and white space, is <c>{</c> or <c>[</c>:
    /// an event stream's lines never start so). The bytes read are handed back by later reads.
    /// </summary>
    public async Task<bool> StartsWithJsonAsync(CancellationToken cancellationToken)
    {
        var seen = new MemoryStream();
        byte[] chunk = new byte[4096];
        while (true)
        {
            int read = await ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            seen.Write(chunk, 0, read);
            ReadOnlySpan<byte> text = seen.GetBuffer().AsSpan(0, (int)seen.Length);
            if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                text = text[3..];
            }

            int first = text.IndexOfAnyExcept(" \t\r\n"u8);
            if (first >= 0 || read == 0)
            {
                _replay = seen.ToArray();
                return first >= 0 && text[first] is (byte)'{' or (byte)'[';
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_replay.IsEmpty)
        {
            int replayed = Math.Min(buffer.Length, _replay.Length);
            _replay[..replayed].CopyTo(buffer);
            _replay = _replay[replayed..];
            return replayed;
        }

        ObjectDisposedException.ThrowIf(_abandoned, this);
        if (BeforeRead is { } beforeRead)
        {
            await beforeRead(cancellationToken).ConfigureAwait(false);
        }

        _pending ??= _inner.ReadAsync(_buffer, 0, Math.Min(buffer.Length, _buffer.Length), CancellationToken.None);
        int read;
        try
        {
            read = await _pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_pending.IsCompleted)
        {
            // The read goes on writing into _buffer; this stream gives it up for good.
            _abandoned = true;
            _buffer = [];
            throw;
        }

        _pending = null;
        _buffer.AsSpan(0, read).CopyTo(buffer.Span);
        BytesRead += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsInner && _pending is null)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Sse;

/// <summary>
/// A <see cref="PipeReader"/> over a <see cref="Stream"/> with one pooled array: each read fills the
/// array after the bytes not yet consumed and returns it as a single segment.
/// </summary>
/// <remarks>
/// <see cref="PipeReader.Create(Stream, StreamPipeReaderOptions?)"/> serves any consumer with a chain
/// of pooled segments, which costs allocations per stream and bookkeeping per read. The SSE reader
/// always consumes a read to its end (partial lines are copied out), so a single array, reused from
/// read to read, serves it with none of that. Unconsumed bytes are still kept, so the contract of
/// <see cref="PipeReader"/> holds for any caller. <see cref="CancelPendingRead"/> takes effect at the
/// next read; a read already waiting on the stream ends with the token passed to it.
/// </remarks>
internal sealed class StreamBufferReader : PipeReader
{
    private readonly Stream _stream;
    private readonly int _readSize;
    private readonly bool _leaveOpen;
    private byte[]? _array;
    private int _start;       // first byte not consumed
    private int _end;         // end of the bytes read
    private int _examined;    // end of the bytes examined; a read returns at once only with more than this
    private bool _streamEnded;
    private bool _cancelNext;
    private bool _completed;

    public StreamBufferReader(Stream stream, int readSize, bool leaveOpen)
    {
        _stream = stream;
        _readSize = readSize;
        _leaveOpen = leaveOpen;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (TryTakeCancellation(out ReadResult cancelled))
        {
            return new ValueTask<ReadResult>(cancelled);
        }

        if (_end > _examined || _streamEnded)
        {
            return new ValueTask<ReadResult>(Current());
        }

        Memory<byte> free = PrepareSpace();
        ValueTask<int> read = _stream.ReadAsync(free, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            Filled(read.Result);
            return new ValueTask<ReadResult>(Current());
        }

        return AwaitReadAsync(read);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> AwaitReadAsync(ValueTask<int> read)
    {
        Filled(await read.ConfigureAwait(false));
        return Current();
    }

    public override bool TryRead(out ReadResult result)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (TryTakeCancellation(out result))
        {
            return true;
        }

        if (_end > _examined || _streamEnded)
        {
            result = Current();
            return true;
        }

        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        // Positions of a sequence over one array are indexes into that array.
        int consumedIndex = consumed.GetInteger();
        int examinedIndex = examined.GetInteger();
        if (!ReferenceEquals(consumed.GetObject(), _array) || consumedIndex < _start || consumedIndex > _end || examinedIndex < consumedIndex || examinedIndex > _end)
        {
            throw new InvalidOperationException("The position does not belong to the last read, or goes back before what was consumed.");
        }

        _start = consumedIndex;
        _examined = examinedIndex;
        if (_start == _end)
        {
            _start = _end = _examined = 0; // all consumed: the next read reuses the array from the start
        }
    }

    public override void CancelPendingRead() => _cancelNext = true;

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        byte[]? array = _array;
        _array = null;
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private bool TryTakeCancellation(out ReadResult result)
    {
        if (_cancelNext)
        {
            _cancelNext = false;
            result = new ReadResult(Sequence(), isCanceled: true, isCompleted: false);
            return true;
        }

        result = default;
        return false;
    }

    private ReadResult Current() => new(Sequence(), isCanceled: false, isCompleted: _streamEnded);

    private ReadOnlySequence<byte> Sequence() => _array is null ? default : new ReadOnlySequence<byte>(_array, _start, _end - _start);

    /// <summary>Room for a read after the unconsumed bytes: moved to the front, the array grown if they fill it.</summary>
    private Memory<byte> PrepareSpace()
    {
        int pending = _end - _start;
        if (_array is null || _array.Length - pending < _readSize)
        {
            byte[] next = ArrayPool<byte>.Shared.Rent(pending + _readSize);
            if (_array is not null)
            {
                _array.AsSpan(_start, pending).CopyTo(next);
                ArrayPool<byte>.Shared.Return(_array);
            }

            _array = next;
        }
        else if (_start > 0 && _array.Length - _end < _readSize)
        {
            _array.AsSpan(_start, pending).CopyTo(_array);
        }
        else
        {
            return _array.AsMemory(_end);
        }

        _examined -= _start;
        _start = 0;
        _end = pending;
        return _array.AsMemory(_end);
    }

    private void Filled(int count)
    {
        if (count == 0)
        {
            _streamEnded = true;
        }

        _end += count;
    }
}

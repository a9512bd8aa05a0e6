using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Buffers;

namespace StreamCore.Sse;

/// <summary>
/// Reads server-sent events from a <see cref="PipeReader"/>, following the WHATWG HTML
/// "Interpreting an event stream" algorithm exactly, without allocating per event.
/// </summary>
/// <remarks>
/// <para>
/// Lines are found by searching bytes; nothing is decoded to text. An event whose data is one
/// <c>data</c> line lying in one segment of the pipe's buffer is exposed as a slice of that buffer;
/// data spanning lines, segments or reads is copied once into a pooled buffer. A line cut by the end
/// of a read is copied into a pooled line buffer, so every byte is scanned once however small the
/// reads are, and the pipe is always consumed to its end (a writer never waits on this reader).
/// </para>
/// <para>Not thread-safe: one consumer calls <see cref="ReadAsync"/> at a time.</para>
/// </remarks>
public sealed partial class SseEventReader : IDisposable
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    // A reader that ChatStream rented and returned, kept for the next stream on this thread.
    [ThreadStatic]
    private static SseEventReader? t_spare;

    private PipeReader _reader;
    private bool _ownsReader;
    private bool _reusable;
    private int _maxLineLength;
    private int _maxEventSize;
    private bool _reportComments;
    private bool _dispatchUnterminated;

    // The read being parsed: the pipe's buffer, the segment under the cursor and where the next one starts.
    private ReadOnlySequence<byte> _buffer;
    private bool _holdingBuffer;
    private bool _inputCompleted;
    private bool _endReached;
    private SequencePosition _nextSegment;
    private ReadOnlyMemory<byte> _segment;
    private int _segmentOffset;
    private long _segmentStart; // stream offset of _segment[0]
    private bool _bomChecked;
    private int _bomMatched;
    private int _bomConsumed;

    // A line cut by the end of a segment or read, copied here until its line end arrives.
    private PooledByteBuffer _line;
    private bool _lineIsPartial;
    private bool _skipLeadingLf; // the previous segment ended in CR; an LF first in the next one belongs to it

    // The event being built: its data is either a slice of the pipe's buffer or copied into _data.
    private DataState _dataState;
    private ReadOnlyMemory<byte> _dataSlice;
    private PooledByteBuffer _data;
    private bool _resetDataOnNextLine;
    private string? _eventType;
    private long _eventStart;
    private long _eventCount;

    // The spec's "last event ID buffer" and the committed "last event ID string".
    private PooledByteBuffer _idBuffer;
    private PooledByteBuffer _lastEventIdBytes;
    private string _lastEventId;
    private long? _reconnectionTime;

    // The last unknown event type, kept so that a stream repeating it allocates its string once.
    private byte[]? _customTypeBytes;
    private string? _customType;

    // The last event type named, as bytes and string: typed streams repeat one name for runs of events.
    private byte[]? _lastTypeBytes;
    private string? _lastType;

    private SseEvent _current;

    /// <summary>Creates a reader over <paramref name="reader"/>, which the caller keeps owning.</summary>
    public SseEventReader(PipeReader reader, SseReaderOptions? options = null)
        : this(reader, options, ownsReader: false)
    {
    }

    private SseEventReader(PipeReader reader, SseReaderOptions? options, bool ownsReader) => Start(reader, options, ownsReader);

    /// <summary>
    /// A reader for one stream that <see cref="Dispose"/> keeps for the next stream on the same thread
    /// (ChatStream reads many short streams; the reader is its largest per-stream object). The caller
    /// disposes it exactly once and keeps no reference to it afterwards.
    /// </summary>
    internal static SseEventReader Rent(PipeReader reader, SseReaderOptions? options)
    {
        SseEventReader? spare = t_spare;
        if (spare is null)
        {
            return new SseEventReader(reader, options, ownsReader: false) { _reusable = true };
        }

        t_spare = null;
        spare.Start(reader, options, ownsReader: false);
        return spare;
    }

    /// <summary>Sets every field for a new stream: the one place that lists the reader's state.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_reader), nameof(_lastEventId))]
    private void Start(PipeReader reader, SseReaderOptions? options, bool ownsReader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= SseReaderOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxLineLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxEventSize);
        _reader = reader;
        _ownsReader = ownsReader;
        _maxLineLength = options.MaxLineLength;
        _maxEventSize = options.MaxEventSize;
        _reportComments = options.ReportComments;
        _dispatchUnterminated = options.DispatchUnterminatedEvent;
        _buffer = default;
        _holdingBuffer = false;
        _inputCompleted = false;
        _endReached = false;
        _nextSegment = default;
        _segment = default;
        _segmentOffset = 0;
        _segmentStart = 0;
        _bomChecked = false;
        _bomMatched = 0;
        _bomConsumed = 0;
        _line = default;
        _lineIsPartial = false;
        _skipLeadingLf = false;
        _dataState = DataState.None;
        _dataSlice = default;
        _data = default;
        _resetDataOnNextLine = false;
        _eventType = null;
        _eventStart = -1;
        _eventCount = 0;
        _idBuffer = default;
        _lastEventIdBytes = default;
        _lastEventId = string.Empty;
        _reconnectionTime = null;
        _customTypeBytes = null;
        _customType = null;
        _lastTypeBytes = null;
        _lastType = null;
        _current = default;
    }

    /// <summary>Creates a reader over <paramref name="stream"/>; disposing the reader completes the pipe over it.</summary>
    public static SseEventReader Create(Stream stream, SseReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new SseEventReader(CreatePipeReader(stream, options, leaveOpen), options, ownsReader: true);
    }

    /// <summary>The pipe over a stream that every <see cref="Stream"/> entry point reads through.</summary>
    internal static PipeReader CreatePipeReader(Stream stream, SseReaderOptions? options, bool leaveOpen)
        => new StreamBufferReader(stream, (options ?? SseReaderOptions.Default).StreamReadSize, leaveOpen);

    /// <summary>The item returned by the last successful <see cref="ReadAsync"/>; its data is valid until the next call.</summary>
    public SseEvent Current => _current;

    /// <summary>The last event ID string: the <c>id</c> in force when the latest event was dispatched.</summary>
    public string LastEventId => _lastEventId;

    /// <summary>The reconnection time in milliseconds set by the latest valid <c>retry</c> field, or null.</summary>
    public long? ReconnectionTime => _reconnectionTime;

    /// <summary>The number of events dispatched so far.</summary>
    public long EventCount => _eventCount;

    /// <summary>The number of bytes of the stream parsed so far.</summary>
    public long BytesConsumed => _segmentStart + _segmentOffset;

    /// <summary>Whether the reader still holds pooled memory (for tests: false once disposed).</summary>
    internal bool HoldsPooledMemory => _line.HasStorage || _data.HasStorage || _idBuffer.HasStorage || _lastEventIdBytes.HasStorage;

    /// <summary>
    /// Advances to the next event (or comment, when reported). Returns false at the end of the input.
    /// </summary>
    /// <exception cref="SseLimitExceededException">A line or an event is larger than the options allow.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting for data.</exception>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        // The usual case, an item already in the held buffer, returns without entering the async
        // method: its state machine is a heap object in unoptimized builds.
        if (_holdingBuffer)
        {
            try
            {
                if (ParseBuffered())
                {
                    return new ValueTask<bool>(true);
                }
            }
            catch (Exception e)
            {
                return ValueTask.FromException<bool>(e);
            }
        }

        return ReadMoreAsync(cancellationToken);
    }

    // Pooled: when a read waits on the network (every event, in live streaming) the state machine
    // box is reused instead of allocated.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadMoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_holdingBuffer)
            {
                if (ParseBuffered())
                {
                    return true;
                }

                ReleaseBuffer();
            }

            if (_endReached)
            {
                return false;
            }

            if (_inputCompleted)
            {
                // An unterminated event may yield two items (its last line as a comment, then the
                // event), so the end is reached only once nothing is left.
                if (FinishInput())
                {
                    return true;
                }

                _endReached = true;
                return false;
            }

            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                _reader.AdvanceTo(result.Buffer.Start);
                throw new OperationCanceledException("The pipe read was cancelled.");
            }

            _inputCompleted = result.IsCompleted;
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (!_bomChecked && !TryStripBom(ref buffer))
            {
                continue;
            }

            _buffer = result.Buffer;
            _holdingBuffer = true;
            _nextSegment = buffer.Start;
            _segment = default;
            _segmentOffset = 0;
        }
    }

    /// <summary>Returns pooled buffers and, when this reader created the pipe, completes it.</summary>
    public void Dispose()
    {
        if (_holdingBuffer)
        {
            _holdingBuffer = false;
            _reader.AdvanceTo(_buffer.End);
        }

        if (_ownsReader)
        {
            _reader.Complete();
        }

        _line.Dispose();
        _data.Dispose();
        _idBuffer.Dispose();
        _lastEventIdBytes.Dispose();
        _dataSlice = default;
        _current = default;
        if (_reusable)
        {
            _reader = null!;
            t_spare ??= this;
        }
    }

    // "The UTF-8 decode algorithm strips one leading UTF-8 Byte Order Mark (BOM), if any."
    // Matched bytes are consumed as they arrive (a BOM may be split across reads); if the match
    // fails, the bytes matched so far are content and start the first line.
    private bool TryStripBom(ref ReadOnlySequence<byte> buffer)
    {
        while (!_bomChecked)
        {
            if (buffer.IsEmpty)
            {
                if (!_inputCompleted)
                {
                    _segmentStart += _bomMatched - _bomConsumed;
                    _bomConsumed = _bomMatched;
                    _reader.AdvanceTo(buffer.End);
                    return false;
                }

                break;
            }

            if (buffer.FirstSpan[0] != Utf8Bom[_bomMatched])
            {
                break;
            }

            buffer = buffer.Slice(1);
            if (++_bomMatched == Utf8Bom.Length)
            {
                _segmentStart += Utf8Bom.Length - _bomConsumed;
                _bomChecked = true;
                return true;
            }
        }

        if (!_bomChecked)
        {
            _bomChecked = true;
            _segmentStart += _bomMatched - _bomConsumed;
            if (_bomMatched > 0)
            {
                AppendPartialLine(Utf8Bom.AsSpan(0, _bomMatched));
            }
        }

        return true;
    }

    private void ReleaseBuffer()
    {
        ResetDispatchedData();

        // The event under construction must not point into memory the pipe is about to reuse.
        if (_dataState == DataState.Slice)
        {
            _data.Set(_dataSlice.Span);
            _dataSlice = default;
            _dataState = DataState.Copied;
        }

        _holdingBuffer = false;
        _segment = default;
        _reader.AdvanceTo(_buffer.End);
        _buffer = default;
    }

    /// <summary>Parses lines of the held buffer until an item is ready (true) or the buffer is used up (false).</summary>
    private bool ParseBuffered()
    {
        while (true)
        {
            if (_segmentOffset >= _segment.Length && !MoveToNextSegment())
            {
                return false;
            }

            ReadOnlySpan<byte> span = _segment.Span[_segmentOffset..];
            if (_skipLeadingLf)
            {
                _skipLeadingLf = false;
                if (span[0] == (byte)'\n')
                {
                    _segmentOffset++;
                    continue;
                }
            }

            // "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF)
            // character pair, a single U+000A LINE FEED (LF) character, or a single U+000D CARRIAGE
            // RETURN (CR) character."
            int end = span.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                AppendPartialLine(span);
                _segmentOffset = _segment.Length;
                continue;
            }

            int terminator = 1;
            if (span[end] == (byte)'\r')
            {
                if (end + 1 < span.Length)
                {
                    terminator = span[end + 1] == (byte)'\n' ? 2 : 1;
                }
                else
                {
                    _skipLeadingLf = true;
                }
            }

            bool ready;
            if (_lineIsPartial)
            {
                long lineStart = BytesConsumed - _line.Length;
                AppendPartialLine(span[..end]);
                _lineIsPartial = false;
                ready = ProcessLine(_line.Span, default, lineStart);
                _line.Clear();
            }
            else
            {
                if (end > _maxLineLength)
                {
                    throw LimitExceeded(nameof(SseReaderOptions.MaxLineLength), _maxLineLength, BytesConsumed + _maxLineLength);
                }

                ready = ProcessLine(span[..end], _segment.Slice(_segmentOffset, end), BytesConsumed);
            }

            _segmentOffset += end + terminator;
            if (ready)
            {
                return true;
            }
        }
    }

    private bool MoveToNextSegment()
    {
        _segmentStart += _segment.Length;
        _segment = default;
        _segmentOffset = 0;
        while (_buffer.TryGet(ref _nextSegment, out ReadOnlyMemory<byte> memory))
        {
            if (!memory.IsEmpty)
            {
                _segment = memory;
                return true;
            }
        }

        return false;
    }

    private void AppendPartialLine(ReadOnlySpan<byte> bytes)
    {
        if (_line.Length + bytes.Length > _maxLineLength)
        {
            throw LimitExceeded(nameof(SseReaderOptions.MaxLineLength), _maxLineLength, BytesConsumed - _line.Length + _maxLineLength);
        }

        int lineStartLength = _line.Length;
        _line.Append(bytes);
        _lineIsPartial = true;

        // A data line counts against MaxEventSize while it accumulates, not only once it ends.
        int existing = _resetDataOnNextLine ? 0 : _dataState switch
        {
            DataState.None => 0,
            DataState.Slice => _dataSlice.Length + 1,
            _ => _data.Length + 1,
        };
        if (_line.Length + existing > _maxEventSize && _line.Span.StartsWith("data:"u8))
        {
            int valueStart = _line.Length > 5 && _line.Span[5] == (byte)' ' ? 6 : 5;
            CheckEventSize(existing + _line.Length - valueStart, _line.Length - valueStart, BytesConsumed - lineStartLength + valueStart);
        }
    }
}

using System;
using System.Text;

namespace StreamCore.Sse;

// The line-level half of the reader: the WHATWG algorithm's "process the field", dispatch and the
// end of input, for lines that SseEventReader.cs has found in the pipe's buffer.
public sealed partial class SseEventReader
{
    /// <summary>
    /// Processes one complete line. <paramref name="stable"/> is the same line as a slice of the pipe's
    /// buffer when it lies in one segment (so data can be exposed without a copy), else empty.
    /// </summary>
    private bool ProcessLine(ReadOnlySpan<byte> line, ReadOnlyMemory<byte> stable, long lineOffset)
    {
        ResetDispatchedData();

        // "If the line is empty (a blank line): Dispatch the event, as defined below."
        if (line.IsEmpty)
        {
            return Dispatch();
        }

        // "If the line starts with a U+003A COLON character (:): Ignore the line."
        if (line[0] == (byte)':')
        {
            if (!_reportComments)
            {
                return false;
            }

            int skip = line.Length > 1 && line[1] == (byte)' ' ? 2 : 1;
            ReadOnlyMemory<byte> text = stable.IsEmpty ? _line.Memory[skip..] : stable[skip..];
            _current = new SseEvent(SseEventTypes.Message, text, _eventCount + 1, lineOffset, isComment: true);
            return true;
        }

        if (_eventStart < 0)
        {
            _eventStart = lineOffset;
        }

        // "If the line contains a U+003A COLON character (:): Collect the characters on the line
        // before the first U+003A COLON character (:), and let field be that string. Collect the
        // characters on the line after the first U+003A COLON character (:), and let value be that
        // string. If value starts with a U+0020 SPACE character, remove it from value."
        // "Otherwise, the string is not empty but does not contain a U+003A COLON character (:):
        // Process the field using the whole line as the field name, and the empty string as the field value."
        int colon = line.IndexOf((byte)':');
        ReadOnlySpan<byte> field = colon < 0 ? line : line[..colon];
        int valueStart = colon < 0 ? line.Length : colon + 1;
        if (valueStart < line.Length && line[valueStart] == (byte)' ')
        {
            valueStart++;
        }

        ReadOnlySpan<byte> value = line[valueStart..];
        switch (field.Length)
        {
            case 4 when field.SequenceEqual("data"u8):
                AppendData(value, stable.IsEmpty ? default : stable[valueStart..], lineOffset + valueStart);
                break;
            case 5 when field.SequenceEqual("event"u8):
                // "Set the event type buffer to field value."
                _eventType = value.IsEmpty ? null : GetEventType(value);
                break;
            case 2 when field.SequenceEqual("id"u8):
                // "If the field value does not contain U+0000 NULL, then set the last event ID buffer
                // to the field value. Otherwise, ignore the field."
                if (!value.Contains((byte)0))
                {
                    _idBuffer.Set(value);
                }

                break;
            case 5 when field.SequenceEqual("retry"u8):
                // "If the field value consists of only ASCII digits, then interpret the field value as
                // an integer in base ten, and set the event stream's reconnection time to that integer.
                // Otherwise, ignore the field." A value too large for 64 bits is ignored as well.
                if (TryParseDigits(value, out long retry))
                {
                    _reconnectionTime = retry;
                }

                break;
            default:
                // "Otherwise: The field is ignored."
                break;
        }

        return false;
    }

    // The data of a dispatched event stays valid until the caller asks for the next item.
    private void ResetDispatchedData()
    {
        if (_resetDataOnNextLine)
        {
            _resetDataOnNextLine = false;
            _data.Clear();
            _dataSlice = default;
            _dataState = DataState.None;
        }
    }

    // "Append the field value to the data buffer, then append a single U+000A LINE FEED (LF)
    // character to the data buffer." The LF is written between lines instead, which is the same as
    // removing the last one at dispatch.
    private void AppendData(ReadOnlySpan<byte> value, ReadOnlyMemory<byte> stable, long valueOffset)
    {
        switch (_dataState)
        {
            case DataState.None:
                CheckEventSize(value.Length, value.Length, valueOffset);
                if (stable.IsEmpty && !value.IsEmpty)
                {
                    _data.Set(value);
                    _dataState = DataState.Copied;
                }
                else
                {
                    _dataSlice = stable;
                    _dataState = DataState.Slice;
                }

                break;
            case DataState.Slice:
                CheckEventSize(_dataSlice.Length + 1 + value.Length, value.Length, valueOffset);
                _data.Set(_dataSlice.Span);
                _dataSlice = default;
                _data.Append((byte)'\n');
                _data.Append(value);
                _dataState = DataState.Copied;
                break;
            default:
                CheckEventSize(_data.Length + 1 + value.Length, value.Length, valueOffset);
                _data.Append((byte)'\n');
                _data.Append(value);
                break;
        }
    }

    // The offset reported is that of the first byte of the value beyond the limit (the value's
    // start when the joining LF alone crosses it), as for MaxLineLength.
    private void CheckEventSize(int size, int valueLength, long valueOffset)
    {
        if (size > _maxEventSize)
        {
            int allowed = Math.Max(0, _maxEventSize - (size - valueLength));
            throw LimitExceeded(nameof(SseReaderOptions.MaxEventSize), _maxEventSize, valueOffset + allowed);
        }
    }

    private bool Dispatch()
    {
        // "Set the last event ID string of the event source to the value of the last event ID buffer."
        if (!_idBuffer.Span.SequenceEqual(_lastEventIdBytes.Span))
        {
            _lastEventIdBytes.Set(_idBuffer.Span);
            _lastEventId = Encoding.UTF8.GetString(_idBuffer.Span);
        }

        string type = _eventType ?? SseEventTypes.Message;
        long start = _eventStart;
        _eventStart = -1;

        // "If the data buffer is an empty string, set the data buffer and the event type buffer to
        // the empty string and return."
        _eventType = null;
        if (_dataState == DataState.None)
        {
            return false;
        }

        // "Initialize event's type attribute to "message", its data attribute to data, ...
        // If the event type buffer has a value other than the empty string, change the type of the
        // newly created event to equal the value of the event type buffer."
        ReadOnlyMemory<byte> data = _dataState == DataState.Slice ? _dataSlice : _data.Memory;
        _eventCount++;
        _current = new SseEvent(type, data, _eventCount, start, isComment: false);
        _resetDataOnNextLine = true;
        return true;
    }

    // "Once the end of the file is reached, any pending data must be discarded. (If the file ends in
    // the middle of an event, before the final empty line, the incomplete event is not dispatched.)"
    private bool FinishInput()
    {
        if (!_dispatchUnterminated)
        {
            return false;
        }

        ResetDispatchedData();
        if (_lineIsPartial)
        {
            // The last line is taken as ended. If it is a reported comment, the event it belongs to
            // is dispatched by the next call.
            _lineIsPartial = false;
            if (ProcessLine(_line.Span, default, BytesConsumed - _line.Length))
            {
                return true;
            }
        }

        return _eventStart >= 0 && Dispatch();
    }

    private string GetEventType(ReadOnlySpan<byte> value)
    {
        if (_lastTypeBytes is not null && value.SequenceEqual(_lastTypeBytes))
        {
            return _lastType!;
        }

        if (SseEventTypes.TryGetKnown(value, out string? known, out byte[]? knownBytes))
        {
            _lastTypeBytes = knownBytes;
            return _lastType = known;
        }

        if (_customTypeBytes is null || !value.SequenceEqual(_customTypeBytes))
        {
            _customTypeBytes = value.ToArray();
            _customType = Encoding.UTF8.GetString(value);
        }

        _lastTypeBytes = _customTypeBytes;
        return _lastType = _customType!;
    }

    private static bool TryParseDigits(ReadOnlySpan<byte> value, out long result)
    {
        result = 0;
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (byte b in value)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9 || result > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            result = (result * 10) + digit;
        }

        return true;
    }

    private SseLimitExceededException LimitExceeded(string name, long limit, long offset)
        => new(name, limit, offset, _eventCount + 1);

    private enum DataState : byte
    {
        None,
        Slice,
        Copied,
    }
}

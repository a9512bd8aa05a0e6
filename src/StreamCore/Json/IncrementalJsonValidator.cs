using System;
using System.Text;
using StreamCore.Buffers;

namespace StreamCore.Json;

/// <summary>Whether a tool call's arguments, as received so far, are JSON.</summary>
public enum JsonTextStatus
{
    /// <summary>Nothing but white space has arrived.</summary>
    Empty,

    /// <summary>One complete JSON value (with optional surrounding white space).</summary>
    Valid,

    /// <summary>A valid prefix of a JSON value that has not ended yet.</summary>
    Incomplete,

    /// <summary>Not JSON, and no continuation can make it JSON.</summary>
    Invalid,
}

/// <summary>
/// Validates JSON text fed in fragments, each byte examined once (RFC 8259 grammar, one top-level
/// value). Keeps only a stack of open containers and the state of the current token, so total work
/// is linear in the text however it is split, and it can say how to close a valid prefix.
/// A mutable struct: keep it in a field.
/// </summary>
internal struct IncrementalJsonValidator
{
    private const int MaxDepth = 256;

    private PooledByteBuffer _containers; // '{' or '[' per open container
    private State _state;
    private long _offset;           // bytes fed so far
    private long _lastComma;        // offset of the latest ',' (a preview drops a dangling one)
    private long _tokenStart;       // offset where the current number or literal began
    private long _numberValidEnd;   // offset after the longest valid prefix of the current number
    private NumberPart _number;
    private byte _literal;          // 't', 'f' or 'n'
    private int _literalMatched;
    private int _hexRemaining;
    private bool _inKey;
    private bool _afterComma;

    public readonly JsonTextStatus Status => _state switch
    {
        State.Start => JsonTextStatus.Empty,
        State.Done => JsonTextStatus.Valid,
        State.Invalid => JsonTextStatus.Invalid,
        State.Number when _containers.IsEmpty && IsNumberComplete(_number) => JsonTextStatus.Valid,
        _ => JsonTextStatus.Incomplete,
    };

    public void Feed(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length && _state != State.Invalid)
        {
            if (_state == State.String)
            {
                // Skip ordinary string content in bulk; control characters must be escaped.
                ReadOnlySpan<byte> rest = text[i..];
                int stop = rest.IndexOfAny((byte)'"', (byte)'\\');
                ReadOnlySpan<byte> plain = stop < 0 ? rest : rest[..stop];
                if (plain.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
                {
                    _state = State.Invalid;
                    break;
                }

                if (stop < 0)
                {
                    i = text.Length;
                    break;
                }

                i += stop + 1;
                if (rest[stop] == (byte)'\\')
                {
                    _state = State.Escape;
                }
                else
                {
                    _state = _inKey ? State.Colon : State.AfterValue;
                    _inKey = false;
                    if (_state == State.AfterValue)
                    {
                        EndValue();
                    }
                }

                continue;
            }

            Step(text[i], _offset + i);
            i++;
        }

        _offset += text.Length;
    }

    /// <summary>
    /// Returns <paramref name="text"/> (the text fed so far) closed into a JSON value where a valid
    /// prefix allows: an open string or literal completed, a dangling comma or partial number
    /// dropped, a missing value given as null, open containers closed. Invalid text is returned as is.
    /// </summary>
    public readonly string GetPreview(ReadOnlySpan<byte> text)
    {
        var suffix = new StringBuilder();
        long keep = text.Length;
        switch (_state)
        {
            case State.Start or State.Invalid or State.Done:
                return Encoding.UTF8.GetString(text);
            case State.String:
                suffix.Append(_inKey ? "\":null" : "\"");
                break;
            case State.Escape:
                keep--;
                suffix.Append(_inKey ? "\":null" : "\"");
                break;
            case State.Unicode:
                keep -= 2 + (4 - _hexRemaining);
                suffix.Append(_inKey ? "\":null" : "\"");
                break;
            case State.Number:
                if (_numberValidEnd > _tokenStart)
                {
                    keep = _numberValidEnd;
                }
                else
                {
                    keep = _tokenStart;
                    suffix.Append("null");
                }

                break;
            case State.Literal:
                suffix.Append(LiteralText(_literal)[_literalMatched..]);
                break;
            case State.Value when _afterComma:
            case State.Key:
                keep = _lastComma;
                break;
            case State.Value:
                suffix.Append("null");
                break;
            case State.Colon:
                suffix.Append(":null");
                break;
            default:
                break;
        }

        ReadOnlySpan<byte> open = _containers.Span;
        for (int i = open.Length - 1; i >= 0; i--)
        {
            suffix.Append(open[i] == (byte)'{' ? '}' : ']');
        }

        // Clamped: a surrogate pair split across fragments unescapes shorter as a whole.
        return Encoding.UTF8.GetString(text[..(int)Math.Clamp(keep, 0, text.Length)]) + suffix.ToString();
    }

    public void Dispose() => _containers.Dispose();

    private void Step(byte b, long offset)
    {
        switch (_state)
        {
            case State.Start or State.Value or State.ArrayStart:
                if (IsWhiteSpace(b))
                {
                    return;
                }

                if (b == (byte)']' && _state == State.ArrayStart)
                {
                    Close();
                    return;
                }

                BeginValue(b, offset);
                return;
            case State.ObjectStart or State.Key:
                if (IsWhiteSpace(b))
                {
                    return;
                }

                if (b == (byte)'"')
                {
                    _state = State.String;
                    _inKey = true;
                }
                else if (b == (byte)'}' && _state == State.ObjectStart)
                {
                    Close();
                }
                else
                {
                    _state = State.Invalid;
                }

                return;
            case State.Colon:
                if (b == (byte)':')
                {
                    _state = State.Value;
                    _afterComma = false;
                }
                else if (!IsWhiteSpace(b))
                {
                    _state = State.Invalid;
                }

                return;
            case State.AfterValue:
                AfterValue(b, offset);
                return;
            case State.Done:
                if (!IsWhiteSpace(b))
                {
                    _state = State.Invalid;
                }

                return;
            case State.Escape:
                if (b == (byte)'u')
                {
                    _state = State.Unicode;
                    _hexRemaining = 4;
                }
                else
                {
                    _state = b is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t'
                        ? State.String
                        : State.Invalid;
                }

                return;
            case State.Unicode:
                if (!char.IsAsciiHexDigit((char)b))
                {
                    _state = State.Invalid;
                }
                else if (--_hexRemaining == 0)
                {
                    _state = State.String;
                }

                return;
            case State.Number:
                if (!StepNumber(b, offset))
                {
                    if (!IsNumberComplete(_number))
                    {
                        _state = State.Invalid;
                        return;
                    }

                    _state = State.AfterValue;
                    EndValue();
                    if (_state == State.AfterValue || _state == State.Done)
                    {
                        Step(b, offset);
                    }
                }

                return;
            case State.Literal:
                if (b != LiteralText(_literal)[_literalMatched])
                {
                    _state = State.Invalid;
                }
                else if (++_literalMatched == LiteralText(_literal).Length)
                {
                    _state = State.AfterValue;
                    EndValue();
                }

                return;
            default:
                return;
        }
    }

    private void BeginValue(byte b, long offset)
    {
        switch (b)
        {
            case (byte)'{':
                Open(b, State.ObjectStart);
                return;
            case (byte)'[':
                Open(b, State.ArrayStart);
                return;
            case (byte)'"':
                _state = State.String;
                _inKey = false;
                return;
            case (byte)'t' or (byte)'f' or (byte)'n':
                _state = State.Literal;
                _literal = b;
                _literalMatched = 1;
                _tokenStart = offset;
                return;
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                _state = State.Number;
                _tokenStart = offset;
                _number = NumberPart.None;
                _numberValidEnd = offset;
                StepNumber(b, offset);
                return;
            default:
                _state = State.Invalid;
                return;
        }
    }

    private void AfterValue(byte b, long offset)
    {
        if (IsWhiteSpace(b))
        {
            return;
        }

        byte container = _containers.IsEmpty ? (byte)0 : _containers.Span[^1];
        if (b == (byte)',' && container != 0)
        {
            _lastComma = offset;
            _afterComma = true;
            _state = container == (byte)'{' ? State.Key : State.Value;
        }
        else if ((b == (byte)'}' && container == (byte)'{') || (b == (byte)']' && container == (byte)'['))
        {
            Close();
        }
        else
        {
            _state = State.Invalid;
        }
    }

    private void Open(byte container, State next)
    {
        if (_containers.Length >= MaxDepth)
        {
            _state = State.Invalid;
            return;
        }

        _containers.Append(container);
        _state = next;
        _afterComma = false;
    }

    private void Close()
    {
        _containers.Truncate(_containers.Length - 1);
        _state = State.AfterValue;
        EndValue();
    }

    // A value ended: at the top level the text is complete.
    private void EndValue()
    {
        if (_containers.IsEmpty)
        {
            _state = State.Done;
        }
    }

    // number = [ minus ] int [ frac ] [ exp ]
    private bool StepNumber(byte b, long offset)
    {
        bool digit = b is >= (byte)'0' and <= (byte)'9';
        NumberPart next = (_number, b) switch
        {
            (NumberPart.None, (byte)'-') => NumberPart.Minus,
            (NumberPart.None or NumberPart.Minus, (byte)'0') => NumberPart.Zero,
            (NumberPart.None or NumberPart.Minus, _) when digit => NumberPart.Integer,
            (NumberPart.Integer, _) when digit => NumberPart.Integer,
            (NumberPart.Zero or NumberPart.Integer, (byte)'.') => NumberPart.Dot,
            (NumberPart.Dot or NumberPart.Fraction, _) when digit => NumberPart.Fraction,
            (NumberPart.Zero or NumberPart.Integer or NumberPart.Fraction, (byte)'e' or (byte)'E') => NumberPart.Exponent,
            (NumberPart.Exponent, (byte)'+' or (byte)'-') => NumberPart.ExponentSign,
            (NumberPart.Exponent or NumberPart.ExponentSign or NumberPart.ExponentDigits, _) when digit => NumberPart.ExponentDigits,
            _ => NumberPart.End,
        };

        if (next == NumberPart.End)
        {
            return false;
        }

        _number = next;
        if (IsNumberComplete(next))
        {
            _numberValidEnd = offset + 1;
        }

        return true;
    }

    private static bool IsNumberComplete(NumberPart part) => part is NumberPart.Zero or NumberPart.Integer or NumberPart.Fraction or NumberPart.ExponentDigits;

    private static bool IsWhiteSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static string LiteralText(byte first) => first switch
    {
        (byte)'t' => "true",
        (byte)'f' => "false",
        _ => "null",
    };

    private enum State : byte
    {
        Start,
        Value,
        ArrayStart,
        ObjectStart,
        Key,
        Colon,
        AfterValue,
        String,
        Escape,
        Unicode,
        Number,
        Literal,
        Done,
        Invalid,
    }

    private enum NumberPart : byte
    {
        None,
        Minus,
        Zero,
        Integer,
        Dot,
        Fraction,
        Exponent,
        ExponentSign,
        ExponentDigits,
        End,
    }
}

using System;
using System.Diagnostics;
using StreamCore.Buffers;
using StreamCore.Json;

namespace StreamCore.Responses;

/// <summary>What a delta appends to.</summary>
internal enum DeltaKind : byte
{
    /// <summary>A part's text.</summary>
    Text,

    /// <summary>A call's arguments or input.</summary>
    Arguments,

    /// <summary>A code interpreter call's code.</summary>
    Code,
}

/// <summary>
/// The last delta event read in full, as a template: its bytes with holes where the next delta of a
/// run differs (the <c>sequence_number</c>, the <c>delta</c> string, the <c>obfuscation</c> padding).
/// An event that is the template's bytes around new hole values has the same type, indexes and
/// <c>item_id</c>, so it goes where the template's went: only its holes are read (by the rules a
/// reader applies to a string or an integer, so that what it would reject goes to a full read, which
/// reports it), not the rest of the event. Bytes equal to an event read in full are that event's
/// valid JSON. This is what makes a run of deltas cost less than tokenizing it; anything else is read
/// in full.
/// </summary>
internal sealed class DeltaTemplate
{
    private const int MaxHoles = 3;


    private readonly Hole[] _holes = new Hole[MaxHoles];
    private PooledByteBuffer _bytes;
    private int _holeCount;
    private int _deltaHole;
    private int _sequenceHole;

    /// <summary>The event the template came from; null when there is none (nothing matches).</summary>
    public string? EventType { get; private set; }

    public DeltaKind Kind { get; private set; }

    /// <summary>For text: the kind of text the event named.</summary>
    public PartKind TextKind { get; private set; }

    public OutputItemState? Item { get; private set; }

    /// <summary>The part of a text delta; null for arguments and code.</summary>
    public OutputPartState? Part { get; private set; }

    private enum HoleKind : byte
    {
        Number,
        String,
    }

    /// <summary>Remembers a text delta event that was read in full and went to <paramref name="part"/>.</summary>
    public void Remember(string eventType, PartKind kind, ReadOnlySpan<byte> data, in EventFields e, OutputItemState item, OutputPartState part)
    {
        Remember(eventType, DeltaKind.Text, data, e, item, part);
        TextKind = kind;
    }

    /// <summary>Remembers an arguments or code delta event that was read in full and went to <paramref name="item"/>.</summary>
    public void Remember(string eventType, OutputItemState item, ReadOnlySpan<byte> data, in EventFields e, DeltaKind kind)
        => Remember(eventType, kind, data, e, item, null);

    private void Remember(string eventType, DeltaKind kind, ReadOnlySpan<byte> data, in EventFields e, OutputItemState item, OutputPartState? part)
    {
        Forget();
        if (!e.Delta.IsPresent || (e.Logprobs.IsPresent && !e.Logprobs.Of(data).Trim(" \t\r\n"u8).IsEmpty))
        {
            return; // logprob entries are kept per delta: an event with some is read in full
        }

        _holeCount = 0;
        Add(e.Delta, HoleKind.String);
        Slice sequenceNumber = e.SequenceToken;
        bool hasSequence = sequenceNumber.IsPresent && IsPlainInteger(sequenceNumber.Of(data));
        if (hasSequence)
        {
            Add(sequenceNumber, HoleKind.Number);
        }

        if (e.Obfuscation.IsPresent)
        {
            Add(e.Obfuscation, HoleKind.String);
        }

        // In the order they lie in the event.
        Array.Sort(_holes, 0, _holeCount);
        _deltaHole = -1;
        _sequenceHole = -1;
        for (int i = 0; i < _holeCount; i++)
        {
            if (_holes[i].Start == e.Delta.Start)
            {
                _deltaHole = i;
            }
            else if (hasSequence && _holes[i].Start == sequenceNumber.Start)
            {
                _sequenceHole = i;
            }
        }

        _bytes.Set(data);
        EventType = eventType;
        Kind = kind;
        Item = item;
        Part = part;
    }

    /// <summary>Nothing matches any more (a part the template went to was dropped).</summary>
    public void Forget()
    {
        EventType = null;
        Item = null;
        Part = null;
    }

    /// <summary>
    /// Whether <paramref name="data"/> is the template's bytes around new hole values; if so, where its
    /// delta's content lies and its sequence number (when the template had one).
    /// </summary>
    public bool Match(ReadOnlySpan<byte> data, out Slice delta, out long sequenceNumber, out bool hasSequenceNumber)
    {
        delta = Slice.None;
        sequenceNumber = 0;
        hasSequenceNumber = false;
        ReadOnlySpan<byte> template = _bytes.Span;
        int position = 0; // in data
        int templatePosition = 0;
        for (int i = 0; i < _holeCount; i++)
        {
            Hole hole = _holes[i];
            ReadOnlySpan<byte> fixedBytes = template[templatePosition..hole.Start];
            if (!data[position..].StartsWith(fixedBytes))
            {
                return false;
            }

            position += fixedBytes.Length;
            int length;
            if (hole.Kind == HoleKind.Number)
            {
                length = data[position..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
                if (length < 0 || !IsPlainInteger(data.Slice(position, length)))
                {
                    return false;
                }

                if (i == _sequenceHole)
                {
                    hasSequenceNumber = true;
                    foreach (byte digit in data.Slice(position, length))
                    {
                        sequenceNumber = (sequenceNumber * 10) + (digit - '0'); // at most 18 digits: no overflow
                    }
                }
            }
            else
            {
                // A string's content: what a reader would accept, up to the closing quote; anything
                // else is left to a full read, which reports it.
                length = JsonText.StringContentLength(data[position..]);
                if (length < 0)
                {
                    return false;
                }

                if (i == _deltaHole)
                {
                    delta = new Slice(position, length);
                }
            }

            position += length;
            templatePosition = hole.Start + hole.Length;
        }

        bool matched = data[position..].SequenceEqual(template[templatePosition..]);
        Debug.Assert(!matched || (delta.IsPresent && delta.End <= data.Length), "a match places the delta in the event");
        return matched;
    }

    public void Dispose() => _bytes.Dispose();

    // JSON's integers without a sign: "0", or digits not starting with 0.
    private static bool IsPlainInteger(ReadOnlySpan<byte> digits)
        => digits.Length is > 0 and <= 18 && digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 && (digits[0] != (byte)'0' || digits.Length == 1);

    private int Add(Slice slice, HoleKind kind)
    {
        _holes[_holeCount] = new Hole(slice.Start, slice.Length, kind);
        return _holeCount++;
    }

    private readonly record struct Hole(int Start, int Length, HoleKind Kind) : IComparable<Hole>
    {
        public int CompareTo(Hole other) => Start.CompareTo(other.Start);
    }
}

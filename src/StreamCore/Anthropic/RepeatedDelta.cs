using System;
using StreamCore.Buffers;
using StreamCore.Json;

namespace StreamCore.Anthropic;

/// <summary>
/// The bytes that a <c>content_block_delta</c> carrying a string (<c>text_delta</c>,
/// <c>thinking_delta</c>, <c>input_json_delta</c>) shares with the next delta of its block: all of
/// its data but the string's content, as <c>{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"</c>
/// and <c>"}}</c>. A delta that repeats them byte for byte around a new string has the same type,
/// index and delta type, and only its string is read: one string token instead of every token of
/// the event. This is where reading an Anthropic stream gets below the cost of tokenizing it, as
/// chat's repeated envelope does (<see cref="Chat.ChunkEnvelope"/>).
/// </summary>
/// <remarks>
/// Nothing in the repeated bytes can mean anything else the second time: they were read in full
/// once, in the same place, and the only bytes that differ are a string's content, which is
/// checked by the grammar that Utf8JsonReader applies to any string. A string that breaks it, or
/// bytes after it that differ, send the event to the full read, which reports what is wrong.
/// </remarks>
internal struct RepeatedDelta
{

    private static ReadOnlySpan<byte> WhiteSpace => " \t\r\n"u8;

    private PooledByteBuffer _prefix; // up to and including the string's opening quote
    private PooledByteBuffer _suffix; // after the string's closing quote, trailing white space trimmed

    /// <summary>The block index the remembered bytes name.</summary>
    public int Index { get; private set; }

    /// <summary>The delta type the remembered bytes name.</summary>
    public DeltaKind Kind { get; private set; }

    /// <summary>Remembers the bytes of <paramref name="data"/> around its delta's string, whose escaped content lies at <paramref name="valueOffset"/>.</summary>
    public void Remember(ReadOnlySpan<byte> data, int valueOffset, int valueLength, int index, DeltaKind kind)
    {
        ReadOnlySpan<byte> prefix = data[..valueOffset];
        ReadOnlySpan<byte> suffix = data[(valueOffset + valueLength + 1)..].TrimEnd(WhiteSpace);
        if (Index == index && Kind == kind && prefix.SequenceEqual(_prefix.Span) && suffix.SequenceEqual(_suffix.Span))
        {
            return;
        }

        _prefix.Set(prefix);
        _suffix.Set(suffix);
        Index = index;
        Kind = kind;
    }

    /// <summary>
    /// Whether <paramref name="data"/> is the remembered bytes around a new string: then
    /// <paramref name="value"/> is its escaped content, at <paramref name="offset"/> in the data.
    /// </summary>
    public readonly bool Match(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> value, out int offset)
    {
        ReadOnlySpan<byte> prefix = _prefix.Span;
        value = default;
        offset = prefix.Length;
        if (prefix.IsEmpty || !data.StartsWith(prefix))
        {
            return false;
        }

        // The string's content, checked by the JSON grammar of a string: anything else goes to the
        // full read, which reports it.
        ReadOnlySpan<byte> rest = data[prefix.Length..];
        int end = JsonText.StringContentLength(rest);
        if (end < 0)
        {
            return false;
        }

        value = rest[..end];
        return IsSuffix(rest[(end + 1)..]);
    }

    /// <summary>Whether <paramref name="tail"/>, what follows the string's closing quote, is the remembered suffix and white space.</summary>
    private readonly bool IsSuffix(ReadOnlySpan<byte> tail)
    {
        ReadOnlySpan<byte> suffix = _suffix.Span;
        return tail.StartsWith(suffix) && tail[suffix.Length..].IndexOfAnyExcept(WhiteSpace) < 0;
    }

    public void Dispose()
    {
        _prefix.Dispose();
        _suffix.Dispose();
    }
}

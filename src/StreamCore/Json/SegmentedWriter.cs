#if NET10_0_OR_GREATER
using System;
using System.Buffers;
using System.Diagnostics;
using System.Text.Json;

namespace StreamCore.Json;

/// <summary>
/// Writes a long string or base64 value in segments straight through the caller's
/// <see cref="Utf8JsonWriter"/>: each segment is unescaped into one small pooled buffer and written
/// with <c>WriteStringValueSegment</c>, and the writer is flushed whenever a segment leaves more than
/// <see cref="FlushThreshold"/> bytes pending, so that a value of megabytes never sits whole (and
/// escaped at its worst) in the writer's buffer. The bytes written are exactly those of writing the
/// value whole: segments end only between escapes (a surrogate pair's two escapes stay together) and
/// before a UTF-8 lead byte, so the writer sees the same characters and escapes them the same way.
/// </summary>
internal static class SegmentedWriter
{
    /// <summary>Stored bytes per segment: small enough for the writer's buffer, large enough to amortize a call.</summary>
    public const int SegmentLength = 8 * 1024;

    /// <summary>Pending bytes above which the writer is flushed to its output between segments.</summary>
    public const int FlushThreshold = 16 * 1024;

    /// <summary>The longest escape that must not be split: a surrogate pair, <c>\uD83D\uDE00</c>.</summary>
    private const int LongestEscape = 12;

    /// <summary>Writes escaped string content (as stored) as one string value, in segments of at most <paramref name="segmentLength"/> stored bytes.</summary>
    public static void WriteEscapedString(Utf8JsonWriter writer, ReadOnlySpan<byte> escaped, int segmentLength)
    {
        Debug.Assert(segmentLength >= LongestEscape, "a segment must hold the longest escape");
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(segmentLength, Math.Max(escaped.Length, 1)));
        try
        {
            do
            {
                int cut = escaped.Length <= segmentLength ? escaped.Length : SafeCut(escaped, segmentLength);
                Debug.Assert(cut > 0, "every segment makes progress");
                ReadOnlySpan<byte> segment = escaped[..cut];
                escaped = escaped[cut..];
                int length = segment.IndexOf((byte)'\\') < 0 ? -1 : JsonText.Unescape(segment, buffer);
                writer.WriteStringValueSegment(length < 0 ? segment : buffer.AsSpan(0, length), isFinalSegment: escaped.IsEmpty);
                FlushIfFull(writer);
            }
            while (!escaped.IsEmpty);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> as one base64 string value, in segments of whole 3-byte groups.</summary>
    public static void WriteBase64(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes, int segmentLength)
    {
        int step = Math.Max(3, segmentLength / 3 * 3);
        do
        {
            int length = Math.Min(step, bytes.Length);
            writer.WriteBase64StringSegment(bytes[..length], isFinalSegment: length == bytes.Length);
            bytes = bytes[length..];
            FlushIfFull(writer);
        }
        while (!bytes.IsEmpty);
    }

    /// <summary>
    /// The largest cut at most <paramref name="limit"/> that splits neither an escape (nor a pair of
    /// escaped surrogates) nor a UTF-8 sequence. Escapes are found by jumping from backslash to
    /// backslash, so an escaped backslash is never taken for the start of another escape.
    /// </summary>
    internal static int SafeCut(ReadOnlySpan<byte> escaped, int limit)
    {
        int position = 0;
        while (true)
        {
            int backslash = escaped[position..limit].IndexOf((byte)'\\');
            if (backslash < 0)
            {
                break;
            }

            int start = position + backslash;
            int end = start + EscapeLength(escaped[start..]);
            if (end > limit)
            {
                // A segment starting at an escape always holds it whole (limit >= the longest escape).
                return start > 0 ? start : Math.Min(end, escaped.Length);
            }

            position = end;
        }

        // Not inside an escape: step back over UTF-8 continuation bytes (10xxxxxx) to a sequence's start.
        int cut = limit;
        while (cut > position && cut > limit - 3 && (escaped[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return (escaped[cut] & 0xC0) == 0x80 ? limit : cut;
    }

    /// <summary>The length of the escape at the start of <paramref name="escape"/>: 2, 6, or 12 for an escaped surrogate pair.</summary>
    private static int EscapeLength(ReadOnlySpan<byte> escape)
    {
        if (escape.Length < 2 || escape[1] != (byte)'u')
        {
            return Math.Min(2, escape.Length);
        }

        // As JsonText.Unescape pairs them: a high surrogate joins only a low one that follows at once.
        if (escape.Length >= 12 && IsSurrogateEscape(escape[2..6], high: true) && escape[6] == (byte)'\\' && escape[7] == (byte)'u'
            && IsSurrogateEscape(escape[8..12], high: false))
        {
            return 12;
        }

        return Math.Min(6, escape.Length);
    }

    /// <summary>Whether four hex digits name a high surrogate (D800 to DBFF) or a low one (DC00 to DFFF).</summary>
    private static bool IsSurrogateEscape(ReadOnlySpan<byte> hex, bool high)
        => (hex[0] | 0x20) == (byte)'d'
            && (high ? (hex[1] | 0x20) is (byte)'8' or (byte)'9' or (byte)'a' or (byte)'b' : (hex[1] | 0x20) is (byte)'c' or (byte)'d' or (byte)'e' or (byte)'f');

    private static void FlushIfFull(Utf8JsonWriter writer)
    {
        if (writer.BytesPending > FlushThreshold)
        {
            writer.Flush();
        }
    }
}
#endif

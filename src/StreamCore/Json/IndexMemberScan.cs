using System;
using System.Buffers;

namespace StreamCore.Json;

/// <summary>What <see cref="IndexMemberScan.Find"/> learned about an object's <c>index</c> member.</summary>
internal enum IndexScanResult : byte
{
    /// <summary>The member is there, a plain non-negative integer (or null, reported as no value).</summary>
    Found,

    /// <summary>The object closes without an <c>index</c> member.</summary>
    Absent,

    /// <summary>The scan cannot decide (an escaped member name, an unusual value, bytes that do not balance): ask a reader.</summary>
    Undecided,
}

/// <summary>
/// Finds the <c>index</c> member of a JSON object by its structure alone: a vectorized search for
/// quotes and brackets, with no tokenizing. Choices and array entries are addressed by index, and
/// some providers send it last (Alibaba, Copilot, llama.cpp); reading the object twice with
/// <c>Utf8JsonReader</c> to find it first cost as much as the whole merge. The scan never validates:
/// the reader that merges the object afterwards does, so on well-formed JSON the scan's answer is
/// the reader's, and on malformed JSON the reader throws anyway.
/// </summary>
internal static class IndexMemberScan
{
    private static readonly SearchValues<byte> StructuralBytes = SearchValues.Create("\"{}[]"u8);
    private static readonly SearchValues<byte> QuoteOrBackslash = SearchValues.Create("\"\\"u8);

    /// <summary>
    /// Scans an object for a member named exactly <c>index</c> at its own level, from
    /// <paramref name="start"/> (just after its <c>{</c>, or where one of its members or values
    /// starts) to its closing brace.
    /// </summary>
    /// <param name="json">The bytes holding the object.</param>
    /// <param name="start">Where to start, at the object's own level.</param>
    /// <param name="index">The value when <see cref="IndexScanResult.Found"/>; null for <c>"index": null</c>.</param>
    public static IndexScanResult Find(ReadOnlySpan<byte> json, int start, out int? index)
    {
        index = null;
        int depth = 0;
        int position = start;
        while (true)
        {
            switch (Next(json, ref position, ref depth, out int stringStart, out bool escaped))
            {
                case Structure.End:
                    return IndexScanResult.Undecided;
                case Structure.Close when depth < 0:
                    return IndexScanResult.Absent;
                case Structure.String when depth == 0:
                    // At the object's own level, a string followed by ':' is a member name.
                    int colon = SkipWhiteSpace(json, position);
                    if (colon < json.Length && json[colon] == ':')
                    {
                        if (escaped)
                        {
                            return IndexScanResult.Undecided; // might spell "index" with escapes
                        }

                        if (json[stringStart..(position - 1)].SequenceEqual("index"u8))
                        {
                            return ReadValue(json, SkipWhiteSpace(json, colon + 1), out index);
                        }

                        position = colon + 1;
                    }

                    break;
            }
        }
    }

    private enum Structure : byte
    {
        End,     // no more structure, or a string that does not close
        String,  // a whole string, quotes included
        Open,    // "{" or "["
        Close,   // "}" or "]"
    }

    /// <summary>
    /// Moves <paramref name="position"/> past the next string or bracket, counting brackets in
    /// <paramref name="depth"/>; a string's content starts at <paramref name="stringStart"/>.
    /// </summary>
    private static Structure Next(ReadOnlySpan<byte> json, ref int position, ref int depth, out int stringStart, out bool escaped)
    {
        stringStart = -1;
        escaped = false;
        int next = json[position..].IndexOfAny(StructuralBytes);
        if (next < 0)
        {
            return Structure.End;
        }

        position += next;
        switch (json[position])
        {
            case (byte)'"':
                stringStart = position + 1;
                int end = FindStringEnd(json, stringStart, out escaped);
                if (end < 0)
                {
                    return Structure.End;
                }

                position = end + 1;
                return Structure.String;
            case (byte)'{':
            case (byte)'[':
                depth++;
                position++;
                return Structure.Open;
            default: // '}' or ']'
                depth--;
                position++;
                return Structure.Close;
        }
    }

    /// <summary>The offset of the quote that closes the string whose content starts at <paramref name="start"/>, or -1.</summary>
    private static int FindStringEnd(ReadOnlySpan<byte> json, int start, out bool escaped)
    {
        escaped = false;
        int position = start;
        while (true)
        {
            int next = json[position..].IndexOfAny(QuoteOrBackslash);
            if (next < 0)
            {
                return -1;
            }

            position += next;
            if (json[position] == '"')
            {
                return position;
            }

            escaped = true;
            position += 2; // the backslash and the byte it escapes (a \u escape's hex digits hold no quote)
            if (position >= json.Length)
            {
                return -1;
            }
        }
    }

    // "ws = *( %x20 / %x09 / %x0A / %x0D )" (RFC 8259, section 2)
    private static int SkipWhiteSpace(ReadOnlySpan<byte> json, int position)
    {
        while (position < json.Length && json[position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            position++;
        }

        return position;
    }

    /// <summary>Reads a plain integer of at most nine digits, or null; anything else is left to a reader.</summary>
    private static IndexScanResult ReadValue(ReadOnlySpan<byte> json, int position, out int? index)
    {
        index = null;
        if (json[position..].StartsWith("null"u8))
        {
            position += 4;
        }
        else
        {
            int value = 0;
            int start = position;
            while (position < json.Length && (uint)(json[position] - '0') <= 9 && position - start < 9)
            {
                value = (value * 10) + (json[position] - '0');
                position++;
            }

            // No digits, a leading zero before more digits, or more than nine digits: let the reader judge.
            if (position == start || (json[start] == '0' && position - start > 1))
            {
                return IndexScanResult.Undecided;
            }

            index = value;
        }

        // The value must end where a member's value ends; a fraction, exponent or typo is the reader's to report.
        int end = SkipWhiteSpace(json, position);
        return end < json.Length && json[end] is (byte)',' or (byte)'}' ? IndexScanResult.Found : IndexScanResult.Undecided;
    }
}

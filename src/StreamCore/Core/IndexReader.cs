using System;
using System.Text.Json;
using StreamCore.Json;

namespace StreamCore.Core;

/// <summary>Finds and reads the <c>index</c> member that addresses a choice or an array entry, wherever in its object it lies.</summary>
internal static class IndexReader
{
    /// <summary>
    /// Finds the <c>index</c> member among the rest of an object's members without consuming them:
    /// the reader is on the object's <c>{</c>, or on the value of one of its members.
    /// </summary>
    internal static int? LocateIndex(in Utf8JsonReader reader, ReadOnlySpan<byte> json, bool onObjectStart, string what)
    {
        // A structural scan answers most objects at a fraction of a second read's cost.
        int start = (int)reader.TokenStartIndex + (onObjectStart ? 1 : 0);
        return IndexMemberScan.Find(json, start, out int? index) switch
        {
            IndexScanResult.Found => index,
            IndexScanResult.Absent => null,
            _ => FindIndex(reader, onObjectStart, what),
        };
    }

    /// <summary>Finds the <c>index</c> member of the rest of the object under <paramref name="reader"/> (a copy) by reading it.</summary>
    internal static int? FindIndex(Utf8JsonReader reader, bool onObjectStart, string what)
    {
        if (!onObjectStart)
        {
            reader.Skip(); // on a member's value: past it
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isIndex = reader.ValueTextEquals("index"u8);
            reader.Read();
            if (isIndex)
            {
                return ReadIndex(ref reader, what);
            }

            reader.Skip();
        }

        return null;
    }

    /// <summary>
    /// Reads the index under the reader: null for JSON null, else a non-negative 32-bit integer or
    /// malformed input, whose message starts with <paramref name="what"/> ("a choice index").
    /// </summary>
    internal static int? ReadIndex(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int index) || index < 0)
        {
            throw new MalformedEventException($"{what} must be a non-negative 32-bit integer");
        }

        return index;
    }
}

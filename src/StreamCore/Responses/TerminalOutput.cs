using System;

namespace StreamCore.Responses;

/// <summary>
/// The terminal event's <c>output</c>, compared instead of read when it repeats what the stream gave:
/// a terminal <c>response</c> carries every item again, usually exactly as its <c>output_item.done</c>
/// did. Bytes equal to JSON read before are that JSON, valid and with the same meaning, so they need
/// no second reading; anything else is read.
/// </summary>
internal static class TerminalOutput
{
    /// <summary>
    /// Whether the array at <paramref name="start"/> in the event's data is <c>[</c>, each item's final
    /// JSON in index order separated by commas, and <c>]</c>: then <paramref name="resumeAt"/> is
    /// where the <c>response</c>'s next member starts (or its closing brace, when the array is its
    /// last member).
    /// </summary>
    public static bool Match(ResponsesState state, ReadOnlySpan<byte> data, int start, out int resumeAt)
    {
        resumeAt = -1;
        ReadOnlySpan<OutputItemState> items = state.Items.Entries;
        if (items.IsEmpty)
        {
            return false;
        }

        foreach (OutputItemState item in items)
        {
            if (!item.IsFinal || !item.Unchanged)
            {
                return false;
            }
        }

        int position = start + 1; // past '[', which the reader found
        for (int i = 0; i < items.Length; i++)
        {
            ReadOnlySpan<byte> json = items[i].Seed.Span;
            if (!data[position..].StartsWith(json))
            {
                return false;
            }

            position += json.Length;
            byte next = position < data.Length ? data[position] : (byte)0;
            if (next != (i == items.Length - 1 ? (byte)']' : (byte)','))
            {
                return false;
            }

            position++;
        }

        int end = position;
        int after = end + data[end..].IndexOfAnyExcept(" \t\r\n"u8);
        if (after < end || data[after] is not ((byte)',' or (byte)'}'))
        {
            return false; // let the reader say what is wrong
        }

        resumeAt = data[after] == (byte)',' ? after + 1 : after;
        return true;
    }
}

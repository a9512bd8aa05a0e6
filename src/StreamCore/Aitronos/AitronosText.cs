using System;
using System.Diagnostics;
using System.Text;
using StreamCore.Core;

namespace StreamCore.Aitronos;

/// <summary>
/// The message's content and reasoning: deltas joined as escaped text (so that the halves of a
/// surrogate pair escaped in two deltas join into one character), and a full text that replaces
/// them (<c>typed-protocols.md</c>, sections 0 and 3), announced so that "concatenation of announced
/// text, restarting at each replacement, equals the result's text".
/// </summary>
internal static class AitronosText
{
    /// <summary>Appends a delta (a string, its shape checked with the event's); null or absent is no change.</summary>
    public static void Append<TSink>(ref AssembledText text, EventValue delta, StreamUpdateKind kind, AitronosState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (!delta.HasValue)
        {
            return;
        }

        Debug.Assert(delta.IsString, "the event's shapes were checked: the delta is a string");

        ReadOnlySpan<byte> escaped = delta.Escaped;
        state.Charge(escaped.Length);
        text.Escaped.Append(escaped);
        text.HasValue = true;
        if (sink.IsEnabled && !escaped.IsEmpty)
        {
            sink.OnText(state.Result, kind, 0, -1, escaped, delta.EscapedOffset);
        }
    }

    /// <summary>
    /// A full text replaces the text. Announced as the rest of the text when it extends what the
    /// deltas built, as nothing when it equals it, and as a replacement otherwise.
    /// </summary>
    public static void Replace<TSink>(ref AssembledText text, EventValue full, StreamUpdateKind kind, AitronosState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (!full.HasValue)
        {
            return;
        }

        Debug.Assert(full.IsString, "the event's shapes were checked: the full text is a string");

        ReadOnlySpan<byte> value = full.Escaped;
        ReadOnlySpan<byte> current = text.Escaped.Span;
        if (value.StartsWith(current))
        {
            // Deltas are whole escaped strings, so the bytes they share with the full text end on
            // an escape's boundary there too: the rest is escaped content of its own.
            ReadOnlySpan<byte> rest = value[current.Length..];
            state.Charge(rest.Length);
            text.Escaped.Append(rest);
            if (sink.IsEnabled && !rest.IsEmpty)
            {
                sink.OnText(state.Result, kind, 0, -1, rest, full.EscapedOffset + current.Length);
            }
        }
        else
        {
            state.Charge(Math.Max(0, value.Length - current.Length));
            text.Escaped.Set(value);
            text.Version++;
            if (sink.IsEnabled)
            {
                sink.OnText(state.Result, kind, 0, -1, value, full.EscapedOffset, replaces: true);
            }
        }

        text.HasValue = true;
    }

    /// <summary>An event's name for a message ("an unnamed event" when it had none). Allocates: for errors only.</summary>
    public static string Describe(ReadOnlySpan<byte> eventName) => eventName.IsEmpty ? "an unnamed event" : Encoding.UTF8.GetString(eventName);
}

using System;
using System.Text.Json;

namespace StreamCore.Core;

/// <summary>One event through a protocol, for the pull loops and the push assemblers alike: malformed input becomes a <see cref="StreamFormatException"/> that says where.</summary>
internal static class EventStep
{
    public static void Apply<TProtocol, TSink>(ref TProtocol protocol, string eventType, ReadOnlySpan<byte> data, long eventNumber, long offset, ref TSink sink)
        where TProtocol : struct, IProtocolAssembler<TProtocol>
        where TSink : struct, IUpdateSink
    {
        if (protocol.IsEnded)
        {
            return; // "anything after it is ignored"
        }

        try
        {
            protocol.Process(eventType, data, eventNumber, ref sink);
        }
        catch (Exception e) when (e is JsonException or MalformedEventException or InvalidOperationException)
        {
            // (Utf8JsonReader reports some number conversions as InvalidOperationException.)
            throw protocol.State.Malformed(Describe(e, data, protocol.State.Options.MaxJsonDepth), eventNumber, offset, e);
        }
    }

    /// <summary>
    /// What is wrong with the event, the same whichever path found it: a parser that read only part of
    /// the event (a shortcut over bytes that repeat) reports positions in that part, and may meet the
    /// fault elsewhere. So the whole event is read again, on this error path only, and its own JSON
    /// error, with its position in the event, is reported first; a shape error stands when the JSON is valid.
    /// </summary>
    private static string Describe(Exception e, ReadOnlySpan<byte> data, int maxDepth)
    {
        if (ExceedsDepth(data, maxDepth))
        {
            return $"the event's data nests deeper than {maxDepth} levels (MaxJsonDepth)";
        }

        if (FirstJsonError(data) is JsonException invalid)
        {
            return $"the event's data is not valid JSON: {invalid.Message}";
        }

        return e is JsonException ? $"the event's data is not valid JSON: {e.Message}" : e.Message;
    }

    /// <summary>The error a reader of the whole event meets, or null when the event is one valid JSON value.</summary>
    private static JsonException? FirstJsonError(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 1024 });
        try
        {
            while (reader.Read())
            {
            }

            return reader.BytesConsumed == 0 ? new JsonException("The input does not contain any JSON tokens.") : null;
        }
        catch (JsonException invalid)
        {
            return invalid;
        }
    }

    /// <summary>Whether <paramref name="json"/> opens more than <paramref name="maxDepth"/> nested containers (error path only).</summary>
    private static bool ExceedsDepth(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                // A container's own depth is that of its parent: the (maxDepth + 1)th one is at maxDepth.
                if (reader.CurrentDepth >= maxDepth && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // Invalid before it got that deep.
        }

        return false;
    }
}

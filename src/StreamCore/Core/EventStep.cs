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
        catch (JsonException e)
        {
            int maxDepth = protocol.State.Options.MaxJsonDepth;
            string message = ExceedsDepth(data, maxDepth)
                ? $"the event's data nests deeper than {maxDepth} levels (MaxJsonDepth)"
                : $"the event's data is not valid JSON: {e.Message}";
            throw protocol.State.Malformed(message, eventNumber, offset, e);
        }
        catch (MalformedEventException e)
        {
            throw protocol.State.Malformed(e.Message, eventNumber, offset, e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader reports some number conversions this way.
            throw protocol.State.Malformed(e.Message, eventNumber, offset, e);
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

using System;
using System.Text.Json;

namespace StreamCore.Core;

/// <summary>
/// Detects a stream's protocol from its first event whose data is a JSON object
/// (<c>typed-protocols.md</c>, section 0, the table). Never looks past that event.
/// </summary>
internal static class ProtocolDetector
{
    /// <summary>
    /// The protocol the event shows, or null when the event decides nothing (empty or white-space
    /// data: a keep-alive). Data that is not a JSON object settles on chat completions, which then
    /// judges it (<c>[DONE]</c>, or malformed input).
    /// </summary>
    public static StreamProtocol? Detect(string eventType, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> json = data.TrimStart(" \t\r\n"u8);
        if (json.IsEmpty)
        {
            return null;
        }

        if (json[0] != (byte)'{')
        {
            return StreamProtocol.ChatCompletions;
        }

        ReadOnlySpan<byte> type = default;
        ReadOnlySpan<byte> aitronosEvent = default;
        bool hasType = false;
        bool hasEvent = false;
        bool hasSequenceNumber = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = reader.ValueTextEquals("type"u8);
                bool isEvent = reader.ValueTextEquals("event"u8);
                bool isSequence = reader.ValueTextEquals("sequence_number"u8);
                reader.Read();
                if (isType && !hasType)
                {
                    hasType = true;
                    type = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? reader.ValueSpan : default;

                    // A type that decides alone needs no more reading: the table's first two rows win
                    // over any other member (only ping, error and keepalive depend on sequence_number).
                    if (IsAnthropicType(type))
                    {
                        return StreamProtocol.AnthropicMessages;
                    }

                    if (type.StartsWith("response."u8))
                    {
                        return StreamProtocol.Responses;
                    }
                }
                else if (isEvent && !hasEvent)
                {
                    hasEvent = true;
                    aitronosEvent = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? reader.ValueSpan : default;
                }

                hasSequenceNumber |= isSequence;
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return StreamProtocol.ChatCompletions; // chat reports it as malformed, with its place
        }

        // An Anthropic or response.* type returned above; what is left depends on sequence_number.
        if (!hasSequenceNumber && (type.SequenceEqual("ping"u8) || type.SequenceEqual("error"u8)))
        {
            return StreamProtocol.AnthropicMessages;
        }

        if (hasSequenceNumber && (type.SequenceEqual("error"u8) || type.SequenceEqual("keepalive"u8)))
        {
            return StreamProtocol.Responses;
        }

        if (IsAitronosEvent(aitronosEvent))
        {
            return StreamProtocol.Aitronos;
        }

        if (!hasType && !hasEvent && eventType.StartsWith("response.", StringComparison.Ordinal))
        {
            return StreamProtocol.Aitronos;
        }

        return StreamProtocol.ChatCompletions;
    }

    /// <summary>The <c>type</c> of an Anthropic Messages event.</summary>
    public static bool IsAnthropicType(ReadOnlySpan<byte> type)
        => type.SequenceEqual("message_start"u8) || type.SequenceEqual("message_delta"u8) || type.SequenceEqual("message_stop"u8)
            || type.StartsWith("content_block_"u8);

    /// <summary>The value of an Aitronos <c>event</c> member.</summary>
    public static bool IsAitronosEvent(ReadOnlySpan<byte> value) => value.StartsWith("response."u8) || value.StartsWith("reasoning."u8);
}

using System.Text.Json;
using StreamCore.Buffers;
using StreamCore.Core;
using static StreamCore.Json.MemberWriter;

namespace StreamCore.Aitronos;

/// <summary>
/// Writes an assembled Aitronos stream as the seed's camelCase <c>response</c> object
/// (<c>../seeds/aitronos-response-object.txt</c>), members in the seed's order: <c>id</c>,
/// <c>object</c>, <c>createdAt</c>, <c>model</c>, <c>choices</c> (each <c>index</c>, <c>message</c>,
/// <c>finishReason</c>, <c>logprobs</c>), <c>usage</c>, <c>organizationId</c>, <c>threadId</c>, then
/// the rest in order of first appearance (<c>error</c> among them).
/// </summary>
internal static class AitronosResponseWriter
{
    public static void Write(Utf8JsonWriter writer, AitronosState state)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("id"u8);
        WriteIdentity(writer, ref state.Id);

        // "object: always "response""
        writer.WriteString("object"u8, "response"u8);

        // "createdAt, model: not streamed: written as null unless a member of that name arrives"
        writer.WritePropertyName("createdAt"u8);
        WriteRawOrNull(writer, ref state.CreatedAt);
        writer.WritePropertyName("model"u8);
        WriteRawOrNull(writer, ref state.Model);

        writer.WriteStartArray("choices"u8);
        WriteChoice(writer, state);
        writer.WriteEndArray();

        writer.WritePropertyName("usage"u8);
        WriteRawOrNull(writer, ref state.Usage);
        writer.WritePropertyName("organizationId"u8);
        WriteIdentity(writer, ref state.OrganizationId);
        writer.WritePropertyName("threadId"u8);
        WriteIdentity(writer, ref state.ThreadId);

        WriteMembers(writer, state.Extras);
        writer.WriteEndObject();
    }

    private static void WriteChoice(Utf8JsonWriter writer, AitronosState state)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);

        writer.WriteStartObject("message"u8);
        writer.WritePropertyName("role"u8);
        if (state.Role.HasValue)
        {
            WriteIdentity(writer, ref state.Role);
        }
        else
        {
            writer.WriteStringValue(AitronosResult.DefaultRole);
        }

        writer.WritePropertyName("content"u8);
        WriteTextOrNull(writer, ref state.Content);
        if (state.Reasoning.HasValue)
        {
            writer.WritePropertyName("reasoningContent"u8);
            WriteEscapedString(writer, state.Reasoning.Escaped.Span);
        }

        if (state.ToolCalls.Count > 0)
        {
            writer.WriteStartArray("toolCalls"u8);
            foreach (ToolCallState call in state.ToolCalls)
            {
                WriteToolCall(writer, call);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();

        // "choices[0].finishReason: "stop" on response.completed; null otherwise"
        if (state.CompletedSeen)
        {
            writer.WriteString("finishReason"u8, AitronosResult.StopReasonOfCompletion);
        }
        else
        {
            writer.WriteNull("finishReason"u8);
        }

        writer.WriteNull("logprobs"u8); // never streamed
        writer.WriteEndObject();
    }

    // {"id": its id or null, "type": "function", "function": {"name": tool_name, "arguments": ... as JSON text}}
    private static void WriteToolCall(Utf8JsonWriter writer, ToolCallState call)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("id"u8);
        WriteEscapedStringOrNull(writer, call.Id.Span);
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WritePropertyName("name"u8);
        WriteEscapedStringOrNull(writer, call.Name.Span);
        writer.WritePropertyName("arguments"u8);
        WriteEscapedString(writer, call.Arguments.Span);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTextOrNull(Utf8JsonWriter writer, ref AssembledText text)
    {
        if (text.HasValue)
        {
            WriteEscapedString(writer, text.Escaped.Span);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteIdentity(Utf8JsonWriter writer, ref IdentityValue value)
    {
        if (!value.HasValue)
        {
            writer.WriteNullValue();
        }
        else if (value.IsRaw)
        {
            WriteRaw(writer, value.Value.Span);
        }
        else
        {
            WriteEscapedString(writer, value.Value.Span);
        }
    }

    private static void WriteRawOrNull(Utf8JsonWriter writer, ref PooledByteBuffer raw)
    {
        if (raw.IsEmpty)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteRaw(writer, raw.Span);
        }
    }
}

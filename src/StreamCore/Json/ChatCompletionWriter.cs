using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Unicode;
using StreamCore.Chat;

namespace StreamCore.Json;

/// <summary>
/// Writes an assembled completion as the non-streaming response (assembly rules, section 9):
/// <c>id</c>, <c>object</c>, <c>created</c>, <c>model</c>, <c>choices</c>, <c>usage</c>,
/// <c>system_fingerprint</c>, <c>service_tier</c>, then the rest in order of first appearance,
/// spelled in the stream's dialect. Text is unescaped once here and re-escaped by the writer,
/// which also replaces invalid UTF-8 and lone surrogates with U+FFFD.
/// </summary>
internal static class ChatCompletionWriter
{
    public static void Write(Utf8JsonWriter writer, CompletionState state)
    {
        bool camel = state.Dialect == ChatDialect.Aitronos;
        MergedObject top = state.Top;
        writer.WriteStartObject();
        WriteMemberOrNull(writer, "id"u8, top.Find(MemberNames.Id));
        writer.WriteString("object"u8, camel ? "response"u8 : "chat.completion"u8);
        WriteMemberOrNull(writer, camel ? "createdAt"u8 : "created"u8, top.Find(MemberNames.Created));
        WriteMemberOrNull(writer, "model"u8, top.Find(MemberNames.Model));

        writer.WriteStartArray("choices"u8);
        foreach (ChoiceState choice in state.Choices)
        {
            WriteChoice(writer, choice, camel);
        }

        writer.WriteEndArray();

        WriteIfPresent(writer, "usage"u8, top.Find(MemberNames.Usage));
        WriteIfPresent(writer, camel ? "systemFingerprint"u8 : "system_fingerprint"u8, top.Find(MemberNames.SystemFingerprint));
        WriteIfPresent(writer, camel ? "serviceTier"u8 : "service_tier"u8, top.Find(MemberNames.ServiceTier));
        foreach (MergedMember member in top.Members)
        {
            if (!IsOneOf(member.Name, MemberNames.Id, MemberNames.Created, MemberNames.Model, MemberNames.Usage, MemberNames.SystemFingerprint, MemberNames.ServiceTier))
            {
                WriteMember(writer, member.Name, member);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteChoice(Utf8JsonWriter writer, ChoiceState choice, bool camel)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, choice.Index);

        writer.WriteStartObject("message"u8);
        MergedObject message = choice.Message;
        WriteMemberOrNull(writer, "role"u8, message.Find(MemberNames.Role));
        WriteMemberOrNull(writer, "content"u8, message.Find(MemberNames.Content));
        WriteMemberOrNull(writer, "refusal"u8, message.Find(MemberNames.Refusal));
        foreach (MergedMember member in message.Members)
        {
            if (member.Kind == MemberKind.ToolCalls)
            {
                WriteToolCalls(writer, choice.ToolCalls, camel);
            }
            else if (!IsOneOf(member.Name, MemberNames.Role, MemberNames.Content, MemberNames.Refusal))
            {
                WriteMember(writer, member.Name, member);
            }
        }

        writer.WriteEndObject();

        writer.WritePropertyName("logprobs"u8);
        WriteLogprobs(writer, choice);
        writer.WritePropertyName(camel ? "finishReason"u8 : "finish_reason"u8);
        if (choice.HasFinishReason)
        {
            WriteEscapedString(writer, choice.FinishReason.Span);
        }
        else
        {
            writer.WriteNullValue();
        }

        if (choice.ExtrasIfAny is not null)
        {
            WriteMembers(writer, choice.ExtrasIfAny);
        }

        writer.WriteEndObject();
    }

    private static void WriteLogprobs(Utf8JsonWriter writer, ChoiceState choice)
    {
        if (!choice.HasLogprobs)
        {
            writer.WriteNullValue(); // "null if never seen"
            return;
        }

        writer.WriteStartObject();
        WriteEntries(writer, "content"u8, choice.HasLogprobsContent, choice.LogprobsContent.Span);
        WriteEntries(writer, "refusal"u8, choice.HasLogprobsRefusal, choice.LogprobsRefusal.Span);
        if (choice.LogprobsExtras is not null)
        {
            WriteMembers(writer, choice.LogprobsExtras);
        }

        writer.WriteEndObject();
    }

    private static void WriteEntries(Utf8JsonWriter writer, ReadOnlySpan<byte> name, bool present, ReadOnlySpan<byte> entries)
    {
        writer.WritePropertyName(name);
        if (!present)
        {
            writer.WriteNullValue();
            return;
        }

        // The entries are comma-joined raw JSON: bracket them into one array value.
        byte[] array = ArrayPool<byte>.Shared.Rent(entries.Length + 2);
        try
        {
            array[0] = (byte)'[';
            entries.CopyTo(array.AsSpan(1));
            array[entries.Length + 1] = (byte)']';
            WriteRaw(writer, array.AsSpan(0, entries.Length + 2));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, List<ToolCallState> calls, bool camel)
    {
        writer.WriteStartArray(camel ? "toolCalls"u8 : "tool_calls"u8);
        foreach (ToolCallState call in calls)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("id"u8);
            WriteEscapedStringOrNull(writer, call.Id.Span);

            writer.WritePropertyName("type"u8);
            if (call.Type.IsEmpty)
            {
                writer.WriteStringValue("function"u8);
            }
            else
            {
                WriteEscapedString(writer, call.Type.Span);
            }

            // "A call has function when any of its fragments carried one."
            if (call.HasFunction)
            {
                writer.WriteStartObject("function"u8);
                writer.WritePropertyName("name"u8);
                WriteEscapedStringOrNull(writer, call.Name.Span);

                writer.WritePropertyName("arguments"u8);
                WriteEscapedString(writer, call.Arguments.Span);
                if (call.FunctionExtras is not null)
                {
                    WriteMembers(writer, call.FunctionExtras);
                }

                writer.WriteEndObject();
            }

            if (call.Extras is not null)
            {
                WriteMembers(writer, call.Extras);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteMembers(Utf8JsonWriter writer, MergedObject target)
    {
        foreach (MergedMember member in target.Members)
        {
            WriteMember(writer, member.Name, member);
        }
    }

    private static void WriteMemberOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, MergedMember? member)
    {
        if (member is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            WriteMember(writer, name, member);
        }
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, ReadOnlySpan<byte> name, MergedMember? member)
    {
        if (member is not null)
        {
            WriteMember(writer, name, member);
        }
    }

    private static void WriteMember(Utf8JsonWriter writer, ReadOnlySpan<byte> name, MergedMember member)
    {
        writer.WritePropertyName(name);
        WriteValue(writer, member);
    }

    private static void WriteValue(Utf8JsonWriter writer, MergedMember member)
    {
        switch (member.Kind)
        {
            case MemberKind.Null:
                writer.WriteNullValue();
                break;
            case MemberKind.Text or MemberKind.Identity:
                WriteEscapedString(writer, member.Value.Span);
                break;
            case MemberKind.Raw:
                WriteRaw(writer, member.Value.Span);
                break;
            case MemberKind.Base64:
                WriteBase64(writer, member);
                break;
            case MemberKind.Object:
                writer.WriteStartObject();
                WriteMembers(writer, member.Object);
                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartArray();
                foreach (MergedObject item in member.Items ?? [])
                {
                    if (item.IsRawValue)
                    {
                        WriteRaw(writer, item.RawValue.Span);
                    }
                    else
                    {
                        writer.WriteStartObject();
                        WriteMembers(writer, item);
                        writer.WriteEndObject();
                    }
                }

                writer.WriteEndArray();
                break;
        }
    }

    private static void WriteBase64(Utf8JsonWriter writer, MergedMember member)
    {
        ReadOnlySpan<byte> pending = member.Pending is null ? default : member.Pending.Bytes.Span;
        if (pending.IsEmpty)
        {
            writer.WriteBase64StringValue(member.Value.Span);
            return;
        }

        // A final fragment without padding: decode what it holds, as if padded.
        Span<byte> padded = stackalloc byte[4];
        pending.CopyTo(padded);
        padded[pending.Length..].Fill((byte)'=');
        Span<byte> tail = stackalloc byte[3];
        Base64.DecodeFromUtf8(padded, tail, out _, out int tailLength);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(member.Value.Length + tailLength);
        try
        {
            member.Value.Span.CopyTo(bytes);
            tail[..tailLength].CopyTo(bytes.AsSpan(member.Value.Length));
            writer.WriteBase64StringValue(bytes.AsSpan(0, member.Value.Length + tailLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Writes escaped string content (as stored) as a string value.</summary>
    /// <summary>Writes escaped string content as a string value, or null when nothing arrived.</summary>
    private static void WriteEscapedStringOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> escaped)
    {
        if (escaped.IsEmpty)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteEscapedString(writer, escaped);
        }
    }

    private static void WriteEscapedString(Utf8JsonWriter writer, ReadOnlySpan<byte> escaped)
    {
        if (escaped.IndexOf((byte)'\\') < 0)
        {
            writer.WriteStringValue(escaped);
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(escaped.Length);
        try
        {
            writer.WriteStringValue(buffer.AsSpan(0, JsonText.Unescape(escaped, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Writes a verbatim JSON value. Compact output copies it as it is; indented output, or a value
    /// holding invalid UTF-8, is re-written token by token (numbers still exactly as sent).
    /// </summary>
    private static void WriteRaw(Utf8JsonWriter writer, ReadOnlySpan<byte> json)
    {
        if (!writer.Options.Indented && Utf8.IsValid(json))
        {
            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
                case JsonTokenType.PropertyName:
                    WithUnescaped(reader.ValueSpan, writer, static (w, text) => w.WritePropertyName(text));
                    break;
                case JsonTokenType.String:
                    WithUnescaped(reader.ValueSpan, writer, static (w, text) => w.WriteStringValue(text));
                    break;
                case JsonTokenType.Number:
                    writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
                case JsonTokenType.True:
                    writer.WriteBooleanValue(true);
                    break;
                case JsonTokenType.False:
                    writer.WriteBooleanValue(false);
                    break;
                default:
                    writer.WriteNullValue();
                    break;
            }
        }
    }

    private delegate void TextWriterAction(Utf8JsonWriter writer, ReadOnlySpan<byte> text);

    private static void WithUnescaped(ReadOnlySpan<byte> escaped, Utf8JsonWriter writer, TextWriterAction action)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(escaped.Length, 1));
        try
        {
            action(writer, buffer.AsSpan(0, JsonText.Unescape(escaped, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsOneOf(byte[] name, params ReadOnlySpan<byte[]> names)
    {
        foreach (byte[] candidate in names)
        {
            if (ReferenceEquals(name, candidate) || name.AsSpan().SequenceEqual(candidate))
            {
                return true;
            }
        }

        return false;
    }
}

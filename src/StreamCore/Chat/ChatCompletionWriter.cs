using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;
using StreamCore.Core;
using static StreamCore.Json.MemberWriter;

namespace StreamCore.Chat;

/// <summary>
/// Writes an assembled completion as the non-streaming response (assembly rules, section 9):
/// <c>id</c>, <c>object</c>, <c>created</c>, <c>model</c>, <c>choices</c>, <c>usage</c>,
/// <c>system_fingerprint</c>, <c>service_tier</c>, then the rest in order of first appearance,
/// spelled in the stream's dialect.
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
        ChoiceState? lifted = state.UsageLifted ? state.UsageChoice : null;
        foreach (ChoiceState choice in state.Choices)
        {
            WriteChoice(writer, choice, camel, liftedUsage: ReferenceEquals(choice, lifted));
        }

        writer.WriteEndArray();

        WriteIfPresent(writer, "usage"u8, lifted is null ? top.Find(MemberNames.Usage) : state.Usage);
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

    private static void WriteChoice(Utf8JsonWriter writer, ChoiceState choice, bool camel, bool liftedUsage)
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
            else if (member.Kind == MemberKind.FunctionCall)
            {
                WriteFunctionCall(writer, choice.FunctionCall!);
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
            foreach (MergedMember member in choice.ExtrasIfAny.Members)
            {
                if (!liftedUsage || !ReferenceEquals(member.Name, MemberNames.Usage))
                {
                    WriteMember(writer, member.Name, member);
                }
            }
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

    private static void WriteFunctionCall(Utf8JsonWriter writer, ToolCallState call)
    {
        writer.WriteStartObject("function_call"u8);
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
}

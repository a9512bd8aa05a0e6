using System;
using System.Buffers;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;
using static StreamCore.Json.MemberWriter;

namespace StreamCore.Anthropic;

/// <summary>
/// Writes an assembled message as the non-streaming <c>Message</c> (<c>typed-protocols.md</c>,
/// section 2, "Output"): <c>id</c>, <c>type</c>, <c>role</c>, <c>model</c>, <c>content</c>,
/// <c>stop_reason</c>, <c>stop_sequence</c>, then the rest in arrival order (<c>usage</c> as laid
/// over, a provider's <c>error</c>), each block its seed with <c>text</c> / <c>thinking</c> /
/// <c>signature</c> / <c>citations</c> / <c>input</c> written in.
/// </summary>
internal static class AnthropicMessageWriter
{
    private static readonly byte[] StopReason = "stop_reason"u8.ToArray();
    private static readonly byte[] StopSequence = "stop_sequence"u8.ToArray();

    public static void Write(Utf8JsonWriter writer, AnthropicState state)
    {
        MergedObject message = state.Message;
        writer.WriteStartObject();
        WriteMemberOrNull(writer, "id"u8, message.Find(MemberNames.Id));
        WriteOrDefault(writer, "type"u8, message.Find(MemberNames.Type), "message"u8);
        WriteOrDefault(writer, "role"u8, message.Find(MemberNames.Role), "assistant"u8);
        WriteMemberOrNull(writer, "model"u8, message.Find(MemberNames.Model));

        writer.WriteStartArray("content"u8);
        foreach (AnthropicBlock block in state.Blocks)
        {
            WriteBlock(writer, block);
        }

        writer.WriteEndArray();
        WriteMemberOrNull(writer, "stop_reason"u8, message.Find(StopReason));
        WriteMemberOrNull(writer, "stop_sequence"u8, message.Find(StopSequence));
        foreach (MergedMember member in message.Members)
        {
            if (!IsOneOf(member.Name, MemberNames.Id, MemberNames.Type, MemberNames.Role, MemberNames.Model, MemberNames.Content, StopReason, StopSequence))
            {
                WriteMember(writer, member.Name, member);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>One block: its members in arrival order, the input text written where the seed's <c>input</c> stands.</summary>
    public static void WriteBlock(Utf8JsonWriter writer, AnthropicBlock block)
    {
        writer.WriteStartObject();
        bool inputText = block.HasInputText;
        foreach (MergedMember member in block.Members.Members)
        {
            if (inputText && IsOneOf(member.Name, AnthropicBlock.InputName))
            {
                writer.WritePropertyName(member.Name);
                WriteInput(writer, block.Input!);
            }
            else
            {
                WriteMember(writer, member.Name, member);
            }
        }

        writer.WriteEndObject();
    }

    // Rule 4: "the text is the input: written as JSON when it is valid, and otherwise kept as text".
    private static void WriteInput(Utf8JsonWriter writer, ToolCallState input)
    {
        ReadOnlySpan<byte> escaped = input.Arguments.Span;
        if (input.ArgumentsStatus != JsonTextStatus.Valid)
        {
            WriteEscapedString(writer, escaped);
            return;
        }

        byte[] text = ArrayPool<byte>.Shared.Rent(escaped.Length);
        try
        {
            WriteRaw(writer, text.AsSpan(0, JsonText.Unescape(escaped, text)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text);
        }
    }

    private static void WriteOrDefault(Utf8JsonWriter writer, ReadOnlySpan<byte> name, MergedMember? member, ReadOnlySpan<byte> fallback)
    {
        if (member is null)
        {
            writer.WriteString(name, fallback);
        }
        else
        {
            WriteMember(writer, name, member);
        }
    }
}

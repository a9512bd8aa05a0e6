using System;
using System.Text.Json;
using StreamCore.Core;
using static StreamCore.Core.MemberMerger;
using static StreamCore.Chat.ToolCallParser;

namespace StreamCore.Chat;

/// <summary>
/// Merges a choice's <c>delta</c> into its message (assembly rules, section 6): content as text or
/// parts, refusal, reasoning, tool calls (<see cref="ToolCallParser"/>), the legacy
/// <c>function_call</c>, audio, annotations, and every other member by the shared rules of <see cref="MemberMerger"/>.
/// </summary>
internal static class DeltaParser
{
    internal static void MergeDelta<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        MergedObject message = choice.Message;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue; // "an explicit null is no change"
            }

            switch (name.Length)
            {
                case 7 when name.SequenceEqual("content"u8):
                    MergeContent(ref reader, json, state, choice, ref sink);
                    break;
                case 7 when name.SequenceEqual("refusal"u8) && reader.TokenType == JsonTokenType.String:
                    AppendText(ref reader, state, message.GetOrAdd(MemberNames.Refusal, MemberKind.Text, MemberNames.Refusal));
                    if (sink.IsEnabled)
                    {
                        sink.OnText(state.Result, StreamUpdateKind.RefusalDelta, choice.Index, -1, reader.ValueSpan, state.SpanOffset + (int)reader.TokenStartIndex + 1);
                    }

                    break;
                case 10 when name.SequenceEqual("tool_calls"u8):
                case 9 when name.SequenceEqual("toolCalls"u8):
                    state.Detect(name.Length == 10 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
                    MergeToolCalls(ref reader, json, state, choice, ref sink);
                    break;
                case 13 when name.SequenceEqual("function_call"u8) && reader.TokenType == JsonTokenType.StartObject:
                    MergeFunctionCall(ref reader, json, state, choice, ref sink);
                    break;
                case 5 when name.SequenceEqual("audio"u8) && reader.TokenType == JsonTokenType.StartObject:
                    MergeMembers(ref reader, json, state, GetObjectMember(message, MemberNames.Audio), ArrayRule.Raw, isAudio: true);
                    break;
                case 11 when name.SequenceEqual("annotations"u8) && reader.TokenType == JsonTokenType.StartArray:
                    MergeDistinct(ref reader, json, state, message.GetOrAdd(MemberNames.Annotations, MemberKind.DistinctArray, MemberNames.Annotations));
                    break;
                default:
                    MergeMember(ref reader, json, state, message, name, ArrayRule.ByIndex, isAudio: false);
                    if (sink.IsEnabled && reader.TokenType == JsonTokenType.String && IsReasoning(name))
                    {
                        sink.OnText(state.Result, StreamUpdateKind.ReasoningDelta, choice.Index, -1, reader.ValueSpan, state.SpanOffset + (int)reader.TokenStartIndex + 1);
                    }

                    break;
            }
        }
    }

    internal static bool IsReasoning(ReadOnlySpan<byte> name)
        => name.SequenceEqual("reasoning_content"u8) || name.SequenceEqual("reasoning"u8);

    // "content: string fragments concatenated ... If content ever arrives as an array of parts,
    // the result is an array: a string fragment becomes a {"type":"text","text":...} part, an empty
    // string is no change, and a part whose type equals the previous part's type is merged into it."
    internal static void MergeContent<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        MergedMember member = choice.Message.GetOrAdd(MemberNames.Content, reader.TokenType == JsonTokenType.StartArray ? MemberKind.PartArray : MemberKind.Text, MemberNames.Content);
        if (reader.TokenType == JsonTokenType.String)
        {
            if (state.Options.CumulativeContent && member.Kind != MemberKind.PartArray)
            {
                ReplaceCumulative(ref reader, state, choice, member, ref sink);
                return;
            }

            if (member.Kind == MemberKind.PartArray)
            {
                if (!reader.ValueSpan.IsEmpty)
                {
                    AppendTextPart(member, reader.ValueSpan, state);
                }
            }
            else
            {
                AppendText(ref reader, state, member);
            }

            if (sink.IsEnabled && !reader.ValueSpan.IsEmpty)
            {
                sink.OnText(state.Result, StreamUpdateKind.ContentDelta, choice.Index, -1, reader.ValueSpan, state.SpanOffset + (int)reader.TokenStartIndex + 1);
            }

            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new MalformedEventException("'content' must be a string, an array of parts or null");
        }

        if (member.Kind != MemberKind.PartArray)
        {
            // Text that arrived before the first part array becomes the first text part.
            member.Items = [];
            if (member.Kind == MemberKind.Text && !member.Value.IsEmpty)
            {
                AppendTextPart(member, member.Value.Span, state);
            }

            member.Kind = MemberKind.PartArray;
            member.Value.Clear();
        }

        Utf8JsonReader parts = reader; // updates read the parts again: rare, and only when someone listens
        MergeParts(ref reader, json, state, member);
        if (sink.IsEnabled)
        {
            AnnounceParts(parts, state, choice, ref sink);
        }
    }

    // "When the caller says the stream's content is cumulative (WorkflowAI's valid_json_chunks: each
    // content is the whole output so far), each string replaces the content instead." Updates
    // announce what a value adds when it extends the previous one, else the whole value as a replacement.
    private static void ReplaceCumulative<TSink>(ref Utf8JsonReader reader, CompletionState state, ChoiceState choice, MergedMember member, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        ReadOnlySpan<byte> value = reader.ValueSpan;
        int offset = state.SpanOffset + (int)reader.TokenStartIndex + 1;
        ReadOnlySpan<byte> previous = member.Kind == MemberKind.Text ? member.Value.Span : default;
        if (member.Kind == MemberKind.Text && value.StartsWith(previous))
        {
            ReadOnlySpan<byte> added = value[previous.Length..];
            if (!added.IsEmpty)
            {
                state.Charge(added.Length);
                member.Value.Append(added);
                if (sink.IsEnabled)
                {
                    sink.OnText(state.Result, StreamUpdateKind.ContentDelta, choice.Index, -1, added, offset + previous.Length);
                }
            }

            return;
        }

        state.Charge(Math.Max(0, value.Length - previous.Length));
        member.Kind = MemberKind.Text;
        member.Items = null;
        member.Value.Set(value);
        choice.ContentVersion++;
        if (sink.IsEnabled)
        {
            sink.OnText(state.Result, StreamUpdateKind.ContentDelta, choice.Index, -1, value, offset, replaces: true);
        }
    }

    /// <summary>
    /// Announces the text of the content parts under <paramref name="reader"/> (a copy, on the array's
    /// "["): a <c>text</c> part's <c>text</c> and a string fragment are content; a <c>thinking</c>
    /// part's <c>thinking</c>, a string or parts of its own, is reasoning (Mistral's Magistral).
    /// </summary>
    private static void AnnounceParts<TSink>(Utf8JsonReader reader, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                AnnounceText(ref reader, StreamUpdateKind.ContentDelta, state, choice, ref sink);
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            ReadOnlySpan<byte> type = FindString(reader, "type"u8);
            bool isText = type.SequenceEqual("text"u8);
            bool isThinking = type.SequenceEqual("thinking"u8);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool text = isText && reader.ValueTextEquals("text"u8);
                bool thinking = isThinking && reader.ValueTextEquals("thinking"u8);
                reader.Read();
                if (text && reader.TokenType == JsonTokenType.String)
                {
                    AnnounceText(ref reader, StreamUpdateKind.ContentDelta, state, choice, ref sink);
                }
                else if (thinking && reader.TokenType == JsonTokenType.String)
                {
                    AnnounceText(ref reader, StreamUpdateKind.ReasoningDelta, state, choice, ref sink);
                }
                else if (thinking && reader.TokenType == JsonTokenType.StartArray)
                {
                    AnnounceThinkingParts(ref reader, state, choice, ref sink);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
    }

    /// <summary>The <c>text</c> parts nested in a <c>thinking</c> part: reasoning.</summary>
    private static void AnnounceThinkingParts<TSink>(ref Utf8JsonReader reader, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                AnnounceText(ref reader, StreamUpdateKind.ReasoningDelta, state, choice, ref sink);
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            bool isText = FindString(reader, "type"u8).SequenceEqual("text"u8);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool text = isText && reader.ValueTextEquals("text"u8);
                reader.Read();
                if (text && reader.TokenType == JsonTokenType.String)
                {
                    AnnounceText(ref reader, StreamUpdateKind.ReasoningDelta, state, choice, ref sink);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
    }

    private static void AnnounceText<TSink>(ref Utf8JsonReader reader, StreamUpdateKind kind, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (!reader.ValueSpan.IsEmpty)
        {
            sink.OnText(state.Result, kind, choice.Index, -1, reader.ValueSpan, state.SpanOffset + (int)reader.TokenStartIndex + 1);
        }
    }
}

using System;
using System.Text.Json;
using StreamCore.Core;
using static StreamCore.Core.MemberMerger;
using static StreamCore.Core.IndexReader;
using static StreamCore.Chat.DeltaParser;

namespace StreamCore.Chat;

/// <summary>
/// Merges a choices array (assembly rules, section 5): each choice addressed by its index, its
/// finish reason and logprobs, its delta handed to <see cref="DeltaParser"/>; remembers the bytes
/// around a lone choice's changing parts for <see cref="RepeatedChoiceMerger"/>.
/// </summary>
internal static class ChoiceParser
{
    /// <summary>A choice member read before the choice's index was known: where its name and value are.</summary>
    internal readonly record struct DeferredMember(int NameStart, int NameLength, int ValueStart, int ValueEnd);

    /// <summary>How many verbatim members a choice may hold before its index; past that, the index is looked for.</summary>
    internal const int MaxDeferredMembers = 8;

    /// <summary>Merges members held back until the choice was known, in the order they arrived.</summary>
    internal static void MergeDeferred<TSink>(ReadOnlySpan<DeferredMember> deferred, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        foreach (DeferredMember member in deferred)
        {
            ReadOnlySpan<byte> name = json.Slice(member.NameStart, member.NameLength);
            ReadOnlySpan<byte> raw = json[member.ValueStart..member.ValueEnd];
            if (raw.SequenceEqual("null"u8))
            {
                choice.Extras.GetOrAdd(name, MemberKind.Null);
            }
            else if (name.SequenceEqual("usage"u8))
            {
                MergeChoiceUsage(raw, state.SpanOffset + member.ValueStart, state, choice, ref sink);
            }
            else
            {
                SetRaw(choice.Extras.GetOrAdd(name, MemberKind.Raw), raw);
            }
        }
    }

    // "A stream that sends no top-level usage but a usage object inside a choice (WorkflowAI puts it in
    // its final choice) has that as its usage: it is written at the top level, not in the choice."
    // Kept in the choice's members, in its place, and lifted by the writer when no top-level usage came.
    private static void MergeChoiceUsage<TSink>(ReadOnlySpan<byte> raw, int offset, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        SetRaw(choice.Extras.GetOrAdd(MemberNames.Usage, MemberKind.Raw, MemberNames.Usage), raw);
        state.UsageChoice = choice;
        if (sink.IsEnabled && state.Top.Find(MemberNames.Usage) is not { Kind: MemberKind.Raw })
        {
            sink.OnJson(state.Result, StreamUpdateKind.Usage, -1, -1, raw, offset);
        }
    }

    /// <summary>Merges a choices array, and remembers the bytes around a lone choice's changing parts.</summary>
    /// <param name="reader">On the array's "[".</param>
    /// <param name="json">The bytes the reader reads.</param>
    /// <param name="state">The state merged into.</param>
    /// <param name="sink">The update sink.</param>
    /// <param name="first">The choice the first entry continues, when its start was merged already.</param>
    internal static void MergeChoices<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ref TSink sink, ChoiceState? first = null)
        where TSink : struct, IUpdateSink
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new MalformedEventException("'choices' must be an array");
        }

        int arrayStart = (int)reader.TokenStartIndex;
        int count = 0;
        ChoiceLayout layout = default;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MalformedEventException("each entry of 'choices' must be an object");
            }

            layout = MergeChoice(ref reader, json, state, ref sink, count == 0 ? first : null);
            count++;
        }

        // A lone choice, the array's only content, whose members around the delta merge to no
        // change: remember its bytes, so that chunks repeating them read only their delta.
        if (count == 1 && layout.Repeatable && layout.Start == arrayStart + 1 && layout.End == (int)reader.BytesConsumed - 1)
        {
            if (layout.EntriesStart < 0)
            {
                layout.Choice!.Envelope.Remember(json[layout.Start..layout.DeltaStart], default, json[layout.DeltaEnd..layout.End], layout.Choice);
            }
            else
            {
                layout.Choice!.Envelope.Remember(
                    json[layout.Start..layout.DeltaStart],
                    json[layout.DeltaEnd..(layout.EntriesStart + 1)],
                    json[(layout.EntriesEnd - 1)..layout.End],
                    layout.Choice);
            }
        }
    }

    /// <summary>Where a choice's delta lies in it, and whether the rest of it merges to no change when repeated.</summary>
    internal struct ChoiceLayout
    {
        public ChoiceState? Choice;
        public int Start;       // the choice's "{"
        public int End;         // after its "}"
        public int DeltaStart;
        public int DeltaEnd;
        public int EntriesStart; // the "[" of logprobs.content, or -1
        public int EntriesEnd;
        public bool Repeatable;
    }

    internal static ChoiceLayout MergeChoice<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ref TSink sink, ChoiceState? known)
        where TSink : struct, IUpdateSink
    {
        // "Addressed by index; a missing index means 0." Most providers put index first. Others put
        // it last, after members that are only kept verbatim (Copilot's content filter results):
        // those are read once and held as byte ranges until the choice is known. A member that
        // merges into the choice finds the index first, with a structural scan of what follows.
        ChoiceState? choice = known;
        Span<DeferredMember> deferred = stackalloc DeferredMember[MaxDeferredMembers];
        int deferredCount = 0;
        bool finished = false;

        // Repeatable: one delta object, and around it only the index, nulls and verbatim members.
        var layout = new ChoiceLayout { Start = (int)reader.TokenStartIndex, DeltaStart = -1, EntriesStart = -1, Repeatable = known is null };
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int nameStart = (int)reader.TokenStartIndex + 1;
            bool nameEscaped = reader.ValueIsEscaped;
            layout.Repeatable &= !nameEscaped;
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (name.SequenceEqual("index"u8))
            {
                int index = ReadIndex(ref reader, "a choice index") ?? 0;
                if (choice is null)
                {
                    choice = state.GetChoice(index);
                    MergeDeferred(deferred[..deferredCount], json, state, choice, ref sink);
                }

                continue;
            }

            bool mergesIntoChoice = name.Length switch
            {
                5 => name.SequenceEqual("delta"u8),
                8 => name.SequenceEqual("logprobs"u8),
                12 => name.SequenceEqual("finishReason"u8),
                13 => name.SequenceEqual("finish_reason"u8),
                _ => false,
            };
            if (choice is null)
            {
                if (!mergesIntoChoice && !nameEscaped && deferredCount < deferred.Length)
                {
                    int valueStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    deferred[deferredCount++] = new DeferredMember(nameStart, name.Length, valueStart, (int)reader.BytesConsumed);
                    continue;
                }

                choice = state.GetChoice(LocateIndex(reader, json, onObjectStart: false, "a choice index") ?? 0);
                MergeDeferred(deferred[..deferredCount], json, state, choice, ref sink);
            }

            if (!mergesIntoChoice)
            {
                if (name.SequenceEqual("usage"u8) && reader.TokenType != JsonTokenType.Null)
                {
                    // Reported each time it arrives: a choice holding one is never skipped as repeated.
                    layout.Repeatable = false;
                    int start = (int)reader.TokenStartIndex;
                    MergeChoiceUsage(ReadRaw(ref reader, json), state.SpanOffset + start, state, choice, ref sink);
                    continue;
                }

                MergeLastNonNull(ref reader, json, choice.Extras, name);
                continue;
            }

            switch (name.Length)
            {
                case 5:
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        layout.Repeatable &= layout.DeltaStart < 0;
                        layout.DeltaStart = (int)reader.TokenStartIndex;
                        MergeDelta(ref reader, json, state, choice, ref sink);
                        layout.DeltaEnd = (int)reader.BytesConsumed;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw new MalformedEventException("'delta' must be an object");
                    }

                    break;
                case 8:
                    // Logprobs repeat only as one hole: their content entries, after the delta.
                    bool entriesOnly = MergeLogprobs(ref reader, json, state, choice, out int entriesStart, out int entriesEnd);
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        layout.Repeatable &= entriesOnly && layout.DeltaStart >= 0 && layout.EntriesStart < 0;
                        layout.EntriesStart = entriesStart;
                        layout.EntriesEnd = entriesEnd;
                    }

                    break;
                default:
                    layout.Repeatable &= reader.TokenType == JsonTokenType.Null;
                    state.Detect(name.Length == 13 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
                    finished |= MergeFinishReason(ref reader, choice);
                    break;
            }
        }

        layout.End = (int)reader.BytesConsumed;
        layout.Repeatable &= layout.DeltaStart >= 0;

        if (choice is null)
        {
            // No index, and nothing that merges into the choice: index 0 gets what there was.
            choice = state.GetChoice(0);
            MergeDeferred(deferred[..deferredCount], json, state, choice, ref sink);
        }

        // Handled after the whole choice object: a finish reason may precede the delta it ends.
        if (finished)
        {
            CompleteToolCalls(state, choice, ref sink);
            if (sink.IsEnabled)
            {
                sink.OnStop(state.Result, choice.Index, StopKinds.FromReason(choice.FinishReason.Span), state.Result.GetView(choice).FinishReason);
            }
        }

        layout.Choice = choice;
        return layout;
    }

    /// <summary>Marks the choice's tool calls (and its legacy function call) as getting no more fragments.</summary>
    public static void CompleteToolCalls<TSink>(CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        foreach (ToolCallState call in choice.ToolCalls)
        {
            Complete(state, choice, call, ref sink);
        }

        if (choice.FunctionCall is ToolCallState legacy)
        {
            Complete(state, choice, legacy, ref sink);
        }
    }

    private static void Complete<TSink>(CompletionState state, ChoiceState choice, ToolCallState call, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (!call.Completed)
        {
            call.Completed = true;
            if (sink.IsEnabled)
            {
                sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallCompleted, choice.Index, call, default);
            }
        }
    }

    /// <summary>Returns true when the choice's finish reason changed (its first, or another value), which updates announce.</summary>
    internal static bool MergeFinishReason(ref Utf8JsonReader reader, ChoiceState choice)
    {
        // "finish_reason / finishReason: last non-null, non-empty value."
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.IsEmpty)
        {
            reader.Skip();
            return false;
        }

        if (choice.HasFinishReason && choice.FinishReason.Span.SequenceEqual(reader.ValueSpan))
        {
            return false;
        }

        choice.FinishReason.Set(reader.ValueSpan);
        choice.HasFinishReason = true;
        choice.FinishReasonVersion++;
        return true;
    }

    // "logprobs: content and refusal arrays appended in order; null if never seen."
    /// <summary>
    /// Merges a logprobs value. Returns whether, besides one <c>content</c> array (whose bounds are
    /// given), it held only nulls: what a repeated choice may hold around its entries.
    /// </summary>
    internal static bool MergeLogprobs(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, out int entriesStart, out int entriesEnd)
    {
        entriesStart = entriesEnd = -1;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedEventException("'logprobs' must be an object");
        }

        choice.HasLogprobs = true;
        bool entriesOnly = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            entriesOnly &= !reader.ValueIsEscaped;
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (name.SequenceEqual("content"u8) && reader.TokenType == JsonTokenType.StartArray)
            {
                choice.HasLogprobsContent = true;
                entriesOnly &= entriesStart < 0;
                entriesStart = (int)reader.TokenStartIndex;
                AppendEntries(ref reader, json, state, ref choice.LogprobsContent);
                entriesEnd = (int)reader.BytesConsumed;
                continue;
            }

            entriesOnly &= reader.TokenType == JsonTokenType.Null;
            if (name.SequenceEqual("refusal"u8) && reader.TokenType == JsonTokenType.StartArray)
            {
                choice.HasLogprobsRefusal = true;
                AppendEntries(ref reader, json, state, ref choice.LogprobsRefusal);
            }
            else if (reader.TokenType == JsonTokenType.Null && (name.SequenceEqual("content"u8) || name.SequenceEqual("refusal"u8)))
            {
                // null: no change
            }
            else
            {
                choice.LogprobsExtras ??= new MergedObject();
                MergeLastNonNull(ref reader, json, choice.LogprobsExtras, name);
            }
        }

        return entriesOnly && entriesStart >= 0;
    }

    /// <summary>Appends the entries of the array under the reader to comma-joined raw JSON, in one copy.</summary>
    internal static void AppendEntries(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ref StreamCore.Buffers.PooledByteBuffer target)
    {
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        AppendEntries(json[start..(int)reader.BytesConsumed], state, ref target);
    }

    /// <summary>Appends the entries of <paramref name="array"/> (a validated JSON array) to comma-joined raw JSON.</summary>
    internal static void AppendEntries(ReadOnlySpan<byte> array, CompletionState state, ref StreamCore.Buffers.PooledByteBuffer target)
    {
        ReadOnlySpan<byte> entries = array[1..^1].Trim(" \t\r\n"u8);
        if (entries.IsEmpty)
        {
            return;
        }

        state.Charge(entries.Length + 1);
        if (!target.IsEmpty)
        {
            target.Append((byte)',');
        }

        target.Append(entries);
    }
}

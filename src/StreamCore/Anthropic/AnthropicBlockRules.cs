using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text.Json;
using StreamCore.Core;
using static StreamCore.Core.MemberMerger;

namespace StreamCore.Anthropic;

/// <summary>The delta types of <c>content_block_delta</c> (rule 3).</summary>
internal enum DeltaKind : byte
{
    Unknown,
    Text,
    Thinking,
    Signature,
    Citations,
    InputJson,
    Compaction,
}

/// <summary>
/// Rules 2 to 4 of <c>typed-protocols.md</c>, section 2: a block's seed, what each delta type writes
/// into it, and how a block closes (its input text becomes its <c>input</c>).
/// </summary>
internal static class AnthropicBlockRules
{
    private static readonly byte[] ToolUseType = "tool_use"u8.ToArray();

    public static DeltaKind KindOf(ReadOnlySpan<byte> deltaType) => deltaType.Length switch
    {
        10 when deltaType.SequenceEqual("text_delta"u8) => DeltaKind.Text,
        14 when deltaType.SequenceEqual("thinking_delta"u8) => DeltaKind.Thinking,
        15 when deltaType.SequenceEqual("signature_delta"u8) => DeltaKind.Signature,
        15 when deltaType.SequenceEqual("citations_delta"u8) => DeltaKind.Citations,
        16 when deltaType.SequenceEqual("input_json_delta"u8) => DeltaKind.InputJson,
        16 when deltaType.SequenceEqual("compaction_delta"u8) => DeltaKind.Compaction,
        _ => DeltaKind.Unknown,
    };

    /// <summary>
    /// Rule 2: "content_block_start places its content_block at index as the block's seed." Also
    /// the entries of a <c>message_start</c>'s content (rule 1). A start for a block that exists lays
    /// its seed over the block: its members replace the seed's, but not what deltas built.
    /// </summary>
    public static void Start<TSink>(AnthropicState state, int index, ReadOnlySpan<byte> seed, int seedOffset, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        var reader = new Utf8JsonReader(seed, new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedEventException($"the content_block of block {index} is not an object");
        }

        state.Charge(seed.Length);
        AnthropicBlock block = state.GetBlock(index, out _);
        BlockKind? kind = null;
        ReadOnlySpan<byte> id = default;
        ReadOnlySpan<byte> name = default;
        ReadOnlySpan<byte> text = default;
        int textOffset = -1;
        bool textIsThinking = false;
        bool textReplaced = false; // a seed's text replaced text an earlier seed gave
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> member = GetName(ref reader);
            reader.Read();
            BuiltMembers built = BuiltBy(member);
            if ((block.Built & built) != 0)
            {
                reader.Skip(); // what deltas built stays
                continue;
            }

            if (reader.TokenType == JsonTokenType.String && built is BuiltMembers.Text or BuiltMembers.Thinking)
            {
                // The seed's text is where text_delta / thinking_delta append.
                MergedMember target = built == BuiltMembers.Text ? block.TextMember : block.ThinkingMember;
                textReplaced = target is { Kind: MemberKind.Text, Value.IsEmpty: false };
                target.Kind = MemberKind.Text;
                target.Value.Set(reader.ValueSpan);
                text = reader.ValueSpan;
                textOffset = seedOffset + (int)reader.TokenStartIndex + 1;
                textIsThinking = built == BuiltMembers.Thinking;
                continue;
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                switch (member.Length)
                {
                    case 4 when member.SequenceEqual("type"u8):
                        kind = AnthropicBlock.KindOf(GetName(ref reader));
                        break;
                    case 2 when member.SequenceEqual("id"u8):
                        id = reader.ValueSpan;
                        break;
                    case 4 when member.SequenceEqual("name"u8):
                        name = reader.ValueSpan;
                        break;
                }
            }

            // "Every member no rule names is kept as raw JSON, in arrival order" (section 0).
            if (reader.TokenType == JsonTokenType.Null)
            {
                MergedMember nullMember = block.Members.GetOrAdd(member, MemberKind.Null);
                nullMember.Kind = MemberKind.Null;
                nullMember.Value.Clear();
                nullMember.Items = null;
            }
            else
            {
                ReadOnlySpan<byte> raw = built == BuiltMembers.Citations && reader.TokenType == JsonTokenType.StartArray
                    ? ReadCitations(ref reader, seed, state, block)
                    : ReadRaw(ref reader, seed);
                SetRaw(block.Members.GetOrAdd(member, MemberKind.Raw), raw);
            }
        }

        if (kind is BlockKind known)
        {
            block.Kind = known;
        }

        block.Closed = false;
        if (sink.IsEnabled)
        {
            sink.OnJson(state.Result, StreamUpdateKind.ItemStarted, index, -1, seed, seedOffset);
        }

        if (block.Kind == BlockKind.ToolUse)
        {
            ToolCallState call = MakeToolCall(state, block, ref sink);
            if (call.Id.IsEmpty && !id.IsEmpty)
            {
                call.Id.Set(id);
            }

            if (call.Name.IsEmpty && !name.IsEmpty)
            {
                call.Name.Set(name);
            }
        }

        // A seed's text is text of the block like any delta's: announced, so that the text announced
        // per block is the block's text.
        if (sink.IsEnabled && (!text.IsEmpty || textReplaced))
        {
            sink.OnText(state.Result, textIsThinking ? StreamUpdateKind.ReasoningDelta : StreamUpdateKind.ContentDelta, index, -1, text, textOffset, replaces: textReplaced);
        }
    }

    /// <summary>Rule 3: what one <c>content_block_delta</c> writes into its block.</summary>
    public static void Delta<TSink>(AnthropicState state, scoped ref AnthropicEvent e, ReadOnlySpan<byte> data, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (e.Index < 0)
        {
            throw new MalformedEventException("a content_block_delta has no index");
        }

        DeltaKind kind = KindOf(e.DeltaType);
        if (kind == DeltaKind.Unknown)
        {
            // "Unknown delta types are kept for consumers, not merged."
            if (sink.IsEnabled)
            {
                sink.OnUnknownEvent(state.Result, e.DeltaType.IsEmpty ? "content_block_delta"u8 : e.DeltaType, e.DeltaType.IsEmpty ? -1 : e.DeltaTypeOffset, data);
            }

            return;
        }

        int index = e.Index;
        switch (kind)
        {
            case DeltaKind.Text:
                StringDelta(state, index, kind, e.DeltaText, e.DeltaTextOffset, ref sink);
                Remember(state, data, e.DeltaTextOffset, e.DeltaText.Length, index, kind);
                break;
            case DeltaKind.Thinking:
                StringDelta(state, index, kind, e.DeltaThinking, e.DeltaThinkingOffset, ref sink);
                Remember(state, data, e.DeltaThinkingOffset, e.DeltaThinking.Length, index, kind);
                break;
            case DeltaKind.InputJson:
                StringDelta(state, index, kind, e.DeltaPartialJson, e.DeltaPartialJsonOffset, ref sink);
                Remember(state, data, e.DeltaPartialJsonOffset, e.DeltaPartialJson.Length, index, kind);
                break;
            case DeltaKind.Signature:
            {
                // "signature_delta sets signature" (opaque: carried as its JSON bytes)
                AnthropicBlock block = Place(state, index, kind, ref sink);
                if (!e.DeltaSignature.IsEmpty)
                {
                    SetCharged(state, block.Members.GetOrAdd(AnthropicBlock.SignatureName, MemberKind.Raw, AnthropicBlock.SignatureName), e.DeltaSignature);
                    block.Built |= BuiltMembers.Signature;
                }

                break;
            }

            case DeltaKind.Citations:
            {
                // "citations_delta appends its citation to the block's citations (created if absent or null)"
                AnthropicBlock block = Place(state, index, kind, ref sink);
                if (!e.DeltaCitation.IsEmpty && !e.DeltaCitation.SequenceEqual("null"u8))
                {
                    AppendCitation(state, block, e.DeltaCitation);
                    if (sink.IsEnabled)
                    {
                        sink.OnJson(state.Result, StreamUpdateKind.AnnotationAdded, index, -1, e.DeltaCitation, e.DeltaCitationOffset);
                    }
                }

                break;
            }

            default:
            {
                // "compaction_delta sets the block's content and encrypted_content"
                AnthropicBlock block = Place(state, index, kind, ref sink);
                if (!e.DeltaContent.IsEmpty)
                {
                    SetCharged(state, block.Members.GetOrAdd(MemberNames.Content, MemberKind.Raw, MemberNames.Content), e.DeltaContent);
                    block.Built |= BuiltMembers.Content;
                }

                if (!e.DeltaEncryptedContent.IsEmpty)
                {
                    SetCharged(state, block.Members.GetOrAdd(AnthropicBlock.EncryptedContentName, MemberKind.Raw, AnthropicBlock.EncryptedContentName), e.DeltaEncryptedContent);
                    block.Built |= BuiltMembers.EncryptedContent;
                }

                break;
            }
        }
    }

    /// <summary>
    /// A delta that carries a string (escaped content at <paramref name="offset"/> in the event):
    /// "text_delta appends to text; thinking_delta to thinking; input_json_delta appends
    /// partial_json to the block's input text, on any block type; "" is no change".
    /// </summary>
    public static void StringDelta<TSink>(AnthropicState state, int index, DeltaKind kind, ReadOnlySpan<byte> value, int offset, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        AnthropicBlock block = Place(state, index, kind, ref sink);
        switch (kind)
        {
            case DeltaKind.Text:
                AppendText(state, block.TextMember, value);
                block.Built |= BuiltMembers.Text;
                if (sink.IsEnabled && !value.IsEmpty)
                {
                    sink.OnText(state.Result, StreamUpdateKind.ContentDelta, index, -1, value, offset);
                }

                break;
            case DeltaKind.Thinking:
                AppendText(state, block.ThinkingMember, value);
                block.Built |= BuiltMembers.Thinking;
                if (sink.IsEnabled && !value.IsEmpty)
                {
                    sink.OnText(state.Result, StreamUpdateKind.ReasoningDelta, index, -1, value, offset);
                }

                break;
            default:
                Debug.Assert(kind == DeltaKind.InputJson, "the deltas that carry a string");
                AppendInput(state, block, value, ref sink);
                break;
        }
    }

    /// <summary><c>content_block_stop</c>: the block closes (rule 4).</summary>
    public static void Stop<TSink>(AnthropicState state, int index, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (index < 0)
        {
            throw new MalformedEventException("a content_block_stop has no index");
        }

        AnthropicBlock? block = state.FindBlock(index);
        if (block is null)
        {
            return; // a stop for a block never started or written: nothing to close
        }

        Close(state, block, ref sink);
        if (sink.IsEnabled)
        {
            sink.OnJson(state.Result, StreamUpdateKind.ItemCompleted, index, -1, default, -1);
        }
    }

    /// <summary>
    /// Rule 4: "an empty input text keeps the seed's input ({} for a tool without arguments, or the
    /// complete input given at start). Otherwise the text is the input: written as JSON when it is
    /// valid, and otherwise kept as text and reported invalid ... never an exception, never a silent {}."
    /// </summary>
    public static void Close<TSink>(AnthropicState state, AnthropicBlock block, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        block.Closed = true;
        ToolCallState? call = block.Input;
        if (call is null)
        {
            return; // no input text: the seed is written as it came
        }

        if (call.Arguments.IsEmpty && block.Members.Find(AnthropicBlock.InputName) is { Kind: MemberKind.Raw } seedInput)
        {
            // The seed's input becomes the call's arguments, announced as their one fragment, so that
            // the arguments announced are the arguments of the result.
            if (block.IsToolCall)
            {
                call.AppendArguments(seedInput.Value.Span, isJson: true, state, block.Index, ref sink);
            }
            else
            {
                var none = default(NoUpdates);
                call.AppendArguments(seedInput.Value.Span, isJson: true, state, block.Index, ref none);
            }
        }

        if (!call.Completed)
        {
            call.Completed = true;
            if (block.IsToolCall && sink.IsEnabled)
            {
                sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallCompleted, block.Index, call, default);
            }
        }
    }

    /// <summary>The block a delta writes into: "a delta for a block never started opens one of the delta's kind".</summary>
    private static AnthropicBlock Place<TSink>(AnthropicState state, int index, DeltaKind kind, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        AnthropicBlock block = state.GetBlock(index, out bool created);
        if (created)
        {
            Open(state, block, kind, ref sink);
        }
        else if (block.Closed)
        {
            // A delta after the block's stop: the block takes it, and closes again at the end.
            block.Closed = false;
            if (block.Input is { } input)
            {
                input.Completed = false;
            }
        }

        return block;
    }

    // The bytes around a delta's string, for the next delta of the block to repeat (a null string has none).
    private static void Remember(AnthropicState state, ReadOnlySpan<byte> data, int valueOffset, int valueLength, int index, DeltaKind kind)
    {
        if (valueOffset > 0 && data[valueOffset - 1] == (byte)'"')
        {
            state.RepeatedDelta.Remember(data, valueOffset, valueLength, index, kind);
        }
    }

    private static void Open<TSink>(AnthropicState state, AnthropicBlock block, DeltaKind kind, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        ReadOnlySpan<byte> seed = kind switch
        {
            DeltaKind.Text or DeltaKind.Citations => """{"type":"text"}"""u8,
            DeltaKind.Thinking or DeltaKind.Signature => """{"type":"thinking"}"""u8,
            DeltaKind.InputJson => """{"type":"tool_use"}"""u8,
            _ => """{"type":"compaction"}"""u8,
        };
        ReadOnlySpan<byte> type = seed[9..^2];
        SetRaw(block.Members.GetOrAdd(MemberNames.Type, MemberKind.Raw, MemberNames.Type), seed[8..^1]);
        block.Kind = AnthropicBlock.KindOf(type);
        if (sink.IsEnabled)
        {
            sink.OnJson(state.Result, StreamUpdateKind.ItemStarted, block.Index, -1, seed, -1);
        }

        if (block.Kind == BlockKind.ToolUse)
        {
            MakeToolCall(state, block, ref sink);
        }
    }

    /// <summary>Makes the block's input one of the message's tool calls (a <c>tool_use</c> block), announced once.</summary>
    private static ToolCallState MakeToolCall<TSink>(AnthropicState state, AnthropicBlock block, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (block.IsToolCall)
        {
            return block.Input!;
        }

        var call = new ToolCallState(state.ToolCalls.Count);
        call.Type.Set(ToolUseType);
        if (block.Input is { } earlier)
        {
            // Input that arrived while the block was of another type: the call's arguments.
            if (!earlier.Arguments.IsEmpty)
            {
                call.ReplaceArguments(earlier.Arguments.Span, state);
            }

            earlier.Dispose();
        }

        block.Input = call;
        block.IsToolCall = true;
        state.ToolCalls.Add(call);
        if (sink.IsEnabled)
        {
            sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallStarted, block.Index, call, default);
        }

        return call;
    }

    private static void AppendInput<TSink>(AnthropicState state, AnthropicBlock block, ReadOnlySpan<byte> fragment, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        block.Input ??= new ToolCallState(-1);
        if (block.Input.Arguments.IsEmpty && !fragment.IsEmpty)
        {
            // The input text is written where the seed's input stands, or after the members so far.
            block.Members.GetOrAdd(AnthropicBlock.InputName, MemberKind.Null, AnthropicBlock.InputName);
        }

        if (block.IsToolCall)
        {
            block.Input.AppendArguments(fragment, isJson: false, state, block.Index, ref sink);
        }
        else
        {
            // Tools the provider runs are not tool calls: their input is assembled and validated, not announced.
            var none = default(NoUpdates);
            block.Input.AppendArguments(fragment, isJson: false, state, block.Index, ref none);
        }
    }

    private static void AppendCitation(AnthropicState state, AnthropicBlock block, ReadOnlySpan<byte> citation)
    {
        MergedMember citations = block.Members.GetOrAdd(AnthropicBlock.CitationsName, MemberKind.IndexedArray, AnthropicBlock.CitationsName);
        if (citations.Kind != MemberKind.IndexedArray)
        {
            // The seed's array (often []) becomes entries that citations append to; null or another value starts empty.
            List<MergedObject> entries = [];
            if (citations.Kind == MemberKind.Raw && citations.Value.Span is [(byte)'[', ..])
            {
                var reader = new Utf8JsonReader(citations.Value.Span, new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth });
                reader.Read();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (entries.Count >= state.Options.MaxAnnotations)
                    {
                        throw TooManyCitations(state, block);
                    }

                    var entry = new MergedObject(capacity: 0) { IsRawValue = true };
                    entry.RawValue.Set(ReadRaw(ref reader, citations.Value.Span));
                    entries.Add(entry);
                }
            }

            citations.Kind = MemberKind.IndexedArray;
            citations.Value.Clear();
            citations.Items = entries;
        }

        List<MergedObject> items = citations.Items ??= [];
        if (items.Count >= state.Options.MaxAnnotations)
        {
            throw TooManyCitations(state, block);
        }

        AddRawEntry(citation, state, items);
        block.Built |= BuiltMembers.Citations;
    }

    // A seed's citations count toward MaxAnnotations as the ones deltas append do.
    private static ReadOnlySpan<byte> ReadCitations(ref Utf8JsonReader reader, ReadOnlySpan<byte> seed, AnthropicState state, AnthropicBlock block)
    {
        int start = (int)reader.TokenStartIndex;
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (++count > state.Options.MaxAnnotations)
            {
                throw TooManyCitations(state, block);
            }

            reader.Skip();
        }

        return seed[start..(int)reader.BytesConsumed];
    }

    private static MalformedEventException TooManyCitations(AnthropicState state, AnthropicBlock block)
        => new($"block {block.Index} has more than {state.Options.MaxAnnotations} citations (MaxAnnotations)");

    private static void AppendText(AnthropicState state, MergedMember member, ReadOnlySpan<byte> escaped)
    {
        if (member.Kind != MemberKind.Text)
        {
            member.Kind = MemberKind.Text;
            member.Value.Clear();
            member.Items = null;
        }

        if (!escaped.IsEmpty)
        {
            state.Charge(escaped.Length);
            member.Value.Append(escaped);
        }
    }

    private static void SetCharged(AnthropicState state, MergedMember member, ReadOnlySpan<byte> raw)
    {
        state.Charge(raw.Length);
        SetRaw(member, raw);
    }

    private static BuiltMembers BuiltBy(ReadOnlySpan<byte> member) => member.Length switch
    {
        4 when member.SequenceEqual("text"u8) => BuiltMembers.Text,
        8 when member.SequenceEqual("thinking"u8) => BuiltMembers.Thinking,
        9 when member.SequenceEqual("signature"u8) => BuiltMembers.Signature,
        9 when member.SequenceEqual("citations"u8) => BuiltMembers.Citations,
        7 when member.SequenceEqual("content"u8) => BuiltMembers.Content,
        17 when member.SequenceEqual("encrypted_content"u8) => BuiltMembers.EncryptedContent,
        _ => BuiltMembers.None,
    };
}

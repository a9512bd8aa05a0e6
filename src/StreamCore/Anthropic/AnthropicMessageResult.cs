using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore.Anthropic;

/// <summary>
/// The <c>Message</c> assembled from an Anthropic Messages stream (<c>typed-protocols.md</c>,
/// section 2), with the normalized view every protocol shares. <see cref="StreamResult.WriteTo"/>
/// writes the <c>Message</c> object; <see cref="StreamResult.Usage"/> and
/// <see cref="StreamResult.UsageJson"/> are the usage as every <c>message_delta</c> laid it over
/// the start's, member by member.
/// </summary>
public sealed class AnthropicMessageResult : StreamResult
{
    private static readonly byte[] StopReasonName = "stop_reason"u8.ToArray();
    private static readonly byte[] StopSequenceName = "stop_sequence"u8.ToArray();
    private static readonly byte[] StopDetailsName = "stop_details"u8.ToArray();

    private readonly List<ToolCall> _toolCalls = [];
    private readonly List<AnthropicContentBlock> _blocks = [];
    private TextCache _id;
    private TextCache _requestedModel;
    private TextCache _stopReason;
    private TextCache _stopSequence;
    private JoinedText _text;
    private JoinedText _reasoning;
    private string? _fallbackModel;
    private int _fallbackRevision = -1;
    private string? _refusal;
    private int _refusalRevision = -1;

    internal AnthropicMessageResult(AnthropicState state)
        : base(state)
    {
    }

    /// <inheritdoc/>
    public override StreamProtocol Protocol => StreamProtocol.AnthropicMessages;

    /// <summary>The message's <c>id</c>, or null when none arrived.</summary>
    public override string? Id => GetString(MemberNames.Id, ref _id);

    /// <summary>
    /// The model that answered, as the stream last named it: the <c>to.model</c> of the last
    /// <c>fallback</c> block when the server fell back to another model (<c>fallback-block-1.sse</c>:
    /// the start names <c>claude-fable-5</c>, the fallback block and the usage's last iteration
    /// <c>claude-opus-4-8</c>, which wrote every output token), else the message's <c>model</c>.
    /// The <c>Message</c> JSON keeps <c>model</c> as <c>message_start</c> sent it (<see cref="RequestedModel"/>).
    /// </summary>
    public override string? Model => FallbackModel ?? RequestedModel;

    /// <summary>The <c>model</c> that <c>message_start</c> named (the one the request asked for), or null.</summary>
    public string? RequestedModel => GetString(MemberNames.Model, ref _requestedModel);

    /// <summary>The text of the <c>text</c> blocks joined in block order, or null when the message has no text block.</summary>
    public override string? Text => _text.Get(Anthropic, BlockKind.Text, AnthropicBlock.TextName);

    /// <summary>
    /// Anthropic streams no refusal text: a refusal is a <c>stop_reason</c> of <c>refusal</c>. When
    /// its <c>stop_details</c> carry an <c>explanation</c> (<c>refusal-no-blocks-1.sse</c>), that
    /// explanation is the refusal (announced as one <see cref="StreamUpdateKind.RefusalDelta"/>);
    /// otherwise null, and <see cref="StreamResult.StopKind"/> is still <see cref="StopKind.Refusal"/>.
    /// Text the model wrote before it stopped stays in <see cref="Text"/>.
    /// </summary>
    public override string? Refusal
    {
        get
        {
            AnthropicState state = Anthropic;
            if (_refusalRevision != state.Revision)
            {
                _refusal = ReadRefusal(state);
                _refusalRevision = state.Revision;
            }

            return _refusal;
        }
    }

    /// <summary>The <c>thinking</c> of the <c>thinking</c> blocks joined in block order, or null when there is none (redacted thinking is opaque and not included).</summary>
    public override string? Reasoning => _reasoning.Get(Anthropic, BlockKind.Thinking, AnthropicBlock.ThinkingName);

    /// <summary>The <c>tool_use</c> blocks, in order of first appearance: id, name, and the input text as arguments (the seed's <c>input</c> when no input text arrived).</summary>
    public override IReadOnlyList<ToolCall> ToolCalls
    {
        get
        {
            List<ToolCallState> calls = Anthropic.ToolCalls;
            for (int i = _toolCalls.Count; i < calls.Count; i++)
            {
                _toolCalls.Add(GetView(calls[i]));
            }

            return _toolCalls;
        }
    }

    /// <summary>The message's <c>stop_reason</c> as sent (<c>end_turn</c>, <c>max_tokens</c>, <c>tool_use</c>, <c>pause_turn</c>, <c>refusal</c>, ...), or null.</summary>
    public override string? StopReason => GetString(StopReasonName, ref _stopReason);

    /// <summary>The <c>stop_sequence</c> that stopped the model, or null.</summary>
    public string? StopSequence => GetString(StopSequenceName, ref _stopSequence);

    /// <summary>The <c>stop_details</c> object as UTF-8 JSON (a refusal's category and explanation), or empty. A copy.</summary>
    public ReadOnlyMemory<byte> StopDetailsJson => GetMemberJson(StopDetailsName);

    /// <summary>The content blocks in index order, as assembled so far.</summary>
    public IReadOnlyList<AnthropicContentBlock> Blocks
    {
        get
        {
            ReadOnlySpan<AnthropicBlock> blocks = Anthropic.Blocks;
            if (_blocks.Count != blocks.Length)
            {
                // Blocks may arrive out of index order: rebuild the sorted view when one is added.
                _blocks.Clear();
                foreach (AnthropicBlock block in blocks)
                {
                    _blocks.Add(block.View ??= new AnthropicContentBlock(block, this));
                }
            }

            return _blocks;
        }
    }

    private protected override StopKind StopKindOfReason => StopKinds.FromReason(GetStringContent(StopReasonName));

    private protected override ReadOnlySpan<byte> UsageSpan => Anthropic.GetUsageJson();

    private protected override ReadOnlySpan<byte> ErrorSpan => Anthropic.Message.Find(MemberNames.Error) is { Kind: MemberKind.Raw } error ? error.Value.Span : default;

    /// <summary>Whether the stop reason is <c>refusal</c>.</summary>
    internal bool IsRefusal => GetStringContent(StopReasonName).SequenceEqual("refusal"u8);

    private AnthropicState Anthropic => (AnthropicState)Live;

    /// <summary>The raw JSON of a top-level member of the message (<c>container</c>, <c>context_management</c>, <c>usage</c>, ...), or empty. A copy: the caller may keep it.</summary>
    public ReadOnlyMemory<byte> GetMemberJson(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return GetMemberJson(Encoding.UTF8.GetBytes(name));
    }

    private protected override void WriteJson(Utf8JsonWriter writer) => AnthropicMessageWriter.Write(writer, Anthropic);

    private ReadOnlyMemory<byte> GetMemberJson(byte[] name)
    {
        if (name.AsSpan().SequenceEqual(MemberNames.Usage))
        {
            ReadOnlySpan<byte> usage = UsageSpan;
            return usage.IsEmpty ? default : usage.ToArray();
        }

        return Anthropic.Message.Find(name) is { Kind: MemberKind.Raw } member ? member.Value.Span.ToArray() : default;
    }

    private string? FallbackModel
    {
        get
        {
            AnthropicState state = Anthropic;
            if (_fallbackRevision != state.Revision)
            {
                _fallbackModel = ReadFallbackModel(state);
                _fallbackRevision = state.Revision;
            }

            return _fallbackModel;
        }
    }

    private static string? ReadFallbackModel(AnthropicState state)
    {
        ReadOnlySpan<AnthropicBlock> blocks = state.Blocks;
        for (int i = blocks.Length - 1; i >= 0; i--)
        {
            if (blocks[i].Kind == BlockKind.Fallback && blocks[i].Members.Find("to"u8) is { Kind: MemberKind.Raw } to
                && ReadStringMember(to.Value.Span, "model"u8) is string model)
            {
                return model;
            }
        }

        return null;
    }

    private static string? ReadRefusal(AnthropicState state)
    {
        if (!state.Result.IsRefusal || state.Message.Find(StopDetailsName) is not { Kind: MemberKind.Raw } details)
        {
            return null;
        }

        return ReadStringMember(details.Value.Span, "explanation"u8);
    }

    /// <summary>The string member <paramref name="name"/> of the JSON object <paramref name="json"/>, or null.</summary>
    private static string? ReadStringMember(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = reader.ValueTextEquals(name);
            reader.Read();
            if (match && reader.TokenType == JsonTokenType.String)
            {
                return JsonText.ToString(reader.ValueSpan);
            }

            reader.Skip();
        }

        return null;
    }

    private string? GetString(byte[] name, ref TextCache cache)
    {
        MergedMember? member = Anthropic.Message.Find(name);
        return member is { Kind: MemberKind.Raw } && IsString(member.Value.Span) ? cache.GetReplaceable(member.Value.Span[1..^1]) : null;
    }

    private ReadOnlySpan<byte> GetStringContent(byte[] name)
    {
        MergedMember? member = Anthropic.Message.Find(name);
        return member is { Kind: MemberKind.Raw } && IsString(member.Value.Span) ? member.Value.Span[1..^1] : default;
    }

    private static bool IsString(ReadOnlySpan<byte> raw) => raw.Length >= 2 && raw[0] == (byte)'"';

    /// <summary>The text members of one kind of block joined in block order, rebuilt only after the message changed.</summary>
    private struct JoinedText
    {
        private string? _value;
        private int _revision;

        public string? Get(AnthropicState state, BlockKind kind, byte[] member)
        {
            if (_revision == state.Revision + 1)
            {
                return _value;
            }

            _value = Join(state.Blocks, kind, member);
            _revision = state.Revision + 1; // + 1: the default (0) never matches a state
            return _value;
        }

        private static string? Join(ReadOnlySpan<AnthropicBlock> blocks, BlockKind kind, byte[] member)
        {
            int length = 0;
            bool any = false;
            foreach (AnthropicBlock block in blocks)
            {
                if (block.Kind == kind)
                {
                    any = true;
                    length += block.GetText(member).Length;
                }
            }

            if (!any)
            {
                return null;
            }

            // Each block unescaped on its own: the halves of a surrogate pair join within a block, never across.
            byte[] text = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            try
            {
                int written = 0;
                foreach (AnthropicBlock block in blocks)
                {
                    if (block.Kind == kind)
                    {
                        written += JsonText.Unescape(block.GetText(member), text.AsSpan(written));
                    }
                }

                return Encoding.UTF8.GetString(text, 0, written);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(text);
            }
        }
    }
}

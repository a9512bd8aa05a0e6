using System;
using StreamCore.Core;

namespace StreamCore.Anthropic;

/// <summary>The block types whose members the rules write into (<c>typed-protocols.md</c>, section 2).</summary>
internal enum BlockKind : byte
{
    /// <summary>Any other type (server tool use, tool results, fallback, ...): kept as its seed, input written in.</summary>
    Other,

    /// <summary><c>text</c>: <c>text</c> and <c>citations</c> written in.</summary>
    Text,

    /// <summary><c>thinking</c>: <c>thinking</c> and <c>signature</c> written in.</summary>
    Thinking,

    /// <summary><c>tool_use</c>: a call of a tool the application runs.</summary>
    ToolUse,

    /// <summary><c>compaction</c>: <c>content</c> and <c>encrypted_content</c> set by its delta.</summary>
    Compaction,

    /// <summary><c>fallback</c>: the server answered with another model.</summary>
    Fallback,
}

/// <summary>The members of a block that deltas built (a later start's seed does not replace them).</summary>
[Flags]
internal enum BuiltMembers : byte
{
    None = 0,
    Text = 1,
    Thinking = 2,
    Signature = 4,
    Citations = 8,
    Content = 16,
    EncryptedContent = 32,
}

/// <summary>
/// One content block: its seed's members (from <c>content_block_start</c>, or the entry of a
/// <c>message_start</c> content, or the kind of the delta that opened it), with what the deltas
/// wrote in, and its input text when it got <c>input_json_delta</c>s.
/// </summary>
internal sealed class AnthropicBlock
{
    public static readonly byte[] TextName = "text"u8.ToArray();
    public static readonly byte[] ThinkingName = "thinking"u8.ToArray();
    public static readonly byte[] SignatureName = "signature"u8.ToArray();
    public static readonly byte[] CitationsName = "citations"u8.ToArray();
    public static readonly byte[] InputName = "input"u8.ToArray();
    public static readonly byte[] EncryptedContentName = "encrypted_content"u8.ToArray();

    private MergedMember? _text;
    private MergedMember? _thinking;

    public AnthropicBlock(int index) => Index = index;

    /// <summary>The peer's index: it places the block, and never sizes anything.</summary>
    public int Index { get; }

    /// <summary>The seed's members in arrival order, with what deltas wrote in (strings <c>text</c> and <c>thinking</c> as escaped text, everything else verbatim).</summary>
    public MergedObject Members { get; } = new();

    public BlockKind Kind { get; set; }

    public BuiltMembers Built { get; set; }

    /// <summary>Whether a start (or the message's content) gave the block its seed; false for a block a delta opened.</summary>
    public bool Started { get; set; }

    /// <summary>Whether the block is closed (<c>content_block_stop</c>, or the stream ended): rule 4 was applied.</summary>
    public bool Closed { get; set; }

    /// <summary>The input text (<c>input_json_delta</c>s joined), validated incrementally; for a <c>tool_use</c> block, its tool call.</summary>
    public ToolCallState? Input { get; set; }

    /// <summary>Whether <see cref="Input"/> is one of the message's tool calls (a <c>tool_use</c> block).</summary>
    public bool IsToolCall { get; set; }

    /// <summary>The public view, created on first use.</summary>
    public AnthropicContentBlock? View { get; set; }

    /// <summary>The <c>text</c> member (escaped text), added on first use.</summary>
    public MergedMember TextMember => _text ??= Members.GetOrAdd(TextName, MemberKind.Text, TextName);

    /// <summary>The <c>thinking</c> member (escaped text), added on first use.</summary>
    public MergedMember ThinkingMember => _thinking ??= Members.GetOrAdd(ThinkingName, MemberKind.Text, ThinkingName);

    /// <summary>The escaped text of member <paramref name="name"/> when it is a string, else empty.</summary>
    public ReadOnlySpan<byte> GetText(byte[] name)
    {
        MergedMember? member = Members.Find(name);
        return member is { Kind: MemberKind.Text } ? member.Value.Span : default;
    }

    /// <summary>Whether the block has input text that replaces its seed's <c>input</c> when written (rule 4).</summary>
    public bool HasInputText => Input is { Arguments.IsEmpty: false };

    public void Dispose()
    {
        Members.Dispose();
        Input?.Dispose();
        _text = null;
        _thinking = null;
    }

    /// <summary>The kind of a block whose <c>type</c> is <paramref name="type"/> (unescaped).</summary>
    public static BlockKind KindOf(ReadOnlySpan<byte> type) => type.Length switch
    {
        4 when type.SequenceEqual("text"u8) => BlockKind.Text,
        8 when type.SequenceEqual("thinking"u8) => BlockKind.Thinking,
        8 when type.SequenceEqual("tool_use"u8) => BlockKind.ToolUse,
        10 when type.SequenceEqual("compaction"u8) => BlockKind.Compaction,
        8 when type.SequenceEqual("fallback"u8) => BlockKind.Fallback,
        _ => BlockKind.Other,
    };
}

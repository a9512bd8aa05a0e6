using System;
using System.Collections.Generic;
using System.Text;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore.Chat;

/// <summary>One choice of an assembled completion. Strings are built on first access and cached.</summary>
public sealed class ChatChoice
{
    private readonly ChoiceState _state;
    private readonly ChatCompletionResult _owner;
    private List<ChatToolCall>? _toolCalls;
    private TextCache _role;
    private TextCache _content;
    private TextCache _refusal;
    private TextCache _finishReason;
    private TextCache _reasoning;

    internal ChatChoice(ChoiceState state, ChatCompletionResult owner)
    {
        _state = state;
        _owner = owner;
    }

    /// <summary>The choice's index.</summary>
    public int Index => _state.Index;

    /// <summary>The message's role (first non-empty), or null.</summary>
    public string? Role => GetIdentity(MemberNames.Role, ref _role);

    /// <summary>
    /// The message's text content, or null when no content arrived. When content arrived as an array
    /// of parts (<see cref="HasContentParts"/>), the text of its <c>text</c> parts joined.
    /// </summary>
    public string? Content
    {
        get
        {
            MergedMember? content = Live.Message.Find(MemberNames.Content);
            if (content is null)
            {
                return null;
            }

            if (content.Kind == MemberKind.Text)
            {
                return _content.Get(content.Value.Span);
            }

            var text = new StringBuilder();
            foreach (MergedObject part in content.Items ?? [])
            {
                if (!part.IsRawValue && part.GetText("type"u8).SequenceEqual("text"u8))
                {
                    text.Append(JsonText.ToString(part.GetText("text"u8)));
                }
            }

            return text.ToString();
        }
    }

    /// <summary>Whether the content arrived as an array of typed parts (the JSON result keeps the array).</summary>
    public bool HasContentParts => Live.Message.Find(MemberNames.Content)?.Kind == MemberKind.PartArray;

    /// <summary>The refusal text, or null when none arrived.</summary>
    public string? Refusal
    {
        get
        {
            MergedMember? refusal = Live.Message.Find(MemberNames.Refusal);
            return refusal?.Kind == MemberKind.Text ? _refusal.Get(refusal.Value.Span) : null;
        }
    }

    /// <summary>The reasoning text (<c>reasoning_content</c>, else <c>reasoning</c>), or null.</summary>
    public string? Reasoning
    {
        get
        {
            // reasoning_content (DeepSeek, Qwen, vLLM) first, then reasoning (Groq, OpenRouter).
            MergedMember? member = Live.Message.Find(MemberNames.ReasoningContent);
            if (member is not { Kind: MemberKind.Text or MemberKind.Identity })
            {
                member = Live.Message.Find(MemberNames.Reasoning);
            }

            return member is { Kind: MemberKind.Text or MemberKind.Identity } ? _reasoning.Get(member.Value.Span) : null;
        }
    }

    /// <summary>The finish reason (last non-empty), or null while the choice is unfinished.</summary>
    public string? FinishReason => Live.HasFinishReason ? _finishReason.Get(_state.FinishReason.Span) : null;

    /// <summary>The tool calls, in order of first appearance.</summary>
    public IReadOnlyList<ChatToolCall> ToolCalls
    {
        get
        {
            List<ToolCallState> calls = Live.ToolCalls;
            if (calls.Count == 0)
            {
                return [];
            }

            _toolCalls ??= new List<ChatToolCall>(calls.Count);
            for (int i = _toolCalls.Count; i < calls.Count; i++)
            {
                _toolCalls.Add((ChatToolCall)_owner.GetView(calls[i]));
            }

            return _toolCalls;
        }
    }

    /// <summary>The legacy <c>function_call</c>'s name, or null.</summary>
    public string? FunctionCallName => GetFunctionCallText("name"u8);

    /// <summary>The legacy <c>function_call</c>'s arguments, or null.</summary>
    public string? FunctionCallArguments => GetFunctionCallText("arguments"u8);

    private ChoiceState Live
    {
        get
        {
            _owner.ThrowIfDisposed();
            return _state;
        }
    }

    /// <summary>
    /// The text of a string member of the message that has no property of its own (such as
    /// <c>reasoning_content</c>), or null when it never arrived as a string. Allocates a string.
    /// </summary>
    public string? GetText(string memberName)
    {
        ArgumentNullException.ThrowIfNull(memberName);
        MergedMember? member = Live.Message.Find(Encoding.UTF8.GetBytes(memberName));
        return member is { Kind: MemberKind.Text or MemberKind.Identity } ? JsonText.ToString(member.Value.Span) : null;
    }

    private string? GetIdentity(byte[] name, ref TextCache cache)
    {
        MergedMember? member = Live.Message.Find(name);
        return member is { Kind: MemberKind.Identity or MemberKind.Text } ? cache.Get(member.Value.Span) : null;
    }

    private string? GetFunctionCallText(ReadOnlySpan<byte> name)
    {
        MergedMember? call = Live.Message.Find(MemberNames.FunctionCall);
        if (call is not { Kind: MemberKind.Object })
        {
            return null;
        }

        MergedMember? member = call.Object.Find(name);
        return member is { Kind: MemberKind.Text or MemberKind.Identity } ? JsonText.ToString(member.Value.Span) : null;
    }
}

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
                return _content.Get(content.Value.Span, _state.ContentVersion);
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

    /// <summary>
    /// The reasoning text, or null when none arrived: <c>reasoning_content</c> (DeepSeek, Qwen, vLLM),
    /// <c>reasoning</c> (Groq, OpenRouter) and the text of <c>thinking</c> content parts (Mistral). A
    /// stream uses one of them; were there several, each is joined whole, in that order.
    /// </summary>
    public string? Reasoning
    {
        get
        {
            MergedMember? content = Live.Message.Find(MemberNames.ReasoningContent);
            MergedMember? reasoning = _state.Message.Find(MemberNames.Reasoning);
            bool hasContent = content is { Kind: MemberKind.Text or MemberKind.Identity };
            bool hasReasoning = reasoning is { Kind: MemberKind.Text or MemberKind.Identity };
            string? thinking = GetThinkingText();
            if (thinking is null && hasContent != hasReasoning)
            {
                return _reasoning.Get((hasContent ? content : reasoning)!.Value.Span);
            }

            if (thinking is null && !hasContent)
            {
                return null;
            }

            return string.Concat(hasContent ? JsonText.ToString(content!.Value.Span) : null, hasReasoning ? JsonText.ToString(reasoning!.Value.Span) : null, thinking);
        }
    }

    /// <summary>The finish reason (last non-empty), or null while the choice is unfinished.</summary>
    public string? FinishReason => Live.HasFinishReason ? _finishReason.Get(_state.FinishReason.Span, _state.FinishReasonVersion) : null;

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

    /// <summary>The legacy <c>function_call</c>, as a tool call (name, arguments and their validity), or null when none arrived.</summary>
    public ChatToolCall? FunctionCall => Live.FunctionCall is ToolCallState call ? (ChatToolCall)_owner.GetView(call) : null;

    /// <summary>The legacy <c>function_call</c>'s name, or null.</summary>
    public string? FunctionCallName => FunctionCall?.Name;

    /// <summary>The legacy <c>function_call</c>'s arguments, or null when none arrived.</summary>
    public string? FunctionCallArguments => FunctionCall is { } call && Live.FunctionCall!.HasArguments ? call.Arguments : null;

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

    /// <summary>The text of the <c>thinking</c> content parts (a string, or <c>text</c> parts of their own), or null when there are none.</summary>
    private string? GetThinkingText()
    {
        MergedMember? content = _state.Message.Find(MemberNames.Content);
        if (content is not { Kind: MemberKind.PartArray })
        {
            return null;
        }

        StringBuilder? text = null;
        foreach (MergedObject part in content.Items ?? [])
        {
            if (part.IsRawValue || !part.GetText("type"u8).SequenceEqual("thinking"u8) || part.Find("thinking"u8) is not MergedMember thinking)
            {
                continue;
            }

            text ??= new StringBuilder();
            if (thinking.Kind == MemberKind.Text)
            {
                text.Append(JsonText.ToString(thinking.Value.Span));
                continue;
            }

            foreach (MergedObject nested in thinking.Items ?? [])
            {
                if (!nested.IsRawValue && nested.GetText("type"u8).SequenceEqual("text"u8))
                {
                    text.Append(JsonText.ToString(nested.GetText("text"u8)));
                }
            }
        }

        return text?.ToString();
    }

    private string? GetIdentity(byte[] name, ref TextCache cache)
    {
        MergedMember? member = Live.Message.Find(name);
        return member is { Kind: MemberKind.Identity or MemberKind.Text } ? cache.Get(member.Value.Span) : null;
    }

}

using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore.Chat;

/// <summary>
/// The complete response assembled from a chat-completion stream (or the part received so far),
/// with how the stream ended: every choice, and the normalized view of the first one
/// (<see cref="StreamResult.Text"/>, <see cref="StreamResult.ToolCalls"/>, ...). Holds pooled
/// buffers: whoever it was handed to disposes it to return them.
/// </summary>
public sealed class ChatCompletionResult : StreamResult
{
    private readonly List<ChatChoice> _choices = [];
    private TextCache _id;
    private TextCache _model;

    internal ChatCompletionResult(CompletionState state)
        : base(state)
    {
    }

    /// <inheritdoc/>
    public override StreamProtocol Protocol => StreamProtocol.ChatCompletions;

    /// <summary>How the stream ended, or <see cref="ChatStreamStatus.InProgress"/> while it runs: <see cref="StreamResult.Status"/>, typed as chat code has always read it.</summary>
    public new ChatStreamStatus Status => (ChatStreamStatus)base.Status;

    /// <summary>The dialect the stream came in; the JSON result is written in it.</summary>
    public ChatDialect Dialect => Completion.Dialect;

    /// <summary>The completion's id (first non-empty), or null when none arrived.</summary>
    public override string? Id => GetIdentity(MemberNames.Id, ref _id);

    /// <summary>The model (first non-empty), or null when none arrived.</summary>
    public override string? Model => GetIdentity(MemberNames.Model, ref _model);

    /// <summary>The creation time in Unix seconds (first non-zero), or null.</summary>
    public long? Created
    {
        get
        {
            MergedMember? created = Completion.Top.Find(MemberNames.Created);
            return created is { Kind: MemberKind.Raw } && System.Buffers.Text.Utf8Parser.TryParse(created.Value.Span, out long value, out int used) && used == created.Value.Length
                ? value
                : null;
        }
    }

    /// <summary>The creation time (<see cref="Created"/>), or null.</summary>
    public override DateTimeOffset? CreatedAt => Created is long seconds && seconds is >= UnixSecondsMin and <= UnixSecondsMax ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private const long UnixSecondsMin = -62_135_596_800; // DateTimeOffset.MinValue
    private const long UnixSecondsMax = 253_402_300_799; // DateTimeOffset.MaxValue

    /// <summary>The system fingerprint (last non-empty), or null.</summary>
    public string? SystemFingerprint => GetText(MemberNames.SystemFingerprint);

    /// <summary>The service tier (last non-empty), or null.</summary>
    public string? ServiceTier => GetText(MemberNames.ServiceTier);

    /// <summary>The choices in ascending order of index.</summary>
    public IReadOnlyList<ChatChoice> Choices
    {
        get
        {
            ReadOnlySpan<ChoiceState> states = Completion.Choices;
            if (_choices.Count != states.Length)
            {
                // Choices may arrive in any order; rebuild the sorted view when one is added.
                _choices.Clear();
                foreach (ChoiceState choice in states)
                {
                    _choices.Add(GetView(choice));
                }
            }

            return _choices;
        }
    }

    /// <summary>The first choice's content (<see cref="ChatChoice.Content"/>), or null.</summary>
    public override string? Text => FirstChoice?.Content;

    /// <summary>The first choice's refusal, or null.</summary>
    public override string? Refusal => FirstChoice?.Refusal;

    /// <summary>The first choice's reasoning (<see cref="ChatChoice.Reasoning"/>), or null.</summary>
    public override string? Reasoning => FirstChoice?.Reasoning;

    /// <summary>The first choice's tool calls, and its legacy <c>function_call</c> after them.</summary>
    public override IReadOnlyList<ToolCall> ToolCalls
    {
        get
        {
            ChatChoice? first = FirstChoice;
            if (first?.FunctionCall is not ChatToolCall legacy)
            {
                return first?.ToolCalls ?? [];
            }

            return [.. first.ToolCalls, legacy];
        }
    }

    /// <summary>The first choice's finish reason, or null.</summary>
    public override string? StopReason => FirstChoice?.FinishReason;

    private protected override StopKind StopKindOfReason
    {
        get
        {
            ReadOnlySpan<ChoiceState> choices = Completion.Choices;
            return choices.IsEmpty || !choices[0].HasFinishReason ? StopKind.None : StopKinds.FromReason(choices[0].FinishReason.Span);
        }
    }

    private protected override ReadOnlySpan<byte> UsageSpan => Completion.Usage is { Kind: MemberKind.Raw } usage ? usage.Value.Span : default;

    private protected override ReadOnlySpan<byte> ErrorSpan => GetRaw(MemberNames.Error);

    private CompletionState Completion => (CompletionState)Live;

    private ChatChoice? FirstChoice => Completion.Choices.IsEmpty ? null : GetView(Completion.Choices[0]);

    /// <summary>The raw JSON of a top-level member that has no property of its own (such as <c>citations</c>), or empty. A copy: the caller may keep it.</summary>
    public ReadOnlyMemory<byte> GetMemberJson(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ReadOnlySpan<byte> raw = GetRaw(Encoding.UTF8.GetBytes(name));
        return raw.IsEmpty ? default : raw.ToArray();
    }

    internal override StreamProviderErrorException CreateProviderError(string errorJson) => new ChatProviderErrorException(errorJson, statusCode: null, this);

    internal ChatChoice GetView(ChoiceState choice) => choice.View ??= new ChatChoice(choice, this);

    internal override ToolCall GetView(ToolCallState call) => call.View ??= new ChatToolCall(call, this);

    private protected override void WriteJson(Utf8JsonWriter writer) => ChatCompletionWriter.Write(writer, Completion);

    private string? GetIdentity(byte[] name, ref TextCache cache)
    {
        MergedMember? member = Completion.Top.Find(name);
        return member is { Kind: MemberKind.Identity } ? cache.Get(member.Value.Span) : null;
    }

    private string? GetText(byte[] name)
    {
        MergedMember? member = Completion.Top.Find(name);
        return member is { Kind: MemberKind.Identity } ? JsonText.ToString(member.Value.Span) : null;
    }

    private ReadOnlySpan<byte> GetRaw(byte[] name)
    {
        MergedMember? member = Completion.Top.Find(name);
        return member is { Kind: MemberKind.Raw } ? member.Value.Span : default;
    }
}

using System;
using System.Text;

namespace StreamCore.Chat;

/// <summary>
/// One thing that happened in the stream. A view: <see cref="Utf8Text"/> and <see cref="Json"/>
/// point into buffers that are reused, and are valid until the next update is requested (call
/// <see cref="Detach"/> to keep one longer). Creating and consuming updates allocates nothing.
/// </summary>
public readonly struct ChatUpdate
{
    private readonly ReadOnlyMemory<byte> _data;

    internal ChatUpdate(ChatUpdateKind kind, ChatCompletionResult completion, int choiceIndex, ChatToolCall? toolCall, ReadOnlyMemory<byte> data, string? finishReason)
    {
        Kind = kind;
        Completion = completion;
        ChoiceIndex = choiceIndex;
        ToolCall = toolCall;
        _data = data;
        FinishReason = finishReason;
    }

    /// <summary>What happened.</summary>
    public ChatUpdateKind Kind { get; }

    /// <summary>The index of the choice concerned, or -1 (usage, provider error, end).</summary>
    public int ChoiceIndex { get; }

    /// <summary>The tool call concerned (started, arguments, completed), or null.</summary>
    public ChatToolCall? ToolCall { get; }

    /// <summary>
    /// For deltas and argument fragments: the fragment as UTF-8 text (JSON escapes decoded; a lone
    /// surrogate escape shows as U+FFFD here, while the assembled text joins split pairs). Else empty.
    /// </summary>
    public ReadOnlyMemory<byte> Utf8Text => Kind is ChatUpdateKind.Usage or ChatUpdateKind.ProviderError ? default : _data;

    /// <summary>For <see cref="ChatUpdateKind.Usage"/> and <see cref="ChatUpdateKind.ProviderError"/>: the object as raw UTF-8 JSON. Else empty.</summary>
    public ReadOnlyMemory<byte> Json => Kind is ChatUpdateKind.Usage or ChatUpdateKind.ProviderError ? _data : default;

    /// <summary>For <see cref="ChatUpdateKind.ChoiceFinished"/>: the finish reason.</summary>
    public string? FinishReason { get; }

    /// <summary>The result assembled so far (final once <see cref="Kind"/> is <see cref="ChatUpdateKind.End"/>).</summary>
    public ChatCompletionResult Completion { get; }

    /// <summary>Decodes <see cref="Utf8Text"/> to a string (invalid UTF-8 becomes U+FFFD). Allocates.</summary>
    public string GetText() => Encoding.UTF8.GetString(Utf8Text.Span);

    /// <summary>A copy whose bytes are its own, safe to keep after the next update. Allocates.</summary>
    public ChatUpdate Detach() => new(Kind, Completion, ChoiceIndex, ToolCall, _data.IsEmpty ? default : _data.ToArray(), FinishReason);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ChatUpdateKind.ContentDelta or ChatUpdateKind.RefusalDelta or ChatUpdateKind.ReasoningDelta or ChatUpdateKind.ToolCallArgumentsDelta
            => $"{Kind} choice {ChoiceIndex}: {GetText()}",
        ChatUpdateKind.ChoiceFinished => $"{Kind} choice {ChoiceIndex}: {FinishReason}",
        _ => $"{Kind} choice {ChoiceIndex}",
    };
}

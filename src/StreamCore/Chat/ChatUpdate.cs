using System;

namespace StreamCore.Chat;

/// <summary>
/// One thing that happened in a chat-completion stream: the chat-typed face of a
/// <see cref="StreamUpdate"/> (the one update model of every protocol). A view: <see cref="Utf8Text"/>
/// and <see cref="Json"/> point into buffers that are reused, and are valid only until the next update
/// is requested (call <see cref="Detach"/> to keep one longer). Creating and consuming updates allocates nothing.
/// </summary>
public readonly struct ChatUpdate
{
    internal ChatUpdate(StreamUpdate update) => Update = update;

    /// <summary>What happened.</summary>
    public ChatUpdateKind Kind => (ChatUpdateKind)Update.Kind;

    /// <summary>The index of the choice concerned, or -1 (usage, provider error, end).</summary>
    public int ChoiceIndex => Update.ItemIndex;

    /// <summary>The tool call concerned (started, arguments, completed), or null.</summary>
    public ChatToolCall? ToolCall => (ChatToolCall?)Update.ToolCall;

    /// <summary>
    /// For deltas and argument fragments: the fragment as UTF-8 text (JSON escapes decoded; a lone
    /// surrogate escape shows as U+FFFD here, while the assembled text joins split pairs). Else empty.
    /// Valid until the next update.
    /// </summary>
    public ReadOnlyMemory<byte> Utf8Text => Update.Utf8Text;

    /// <summary>For <see cref="ChatUpdateKind.Usage"/>, <see cref="ChatUpdateKind.ProviderError"/> and <see cref="ChatUpdateKind.AnnotationAdded"/>: the object as raw UTF-8 JSON. Else empty. Valid until the next update.</summary>
    public ReadOnlyMemory<byte> Json => Update.Json;

    /// <summary>
    /// For content deltas: whether <see cref="Utf8Text"/> replaces the content announced before instead
    /// of adding to it (cumulative content, <see cref="StreamOptions.CumulativeContent"/>, whose new value
    /// does not extend the previous one).
    /// </summary>
    public bool IsReplacement => Update.IsReplacement;

    /// <summary>For <see cref="ChatUpdateKind.ChoiceFinished"/>: the finish reason that arrived (the last one announced is the result's).</summary>
    public string? FinishReason => Update.Kind == StreamUpdateKind.Stop ? Update.StopReason : null;

    /// <summary>The result assembled so far (final once <see cref="Kind"/> is <see cref="ChatUpdateKind.End"/>). It belongs to whoever consumes the updates.</summary>
    public ChatCompletionResult Completion => (ChatCompletionResult)Update.Result;

    /// <summary>The same update in the form every protocol shares.</summary>
    public StreamUpdate Update { get; }

    /// <summary>Decodes <see cref="Utf8Text"/> to a string (invalid UTF-8 becomes U+FFFD). Allocates.</summary>
    public string GetText() => Update.GetText();

    /// <summary>A copy whose bytes are its own, safe to keep after the next update. Allocates.</summary>
    public ChatUpdate Detach() => new(Update.Detach());

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ChatUpdateKind.ContentDelta or ChatUpdateKind.RefusalDelta or ChatUpdateKind.ReasoningDelta or ChatUpdateKind.ToolCallArgumentsDelta
            => $"{Kind} choice {ChoiceIndex}: {GetText()}",
        ChatUpdateKind.ChoiceFinished => $"{Kind} choice {ChoiceIndex}: {FinishReason}",
        _ => $"{Kind} choice {ChoiceIndex}",
    };
}

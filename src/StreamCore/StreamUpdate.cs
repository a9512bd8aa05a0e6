using System;
using System.Text;

namespace StreamCore;

/// <summary>
/// One thing that happened in a stream, for every protocol. A view: <see cref="Utf8Text"/>,
/// <see cref="Json"/> and <see cref="Utf8EventName"/> point into buffers that are reused, and are
/// valid only until the next update is requested, like <see cref="System.Text.Json.Utf8JsonReader.ValueSpan"/>
/// (call <see cref="Detach"/> to keep one longer). Creating and consuming updates allocates nothing.
/// </summary>
public readonly struct StreamUpdate
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly ReadOnlyMemory<byte> _eventName;

    internal StreamUpdate(StreamUpdateKind kind, StreamResult result, int itemIndex, int partIndex, ToolCall? toolCall, ReadOnlyMemory<byte> data, StopKind stopKind, string? stopReason, ReadOnlyMemory<byte> eventName, bool isReplacement)
    {
        IsReplacement = isReplacement;
        Kind = kind;
        Result = result;
        ItemIndex = itemIndex;
        PartIndex = partIndex;
        ToolCall = toolCall;
        _data = data;
        StopKind = stopKind;
        StopReason = stopReason;
        _eventName = eventName;
    }

    /// <summary>What happened.</summary>
    public StreamUpdateKind Kind { get; }

    /// <summary>
    /// The index of the output concerned: a chat choice's index, a Responses <c>output_index</c>, an
    /// Anthropic content block's <c>index</c>, 0 for Aitronos; -1 when none (usage, provider error, end).
    /// </summary>
    public int ItemIndex { get; }

    /// <summary>The index of the part within the item (Responses <c>content_index</c> or <c>summary_index</c>), or -1.</summary>
    public int PartIndex { get; }

    /// <summary>The tool call concerned (started, arguments, completed), or null.</summary>
    public ToolCall? ToolCall { get; }

    /// <summary>
    /// For text deltas and argument fragments: the fragment as UTF-8 text (JSON escapes decoded; a
    /// lone surrogate escape shows as U+FFFD here, while the assembled text joins split pairs). Else empty.
    /// Valid until the next update.
    /// </summary>
    public ReadOnlyMemory<byte> Utf8Text => IsText ? _data : default;

    /// <summary>For usage, provider errors, annotations, items and unknown events: the JSON as UTF-8 (see <see cref="StreamUpdateKind"/>). Else empty. Valid until the next update.</summary>
    public ReadOnlyMemory<byte> Json => IsText ? default : _data;

    /// <summary>For <see cref="StreamUpdateKind.UnknownEvent"/>: the event's name (the SSE event name, else the data's <c>type</c>). Valid until the next update.</summary>
    public ReadOnlyMemory<byte> Utf8EventName => _eventName;

    /// <summary>
    /// For text deltas and argument fragments: whether <see cref="Utf8Text"/> replaces all the text
    /// announced before for this item and part (or tool call), instead of adding to it. It happens
    /// when a final value does not extend what the deltas built (a Responses <c>.done</c> that the
    /// deltas did not add up to, an Aitronos full text),
    /// and with cumulative chat content (<see cref="StreamOptions.CumulativeContent"/>) whose new value
    /// does not extend the previous one. Consumers that join deltas start over here.
    /// </summary>
    public bool IsReplacement { get; }

    /// <summary>For <see cref="StreamUpdateKind.Stop"/>: the stop kind.</summary>
    public StopKind StopKind { get; }

    /// <summary>For <see cref="StreamUpdateKind.Stop"/>: the raw stop or finish reason.</summary>
    public string? StopReason { get; }

    /// <summary>The result assembled so far (final once <see cref="Kind"/> is <see cref="StreamUpdateKind.End"/>). It belongs to whoever consumes the updates.</summary>
    public StreamResult Result { get; }

    private bool IsText => Kind is StreamUpdateKind.ContentDelta or StreamUpdateKind.RefusalDelta or StreamUpdateKind.ReasoningDelta or StreamUpdateKind.ToolCallArgumentsDelta;

    /// <summary>Decodes <see cref="Utf8Text"/> to a string (invalid UTF-8 becomes U+FFFD). Allocates.</summary>
    public string GetText() => Encoding.UTF8.GetString(Utf8Text.Span);

    /// <summary>Decodes <see cref="Utf8EventName"/> to a string. Allocates.</summary>
    public string GetEventName() => Encoding.UTF8.GetString(_eventName.Span);

    /// <summary>A copy whose bytes are its own, safe to keep after the next update. Allocates.</summary>
    public StreamUpdate Detach() => new(Kind, Result, ItemIndex, PartIndex, ToolCall, Own(_data), StopKind, StopReason, Own(_eventName), IsReplacement);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        _ when IsText => $"{Kind} {ItemIndex}: {GetText()}",
        StreamUpdateKind.Stop => $"{Kind} {ItemIndex}: {StopKind} ({StopReason})",
        StreamUpdateKind.UnknownEvent => $"{Kind}: {GetEventName()}",
        _ => $"{Kind} {ItemIndex}",
    };

    private static ReadOnlyMemory<byte> Own(ReadOnlyMemory<byte> bytes) => bytes.IsEmpty ? default : bytes.ToArray();
}

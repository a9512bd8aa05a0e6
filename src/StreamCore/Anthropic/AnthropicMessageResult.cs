using System;
using System.Collections.Generic;
using System.Text.Json;

namespace StreamCore.Anthropic;

/// <summary>
/// The <c>Message</c> assembled from an Anthropic Messages stream (<c>typed-protocols.md</c>,
/// section 2), with the normalized view every protocol shares.
/// </summary>
public sealed class AnthropicMessageResult : StreamResult
{
    internal AnthropicMessageResult(AnthropicState state)
        : base(state)
    {
    }

    /// <inheritdoc/>
    public override StreamProtocol Protocol => StreamProtocol.AnthropicMessages;

    /// <inheritdoc/>
    public override string? Id => null;

    /// <inheritdoc/>
    public override string? Model => null;

    /// <inheritdoc/>
    public override string? Text => null;

    /// <inheritdoc/>
    public override string? Refusal => null;

    /// <inheritdoc/>
    public override string? Reasoning => null;

    /// <inheritdoc/>
    public override IReadOnlyList<ToolCall> ToolCalls => [];

    /// <inheritdoc/>
    public override string? StopReason => null;

    private protected override StopKind StopKindOfReason => StopKind.None;

    private protected override ReadOnlySpan<byte> UsageSpan => default;

    private protected override ReadOnlySpan<byte> ErrorSpan => default;

    private protected override void WriteJson(Utf8JsonWriter writer) => throw new NotImplementedException();
}

using System;

namespace StreamCore.Core;

/// <summary>The normalized stop kind of a raw stop or finish reason (<c>typed-protocols.md</c>, section 0).</summary>
internal static class StopKinds
{
    /// <summary>Maps a raw reason (escaped JSON string content, as stored) to its kind; empty is <see cref="StopKind.None"/>.</summary>
    public static StopKind FromReason(ReadOnlySpan<byte> reason) => reason.Length switch
    {
        0 => StopKind.None,
        _ when reason.SequenceEqual("stop"u8) || reason.SequenceEqual("end_turn"u8) || reason.SequenceEqual("stop_sequence"u8)
            || reason.SequenceEqual("completed"u8) => StopKind.Stop,
        _ when reason.SequenceEqual("length"u8) || reason.SequenceEqual("max_tokens"u8) || reason.SequenceEqual("max_output_tokens"u8)
            || reason.SequenceEqual("model_context_window_exceeded"u8) => StopKind.Length,
        _ when reason.SequenceEqual("tool_calls"u8) || reason.SequenceEqual("tool_use"u8) || reason.SequenceEqual("function_call"u8)
            || reason.SequenceEqual("toolCalls"u8) || reason.SequenceEqual("tool_call"u8) => StopKind.ToolCalls,
        _ when reason.SequenceEqual("content_filter"u8) => StopKind.ContentFilter,
        _ when reason.SequenceEqual("refusal"u8) => StopKind.Refusal,
        _ when reason.SequenceEqual("pause_turn"u8) => StopKind.Paused,
        _ when reason.SequenceEqual("error"u8) => StopKind.Error,
        _ => StopKind.Other,
    };
}

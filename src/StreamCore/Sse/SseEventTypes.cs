using System;
using System.Diagnostics.CodeAnalysis;

namespace StreamCore.Sse;

/// <summary>
/// Event types recognised without allocating a string: the WHATWG default and the names that the
/// typed protocols (OpenAI Responses, Anthropic Messages, Aitronos) send in <c>event:</c> lines.
/// Typed streams alternate between these, so one cached name would not do alone: the reader keeps
/// the last name as a fast path for runs of one name (<c>content_block_delta</c> after
/// <c>content_block_delta</c>) and looks here when the name changes.
/// </summary>
internal static class SseEventTypes
{
    public const string Message = "message";
    public const string Error = "error";
    public const string Ping = "ping";
    public const string Done = "done";
    public const string Delta = "delta";

    private static readonly string[] Known =
    [
        Message, Error, Ping, Done, Delta, "keepalive",

        // OpenAI Responses
        "response.created", "response.queued", "response.in_progress", "response.completed", "response.incomplete", "response.failed",
        "response.output_item.added", "response.output_item.done", "response.content_part.added", "response.content_part.done",
        "response.output_text.delta", "response.output_text.done", "response.output_text.annotation.added",
        "response.refusal.delta", "response.refusal.done", "response.function_call_arguments.delta", "response.function_call_arguments.done",
        "response.reasoning_text.delta", "response.reasoning_text.done", "response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
        "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
        "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
        "response.code_interpreter_call_code.delta", "response.code_interpreter_call_code.done",
        "response.code_interpreter_call.in_progress", "response.code_interpreter_call.interpreting", "response.code_interpreter_call.completed",
        "response.web_search_call.in_progress", "response.web_search_call.searching", "response.web_search_call.completed",
        "response.file_search_call.in_progress", "response.file_search_call.searching", "response.file_search_call.completed",
        "response.image_generation_call.in_progress", "response.image_generation_call.generating", "response.image_generation_call.partial_image",
        "response.image_generation_call.completed", "response.mcp_call_arguments.delta", "response.mcp_call_arguments.done",
        "response.mcp_call.in_progress", "response.mcp_call.completed", "response.mcp_call.failed",
        "response.mcp_list_tools.in_progress", "response.mcp_list_tools.completed", "response.mcp_list_tools.failed",
        "response.audio.delta", "response.audio.done", "response.audio.transcript.delta", "response.audio.transcript.done",
        "response.rate_limits.updated",

        // Anthropic Messages
        "message_start", "message_delta", "message_stop", "content_block_start", "content_block_delta", "content_block_stop",

        // Aitronos (the oldest generation names its events in event: lines)
        "response.processing", "response.context", "response.heartbeat", "response.content_delta", "response.block",
        "response.reasoning.started", "response.reasoning.delta", "response.reasoning.completed",
        "response.tool.started", "response.tool.done", "response.cancelled", "response.error",
        "reasoning.started", "reasoning.content", "reasoning.completed",
    ];

    // The known names by length, as UTF-8, for a lookup that compares few candidates.
    private static readonly (byte[] Utf8, string Name)[][] ByLength = BuildTable();

    /// <summary>Finds a well-known type: its shared string and its shared UTF-8 bytes.</summary>
    public static bool TryGetKnown(ReadOnlySpan<byte> value, [NotNullWhen(true)] out string? name, [NotNullWhen(true)] out byte[]? utf8)
    {
        if ((uint)value.Length < (uint)ByLength.Length)
        {
            foreach ((byte[] known, string knownName) in ByLength[value.Length])
            {
                if (value.SequenceEqual(known))
                {
                    name = knownName;
                    utf8 = known;
                    return true;
                }
            }
        }

        name = null;
        utf8 = null;
        return false;
    }

    private static (byte[] Utf8, string Name)[][] BuildTable()
    {
        int longest = 0;
        foreach (string name in Known)
        {
            longest = Math.Max(longest, name.Length);
        }

        var table = new (byte[] Utf8, string Name)[longest + 1][];
        for (int length = 0; length <= longest; length++)
        {
            table[length] = Array.ConvertAll(Array.FindAll(Known, n => n.Length == length), n => (System.Text.Encoding.UTF8.GetBytes(n), n));
        }

        return table;
    }
}

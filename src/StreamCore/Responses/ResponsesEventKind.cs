using System;
using System.Text;
using StreamCore.Core;

namespace StreamCore.Responses;

/// <summary>What an event of a Responses stream is, by its name (<c>typed-protocols.md</c>, section 1).</summary>
internal enum ResponsesEventKind : byte
{
    /// <summary>A name no rule knows: handed to consumers raw, changes nothing.</summary>
    Unknown,

    /// <summary><c>ping</c>, <c>keepalive</c>: no-ops.</summary>
    KeepAlive,

    /// <summary><c>response.created</c>, <c>queued</c>, <c>in_progress</c>: the envelope (rule 1).</summary>
    Lifecycle,

    /// <summary><c>response.completed</c> (rule 9).</summary>
    Completed,

    /// <summary><c>response.incomplete</c> (rule 9).</summary>
    Incomplete,

    /// <summary><c>response.failed</c> (rule 9).</summary>
    Failed,

    /// <summary><c>error</c> (rule 10).</summary>
    Error,

    ItemAdded,
    ItemDone,
    ContentPartAdded,
    ContentPartDone,
    SummaryPartAdded,
    SummaryPartDone,
    OutputTextDelta,
    OutputTextDone,
    RefusalDelta,
    RefusalDone,
    ReasoningTextDelta,
    ReasoningTextDone,
    SummaryTextDelta,
    SummaryTextDone,
    FunctionArgumentsDelta,
    FunctionArgumentsDone,
    McpArgumentsDelta,
    McpArgumentsDone,
    CustomInputDelta,
    CustomInputDone,
    CodeDelta,
    CodeDone,
    AnnotationAdded,

    /// <summary><c>response.&lt;tool&gt;_call.&lt;status&gt;</c> and <c>response.mcp_list_tools.&lt;status&gt;</c> (rule 7).</summary>
    ToolStatus,

    /// <summary>An event of another protocol (an Anthropic Messages <c>type</c>): malformed input (section 0).</summary>
    OtherProtocol,
}

/// <summary>Classifies event names without allocating.</summary>
internal static class ResponsesEventNames
{
    // The names after "response.", by length, so that a lookup compares few candidates.
    private static readonly (byte[] Name, ResponsesEventKind Kind)[][] ByLength = BuildTable(
    [
        ("created", ResponsesEventKind.Lifecycle),
        ("queued", ResponsesEventKind.Lifecycle),
        ("in_progress", ResponsesEventKind.Lifecycle),
        ("completed", ResponsesEventKind.Completed),
        ("incomplete", ResponsesEventKind.Incomplete),
        ("failed", ResponsesEventKind.Failed),
        ("output_item.added", ResponsesEventKind.ItemAdded),
        ("output_item.done", ResponsesEventKind.ItemDone),
        ("content_part.added", ResponsesEventKind.ContentPartAdded),
        ("content_part.done", ResponsesEventKind.ContentPartDone),
        ("reasoning_summary_part.added", ResponsesEventKind.SummaryPartAdded),
        ("reasoning_summary_part.done", ResponsesEventKind.SummaryPartDone),
        ("output_text.delta", ResponsesEventKind.OutputTextDelta),
        ("output_text.done", ResponsesEventKind.OutputTextDone),
        ("refusal.delta", ResponsesEventKind.RefusalDelta),
        ("refusal.done", ResponsesEventKind.RefusalDone),
        ("reasoning_text.delta", ResponsesEventKind.ReasoningTextDelta),
        ("reasoning_text.done", ResponsesEventKind.ReasoningTextDone),
        ("reasoning_summary_text.delta", ResponsesEventKind.SummaryTextDelta),
        ("reasoning_summary_text.done", ResponsesEventKind.SummaryTextDone),
        ("function_call_arguments.delta", ResponsesEventKind.FunctionArgumentsDelta),
        ("function_call_arguments.done", ResponsesEventKind.FunctionArgumentsDone),
        ("mcp_call_arguments.delta", ResponsesEventKind.McpArgumentsDelta),
        ("mcp_call_arguments.done", ResponsesEventKind.McpArgumentsDone),
        ("custom_tool_call_input.delta", ResponsesEventKind.CustomInputDelta),
        ("custom_tool_call_input.done", ResponsesEventKind.CustomInputDone),
        ("code_interpreter_call_code.delta", ResponsesEventKind.CodeDelta),
        ("code_interpreter_call_code.done", ResponsesEventKind.CodeDone),
        ("output_text.annotation.added", ResponsesEventKind.AnnotationAdded),
    ]);

    /// <summary>The kind of an event named <paramref name="name"/> (UTF-8, as the data's <c>type</c> or an SSE event name carries it).</summary>
    public static ResponsesEventKind Classify(ReadOnlySpan<byte> name)
    {
        if (!name.StartsWith("response."u8))
        {
            return name.Length switch
            {
                4 when name.SequenceEqual("ping"u8) => ResponsesEventKind.KeepAlive,
                5 when name.SequenceEqual("error"u8) => ResponsesEventKind.Error,
                9 when name.SequenceEqual("keepalive"u8) => ResponsesEventKind.KeepAlive,
                _ when ProtocolDetector.IsAnthropicType(name) => ResponsesEventKind.OtherProtocol,
                _ => ResponsesEventKind.Unknown,
            };
        }

        ReadOnlySpan<byte> rest = name["response."u8.Length..];
        ResponsesEventKind kind = ResponsesEventKind.Unknown;
        if ((uint)rest.Length < (uint)ByLength.Length)
        {
            foreach ((byte[] known, ResponsesEventKind knownKind) in ByLength[rest.Length])
            {
                if (rest.SequenceEqual(known))
                {
                    kind = knownKind;
                    break;
                }
            }
        }

        return kind == ResponsesEventKind.Unknown && IsToolStatus(rest, out _, out _) ? ResponsesEventKind.ToolStatus : kind;
    }

    /// <summary>The kind of an event named by an SSE <c>event:</c> line (a string, shared for well-known names).</summary>
    public static ResponsesEventKind Classify(string name)
    {
        if (name.Length > 128)
        {
            return ResponsesEventKind.Unknown; // no name of either protocol is that long
        }

        Span<byte> utf8 = stackalloc byte[128 * 3];
        return Classify(utf8[..Encoding.UTF8.GetBytes(name, utf8)]);
    }

    /// <summary>
    /// Rule 7: "Status events of hosted tools (<c>*_call.in_progress</c>, <c>.searching</c>,
    /// <c>.completed</c>, …, and <c>mcp_list_tools.*</c>) set the item's status." <paramref name="rest"/>
    /// is the name after <c>response.</c>: the tool (the item's type) and the status it sets.
    /// </summary>
    public static bool IsToolStatus(ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> itemType, out ReadOnlySpan<byte> status)
    {
        int dot = rest.IndexOf((byte)'.');
        itemType = dot < 0 ? default : rest[..dot];
        status = dot < 0 ? default : rest[(dot + 1)..];
        return dot > 0
            && (itemType.EndsWith("_call"u8) || itemType.SequenceEqual("mcp_list_tools"u8))
            && IsKnownStatus(status);
    }

    private static (byte[] Name, ResponsesEventKind Kind)[][] BuildTable((string Name, ResponsesEventKind Kind)[] names)
    {
        int longest = 0;
        foreach ((string name, _) in names)
        {
            longest = Math.Max(longest, name.Length);
        }

        var table = new (byte[] Name, ResponsesEventKind Kind)[longest + 1][];
        for (int length = 0; length <= longest; length++)
        {
            table[length] = Array.ConvertAll(Array.FindAll(names, n => n.Name.Length == length), n => (Encoding.ASCII.GetBytes(n.Name), n.Kind));
        }

        return table;
    }

    // Statuses only: another name under a tool (partial_image, a future delta) is an event of its own.
    private static bool IsKnownStatus(ReadOnlySpan<byte> status)
        => status.SequenceEqual("in_progress"u8) || status.SequenceEqual("searching"u8) || status.SequenceEqual("completed"u8)
            || status.SequenceEqual("interpreting"u8) || status.SequenceEqual("generating"u8) || status.SequenceEqual("failed"u8)
            || status.SequenceEqual("incomplete"u8);
}

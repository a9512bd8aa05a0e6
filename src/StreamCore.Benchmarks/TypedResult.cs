using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StreamCore.Benchmarks;

/// <summary>
/// What every method must agree on for a typed-protocol stream (and the generators' ground truth):
/// the normalized text, reasoning and refusal, and the application's tool calls in order.
/// </summary>
public sealed class TypedResult
{
    public string? Text { get; set; }

    public string? Reasoning { get; set; }

    public string? Refusal { get; set; }

    /// <summary>Function calls (Responses <c>function_call</c> / <c>custom_tool_call</c> items, Anthropic <c>tool_use</c> blocks) in order of first appearance.</summary>
    public List<ToolCallResult> ToolCalls { get; } = [];

    /// <summary>The provider's error object as JSON text, when the stream carried one.</summary>
    public string? Error { get; set; }

    /// <summary>
    /// Whether two argument texts mean the same: equal, or both valid JSON with the same value
    /// (the Anthropic SDK re-serializes a tool's input, so its spacing differs from the streamed text).
    /// </summary>
    public static bool SameArguments(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a == b)
        {
            return true;
        }

        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>
/// A slow, obviously-correct reading of a typed stream with <see cref="JsonDocument"/>, after
/// <c>typed-protocols.md</c>: the reference for the typed corpora in the self-check (the generated
/// workloads carry their own truth, which this reader must also reproduce). Text, refusal and
/// reasoning parts are joined in index order; a <c>.done</c> value replaces what the deltas built.
/// </summary>
internal static class TypedReferenceReader
{
    public static TypedResult Read(StreamProtocol protocol, byte[] body) => protocol switch
    {
        StreamProtocol.Responses => ReadResponses(body),
        StreamProtocol.AnthropicMessages => ReadAnthropic(body),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "not a typed protocol read here"),
    };

    private static IEnumerable<(string EventType, JsonElement Data)> Events(byte[] body)
    {
        foreach (SseItem<string> item in SseParser.Create(new MemoryStream(body, writable: false)).Enumerate())
        {
            if (string.IsNullOrWhiteSpace(item.Data) || item.Data == "[DONE]")
            {
                continue;
            }

            using var doc = JsonDocument.Parse(item.Data);
            JsonElement data = doc.RootElement.Clone();
            string type = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : item.EventType;
            yield return (type, data);
        }
    }

    // ---- Responses (typed-protocols.md section 1) -------------------------------------------

    private static TypedResult ReadResponses(byte[] body)
    {
        var text = new SortedDictionary<(int Item, int Part), string>();
        var refusal = new SortedDictionary<(int Item, int Part), string>();
        var reasoning = new SortedDictionary<(int Item, int Kind, int Part), string>();
        var calls = new SortedDictionary<int, ToolCallResult>();
        var result = new TypedResult();
        foreach ((string type, JsonElement data) in Events(body))
        {
            int item = Int(data, "output_index");
            int part = Int(data, "content_index");
            switch (type)
            {
                case "response.output_item.added" or "response.output_item.done":
                    ReadItem(item, data.GetProperty("item"), calls, type.EndsWith(".done", StringComparison.Ordinal));
                    break;
                case "response.output_text.delta":
                    Append(text, (item, part), Str(data, "delta"));
                    break;
                case "response.output_text.done":
                    text[(item, part)] = Str(data, "text");
                    break;
                case "response.refusal.delta":
                    Append(refusal, (item, part), Str(data, "delta"));
                    break;
                case "response.refusal.done":
                    refusal[(item, part)] = Str(data, "refusal");
                    break;
                case "response.reasoning_text.delta":
                    Append(reasoning, (item, 1, part), Str(data, "delta"));
                    break;
                case "response.reasoning_text.done":
                    reasoning[(item, 1, part)] = Str(data, "text");
                    break;
                case "response.reasoning_summary_text.delta":
                    Append(reasoning, (item, 0, Int(data, "summary_index")), Str(data, "delta"));
                    break;
                case "response.reasoning_summary_text.done":
                    reasoning[(item, 0, Int(data, "summary_index"))] = Str(data, "text");
                    break;
                case "response.function_call_arguments.delta" or "response.custom_tool_call_input.delta":
                    Call(calls, item).Arguments += Str(data, "delta");
                    break;
                case "response.function_call_arguments.done":
                    Call(calls, item).Arguments = Str(data, "arguments");
                    break;
                case "response.custom_tool_call_input.done":
                    Call(calls, item).Arguments = Str(data, "input");
                    break;
                case "error":
                    result.Error = (data.TryGetProperty("error", out JsonElement e) && e.ValueKind == JsonValueKind.Object ? e : data).GetRawText();
                    break;
                case "response.failed":
                    if (result.Error is null && data.GetProperty("response").TryGetProperty("error", out JsonElement failed) && failed.ValueKind == JsonValueKind.Object)
                    {
                        result.Error = failed.GetRawText();
                    }

                    return Finish(result, text, refusal, reasoning, calls);
                case "response.completed" or "response.incomplete":
                    return Finish(result, text, refusal, reasoning, calls);
            }
        }

        return Finish(result, text, refusal, reasoning, calls);
    }

    private static void ReadItem(int index, JsonElement item, SortedDictionary<int, ToolCallResult> calls, bool final)
    {
        string kind = Str(item, "type");
        if (kind is not ("function_call" or "custom_tool_call"))
        {
            return;
        }

        ToolCallResult call = Call(calls, index);
        call.Id ??= item.TryGetProperty("call_id", out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        call.Name ??= item.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
        string member = kind == "function_call" ? "arguments" : "input";
        if (item.TryGetProperty(member, out JsonElement arguments) && arguments.ValueKind == JsonValueKind.String && (final || call.Arguments.Length == 0))
        {
            call.Arguments = arguments.GetString()!;
        }
    }

    private static ToolCallResult Call(SortedDictionary<int, ToolCallResult> calls, int index)
    {
        if (!calls.TryGetValue(index, out ToolCallResult? call))
        {
            calls[index] = call = new ToolCallResult { Index = calls.Count };
        }

        return call;
    }

    private static TypedResult Finish<TKey, TKey2, TKey3>(TypedResult result, SortedDictionary<TKey, string> text, SortedDictionary<TKey2, string> refusal, SortedDictionary<TKey3, string> reasoning, SortedDictionary<int, ToolCallResult> calls)
        where TKey : notnull
        where TKey2 : notnull
        where TKey3 : notnull
    {
        result.Text = Join(text);
        result.Refusal = Join(refusal);
        result.Reasoning = Join(reasoning);
        result.ToolCalls.AddRange(calls.Values);
        return result;
    }

    // ---- Anthropic Messages (typed-protocols.md section 2) -----------------------------------

    private static TypedResult ReadAnthropic(byte[] body)
    {
        var blocks = new SortedDictionary<int, (string Kind, StringBuilder Text, ToolCallResult? Call, string? SeedInput)>();
        var result = new TypedResult();
        foreach ((string type, JsonElement data) in Events(body))
        {
            if (type == "message_stop")
            {
                break;
            }

            if (type == "error")
            {
                result.Error = (data.TryGetProperty("error", out JsonElement e) ? e : data).GetRawText();
                break;
            }

            int index = Int(data, "index");
            if (type == "content_block_start")
            {
                JsonElement block = data.GetProperty("content_block");
                string kind = Str(block, "type");
                ToolCallResult? call = kind == "tool_use"
                    ? new ToolCallResult { Index = blocks.Values.Count(b => b.Call is not null), Id = Str(block, "id"), Name = Str(block, "name") }
                    : null;
                string seed = kind switch
                {
                    "text" => Str(block, "text"),
                    "thinking" => Str(block, "thinking"),
                    _ => "",
                };
                blocks[index] = (kind, new StringBuilder(seed), call, block.TryGetProperty("input", out JsonElement input) ? input.GetRawText() : null);
            }
            else if (type == "content_block_delta" && blocks.TryGetValue(index, out var open))
            {
                JsonElement delta = data.GetProperty("delta");
                switch (Str(delta, "type"))
                {
                    case "text_delta":
                        open.Text.Append(Str(delta, "text"));
                        break;
                    case "thinking_delta":
                        open.Text.Append(Str(delta, "thinking"));
                        break;
                    case "input_json_delta":
                        open.Text.Append(Str(delta, "partial_json"));
                        break;
                }
            }
        }

        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        bool anyText = false, anyReasoning = false;
        foreach ((string kind, StringBuilder content, ToolCallResult? call, string? seedInput) in blocks.Values)
        {
            switch (kind)
            {
                case "text":
                    text.Append(content);
                    anyText = true;
                    break;
                case "thinking":
                    reasoning.Append(content);
                    anyReasoning = true;
                    break;
                case "tool_use":
                    // Rule 4: an empty input text keeps the seed's input.
                    call!.Arguments = content.Length == 0 ? seedInput ?? "{}" : content.ToString();
                    result.ToolCalls.Add(call);
                    break;
            }
        }

        result.Text = anyText ? text.ToString() : null;
        result.Reasoning = anyReasoning ? reasoning.ToString() : null;
        return result;
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static void Append<TKey>(SortedDictionary<TKey, string> parts, TKey key, string fragment)
        where TKey : notnull
        => parts[key] = parts.TryGetValue(key, out string? text) ? text + fragment : fragment;

    private static string? Join<TKey>(SortedDictionary<TKey, string> parts)
        where TKey : notnull
        => parts.Count == 0 ? null : string.Concat(parts.Values);

    private static int Int(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out JsonElement value) && value.TryGetInt32(out int i) ? i : 0;

    private static string Str(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace StreamCore.Benchmarks;

/// <summary>The plain result the baselines produce (and the generators' ground truth): strings per choice and tool call.</summary>
public sealed class AssembledResult
{
    public string? Id { get; set; }

    public string? Model { get; set; }

    public SortedDictionary<int, ChoiceResult> Choices { get; } = [];

    public int? TotalTokens { get; set; }

    public string? Error { get; set; }
}

public sealed class ChoiceResult
{
    public string? Role { get; set; }

    public string? Content { get; set; }

    public string? Refusal { get; set; }

    public string? Reasoning { get; set; }

    public string? FinishReason { get; set; }

    public int LogprobCount { get; set; }

    public List<ToolCallResult> ToolCalls { get; } = [];
}

public sealed class ToolCallResult
{
    public int Index { get; set; }

    public string? Id { get; set; }

    public string? Name { get; set; }

    public string Arguments { get; set; } = string.Empty;
}

/// <summary>Counts the events of a body with the framework's SSE parser (an independent count for the self-check and per-event numbers).</summary>
internal static class EventCounter
{
    public static int Count(byte[] body)
    {
        int count = 0;
        foreach (SseItem<int> item in SseParser.Create(new MemoryStream(body, writable: false), static (_, data) => data.Length).Enumerate())
        {
            count += item.Data >= 0 ? 1 : 0;
        }

        return count;
    }
}

/// <summary>
/// A slow, obviously-correct reading of a stream with <see cref="JsonDocument"/>, used as the
/// reference for corpus streams in the self-check (the generated workloads carry their own truth).
/// Choices by index, tool calls by (choice index, tool index), strings concatenated.
/// </summary>
internal static class ReferenceReader
{
    public static AssembledResult Read(byte[] body)
    {
        var result = new AssembledResult();
        var content = new Dictionary<int, StringBuilder?>();
        foreach (SseItem<string> item in SseParser.Create(new MemoryStream(body, writable: false)).Enumerate())
        {
            if (item.Data == "[DONE]")
            {
                break;
            }

            if (item.EventType == "error")
            {
                result.Error = item.Data;
                break;
            }

            using var doc = JsonDocument.Parse(item.Data);
            JsonElement root = doc.RootElement;
            if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("total_tokens", out JsonElement total))
            {
                result.TotalTokens = total.GetInt32();
            }

            if (root.TryGetProperty("choices", out JsonElement choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement choice in choices.EnumerateArray())
                {
                    int index = choice.TryGetProperty("index", out JsonElement i) ? i.GetInt32() : 0;
                    if (!result.Choices.TryGetValue(index, out ChoiceResult? acc))
                    {
                        result.Choices[index] = acc = new ChoiceResult();
                    }

                    if (choice.TryGetProperty("finish_reason", out JsonElement finish) && finish.ValueKind == JsonValueKind.String && finish.GetString() is { Length: > 0 } reason)
                    {
                        acc.FinishReason = reason;
                    }

                    if (choice.TryGetProperty("logprobs", out JsonElement lp) && lp.ValueKind == JsonValueKind.Object
                        && lp.TryGetProperty("content", out JsonElement lpContent) && lpContent.ValueKind == JsonValueKind.Array)
                    {
                        acc.LogprobCount += lpContent.GetArrayLength();
                    }

                    if (choice.TryGetProperty("delta", out JsonElement delta) && delta.ValueKind == JsonValueKind.Object)
                    {
                        ReadDelta(delta, acc);
                    }
                }
            }

            if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind != JsonValueKind.Null)
            {
                result.Error = error.GetRawText();
                break;
            }
        }

        return result;
    }

    private static void ReadDelta(JsonElement delta, ChoiceResult acc)
    {
        if (delta.TryGetProperty("role", out JsonElement role) && role.ValueKind == JsonValueKind.String)
        {
            acc.Role ??= role.GetString();
        }

        if (delta.TryGetProperty("content", out JsonElement content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                acc.Content += content.GetString();
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement part in content.EnumerateArray())
                {
                    if (part.TryGetProperty("text", out JsonElement text) && text.ValueKind == JsonValueKind.String)
                    {
                        acc.Content += text.GetString();
                    }
                }

                acc.Content ??= string.Empty;
            }
        }

        acc.Refusal = Concat(acc.Refusal, delta, "refusal");
        acc.Reasoning = Concat(acc.Reasoning, delta, "reasoning_content");
        acc.Reasoning = Concat(acc.Reasoning, delta, "reasoning");

        if (delta.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement call in calls.EnumerateArray())
            {
                int index = call.TryGetProperty("index", out JsonElement i) ? i.GetInt32() : 0;
                ToolCallResult? tool = acc.ToolCalls.Find(t => t.Index == index);
                if (tool is null)
                {
                    acc.ToolCalls.Add(tool = new ToolCallResult { Index = index });
                }

                if (call.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } idText)
                {
                    tool.Id ??= idText;
                }

                if (call.TryGetProperty("function", out JsonElement function) && function.ValueKind == JsonValueKind.Object)
                {
                    if (function.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } nameText)
                    {
                        tool.Name ??= nameText;
                    }

                    if (function.TryGetProperty("arguments", out JsonElement args) && args.ValueKind == JsonValueKind.String)
                    {
                        tool.Arguments += args.GetString();
                    }
                }
            }
        }
    }

    private static string? Concat(string? current, JsonElement delta, string name) =>
        delta.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? current + value.GetString() : current;
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StreamCore.Extensions.AI.Tests.TestSupport;

/// <summary>
/// What an application reads from a <see cref="ChatResponse"/>, one readable value per aspect, so that
/// two paths' responses to one stream can be set side by side and their differences named.
/// </summary>
internal static class ResponseFacts
{
    /// <summary>The aspects, in the order the side-by-side table shows them.</summary>
    public static readonly string[] Aspects = ["messages", "text", "reasoning", "toolCalls", "refusal", "error", "usage", "finish", "id", "model"];

    public static Dictionary<string, string> Of(ChatResponse response)
    {
        IEnumerable<AIContent> contents = response.Messages.SelectMany(m => m.Contents);
        return new Dictionary<string, string>
        {
            ["messages"] = response.Messages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["text"] = Quote(string.Concat(contents.OfType<TextContent>().Select(t => t.Text))),
            ["reasoning"] = Quote(string.Concat(contents.OfType<TextReasoningContent>().Select(t => t.Text))),
            ["toolCalls"] = "[" + string.Join(", ", contents.OfType<FunctionCallContent>().Select(Call)) + "]",
            ["refusal"] = Quote(string.Concat(contents.OfType<ErrorContent>().Where(e => e.ErrorCode == "Refusal").Select(e => e.Message))),
            ["error"] = contents.OfType<ErrorContent>().Any(e => e.ErrorCode != "Refusal")
                ? string.Join(" | ", contents.OfType<ErrorContent>().Where(e => e.ErrorCode != "Refusal").Select(e => Quote($"{e.ErrorCode}: {e.Message}")))
                : "(none)",
            ["usage"] = response.Usage is { } u ? $"in {Count(u.InputTokenCount)}, out {Count(u.OutputTokenCount)}, total {Count(u.TotalTokenCount)}, cached {Count(u.CachedInputTokenCount)}, reasoning {Count(u.ReasoningTokenCount)}" : "none",
            ["finish"] = response.FinishReason?.Value ?? "none",
            ["id"] = response.ResponseId ?? "none",
            ["model"] = response.ModelId ?? "none",
        };
    }

    /// <summary>A text shortened for a table cell: its length, and its start and end when long.</summary>
    public static string Quote(string text)
    {
        if (text.Length == 0)
        {
            return "(none)";
        }

        string oneLine = text.Replace("\n", "\\n", StringComparison.Ordinal);
        return oneLine.Length <= 48 ? $"\"{oneLine}\"" : $"{text.Length} chars \"{oneLine[..20]}…{oneLine[^20..]}\"";
    }

    private static string Count(long? count) => count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    private static string Call(FunctionCallContent call)
    {
        string arguments = call.Arguments is null
            ? $"unparsed ({call.Exception?.InnerException?.GetType().Name ?? "no arguments"})"
            : JsonSerializer.Serialize(call.Arguments.ToDictionary(p => p.Key, p => p.Value));
        return $"{call.Name}({arguments})";
    }
}

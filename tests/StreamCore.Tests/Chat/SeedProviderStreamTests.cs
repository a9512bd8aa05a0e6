using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Json;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>
/// WorkflowAI and Nexos.ai as they really stream (<c>seed-streams.md</c> sections 2 and 3): WorkflowAI's
/// frames as its server writes them (no <c>[DONE]</c>, role on every delta, null members dropped,
/// usage inside the final choice, tool calls whole in the final chunk, cumulative content with
/// <c>valid_json_chunks</c>, a bare error frame), and Nexos' usage with <c>nexos_credits_cost</c>.
/// </summary>
public class SeedProviderStreamTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const string RunId = "default/0199f0c2-7c2e-7a51-9d3f-aa52b0e6c1d4";

    /// <summary>One WorkflowAI frame: <c>"data: " + model_dump_json(exclude_none=True) + "\n\n"</c> of a chunk with one choice.</summary>
    private static string Frame(JsonObject choice, long created = 1760000000)
        => "data: " + new JsonObject
        {
            ["id"] = RunId,
            ["choices"] = new JsonArray(choice),
            ["created"] = created,
            ["model"] = "gpt-4o",
            ["object"] = "chat.completion.chunk",
        }.ToJsonString(Relaxed) + "\n\n";

    private static JsonObject Delta(string? content = null, JsonArray? toolCalls = null)
    {
        var delta = new JsonObject();
        if (content is not null)
        {
            delta["content"] = content;
        }

        delta["role"] = "assistant"; // on every delta
        if (toolCalls is not null)
        {
            delta["tool_calls"] = toolCalls;
        }

        return delta;
    }

    private static JsonObject FinalChoice(JsonObject delta, string finish, JsonObject? usage) => new()
    {
        ["cost_usd"] = 0.001234,
        ["duration_seconds"] = 2.34,
        ["feedback_token"] = "fb_8YMnDbsifkBeAs814beb0dFOJdPeG_0",
        ["url"] = "https://workflowai.com/runs/0199f0c2",
        ["delta"] = delta,
        ["index"] = 0,
        ["usage"] = usage,
        ["finish_reason"] = finish,
    };

    private static JsonObject SeedExample(string file)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Corpus, "..", "seeds", file));
        int start = Array.IndexOf(lines, "{");
        int end = Array.FindLastIndex(lines, l => l.StartsWith('}'));
        return (JsonObject)JsonNode.Parse(string.Join('\n', lines[start..end]) + "\n}")!;
    }

    [Fact]
    public void WorkflowAiSeedRoundTripsFromTheFramesItsServerWrites()
    {
        JsonObject seed = SeedExample("workflowai-chat-completion-object.txt");
        JsonObject seedChoice = seed["choices"]![0]!.AsObject();
        string content = (string)seedChoice["message"]!["content"]!;
        JsonObject seedUsage = seed["usage"]!.AsObject();
        var streamed = new StringBuilder();
        foreach (string piece in new[] { content[..3], content[3..20], content[20..] })
        {
            streamed.Append(Frame(new JsonObject { ["delta"] = Delta(piece), ["index"] = 0 }, created: (long)seed["created"]!));
        }

        // "usage = {completion_tokens, prompt_tokens, total_tokens} inside the choice"; the final
        // choice's extras, and its id, say "<agent>/<run_id>".
        var usage = new JsonObject { ["completion_tokens"] = seedUsage["completion_tokens"]!.DeepClone(), ["prompt_tokens"] = seedUsage["prompt_tokens"]!.DeepClone(), ["total_tokens"] = seedUsage["total_tokens"]!.DeepClone() };
        JsonObject final = FinalChoice(Delta(), "stop", usage);
        final["cost_usd"] = seedChoice["cost_usd"]!.DeepClone();
        final["duration_seconds"] = seedChoice["duration_seconds"]!.DeepClone();
        final["feedback_token"] = seedChoice["feedback_token"]!.DeepClone();
        final.Remove("url"); // the seed predates the url member
        streamed.Append(Frame(final, created: (long)seed["created"]! + 1)); // no [DONE]: the body just ends
        string stream = streamed.ToString().Replace(RunId, (string)seed["id"]!, StringComparison.Ordinal).Replace("gpt-4o", (string)seed["model"]!, StringComparison.Ordinal);

        using ChatCompletionResult result = Assemble(stream);
        Assert.Equal(ChatStreamStatus.Complete, result.Status); // every choice finished
        JsonObject assembled = (JsonObject)JsonNode.Parse(result.ToJson())!;

        // Never streamed (seed-streams.md, 2.4): annotations, service_tier, system_fingerprint, the
        // usage details. They come out absent; everything else is the seed's object.
        JsonObject expected = (JsonObject)seed.DeepClone();
        expected["choices"]![0]!["message"]!.AsObject().Remove("annotations");
        expected.Remove("service_tier");
        expected.Remove("system_fingerprint");
        expected["usage"]!.AsObject().Remove("prompt_tokens_details");
        expected["usage"]!.AsObject().Remove("completion_tokens_details");
        Assert.True(JsonNode.DeepEquals(expected, assembled), $"expected: {expected.ToJsonString()}\nresult:   {assembled.ToJsonString()}");
        Assert.False(assembled["choices"]![0]!.AsObject().ContainsKey("usage")); // lifted to the top level
        Assert.Equal(new UsageCounts(1117, null, 46, null, 1163), result.Usage);
        Assert.Equal(seedChoice["feedback_token"]!.GetValue<string>(), (string?)assembled["choices"]![0]!["feedback_token"]);
    }

    [Fact]
    public void WorkflowAiToolCallsArriveWholeInTheFinalChunkWithEmptyArgumentsKeptEmpty()
    {
        var calls = new JsonArray(
            new JsonObject { ["index"] = 0, ["id"] = "1", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = "{\"location\": \"Tokyo\"}" } },
            new JsonObject { ["index"] = 1, ["id"] = "get_time_5f2a", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_time", ["arguments"] = "" } });
        string stream = Frame(FinalChoice(Delta(toolCalls: calls), "tool_calls", new JsonObject { ["completion_tokens"] = 20, ["prompt_tokens"] = 50, ["total_tokens"] = 70 }));
        using ChatCompletionResult result = Assemble(stream);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Equal(StopKind.ToolCalls, result.StopKind);
        Assert.Equal(["get_weather", "get_time"], result.ToolCalls.Select(c => c.Name));
        Assert.Equal("{\"location\": \"Tokyo\"}", result.ToolCalls[0].Arguments);
        Assert.Equal(JsonTextStatus.Valid, result.ToolCalls[0].ArgumentsStatus);
        Assert.Equal(string.Empty, result.ToolCalls[1].Arguments); // "" stays "", and says empty, never invalid
        Assert.Equal(JsonTextStatus.Empty, result.ToolCalls[1].ArgumentsStatus);
        JsonNode written = JsonNode.Parse(result.ToJson())!;
        Assert.Equal(string.Empty, (string?)written["choices"]![0]!["message"]!["tool_calls"]![1]!["function"]!["arguments"]);
        Assert.Equal(70, (int)written["usage"]!["total_tokens"]!);
    }

    [Fact]
    public void WorkflowAiCachedRunSendsEverythingInItsFinalChunk()
    {
        string stream = Frame(FinalChoice(Delta("The whole answer, from the cache."), "stop", new JsonObject { ["completion_tokens"] = 8, ["prompt_tokens"] = 9, ["total_tokens"] = 17 }));
        using ChatCompletionResult result = Assemble(stream);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Equal("The whole answer, from the cache.", result.Text);
        Assert.Equal(17, result.Usage.Total);
    }

    [Fact]
    public void WorkflowAiErrorFrameFailsTheStreamAndKeepsWhatCameBefore()
    {
        string stream = Frame(new JsonObject { ["delta"] = Delta("Partial "), ["index"] = 0 })
            + "data: {\"error\":{\"title\":\"Max tokens exceeded\",\"details\":{},\"message\":\"The model ran out of tokens\",\"status_code\":400,\"code\":\"max_tokens_exceeded\"}}\n\n";
        using ChatCompletionResult result = Assemble(stream);
        Assert.Equal(ChatStreamStatus.Failed, result.Status);
        Assert.True(result.HasProviderError);
        Assert.Equal(StopKind.Error, result.StopKind);
        Assert.Equal("Partial ", result.Text);
        Assert.Equal("max_tokens_exceeded", (string?)JsonNode.Parse(result.ErrorJson.Span)!["code"]);
    }

    [Fact]
    public async Task CumulativeContentReplacesAndItsUpdatesAnnounceWhatEachValueAdds()
    {
        // valid_json_chunks: "Hello", "Hello world", then the final chunk repeats it (a known extra chunk).
        string stream = Frame(new JsonObject { ["delta"] = Delta("{\"greeting\": \"Hello"), ["index"] = 0 })
            + Frame(new JsonObject { ["delta"] = Delta("{\"greeting\": \"Hello world\"}"), ["index"] = 0 })
            + Frame(new JsonObject { ["delta"] = Delta("{\"greeting\": \"Hello, world\"}"), ["index"] = 0 }) // rewrites what came before
            + Frame(FinalChoice(Delta("{\"greeting\": \"Hello, world\"}"), "stop", null));
        var options = new ChatStreamOptions { CumulativeContent = true };

        using (ChatCompletionResult appended = Assemble(stream))
        {
            Assert.StartsWith("{\"greeting\": \"Hello{\"greeting\"", appended.Text, StringComparison.Ordinal); // without the option: joined, as the rule says
        }

        var announced = new List<(string Text, bool Replaces)>();
        ChatCompletionResult? result = null;
        await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(new MemoryStream(Encoding.UTF8.GetBytes(stream)), options))
        {
            result = update.Completion;
            if (update.Kind == ChatUpdateKind.ContentDelta)
            {
                announced.Add((update.GetText(), update.IsReplacement));
            }
        }

        using (result)
        {
            Assert.Equal("{\"greeting\": \"Hello, world\"}", result!.Text);
            Assert.Equal(
                [("{\"greeting\": \"Hello", false), (" world\"}", false), ("{\"greeting\": \"Hello, world\"}", true)],
                announced);
            string rebuilt = announced.Aggregate(string.Empty, (text, update) => update.Replaces ? update.Text : text + update.Text);
            Assert.Equal(result.Text, rebuilt);
        }
    }

    [Fact]
    public void CumulativeContentIsTheCallersChoiceOnEveryEntryPoint()
    {
        string stream = WithDone("""{"choices":[{"delta":{"content":"ab"}}]}""", """{"choices":[{"delta":{"content":"abc"}}]}""");
        using (ChatCompletionResult joined = Assemble(stream))
        {
            Assert.Equal("ababc", joined.Text);
        }

        using (ChatCompletionResult cumulative = Assemble(stream, new ChatStreamOptions { CumulativeContent = true }))
        {
            Assert.Equal("abc", cumulative.Text);
        }

        using var assembler = new StreamAssembler(new StreamOptions { CumulativeContent = true });
        assembler.AppendData("""{"choices":[{"delta":{"content":"ab"}}]}"""u8);
        assembler.AppendData("""{"choices":[{"delta":{"content":"xyz"}}]}"""u8);
        using StreamResult pushed = assembler.Complete();
        Assert.Equal("xyz", pushed.Text);
    }

    [Fact]
    public void NexosStreamKeepsItsCreditsCostInTheUsage()
    {
        // OpenAI-shaped, through the Portkey gateway (ids start with "portkey-"); the usage-only chunk before [DONE].
        string stream = WithDone(
            """{"id":"portkey-7d1c","object":"chat.completion.chunk","created":1786000000,"model":"GPT 5.6 Sol","choices":[{"index":0,"delta":{"role":"assistant","content":"Bonjour"},"finish_reason":null}],"usage":null}""",
            """{"id":"portkey-7d1c","object":"chat.completion.chunk","created":1786000000,"model":"GPT 5.6 Sol","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}""",
            """{"id":"portkey-7d1c","object":"chat.completion.chunk","created":1786000000,"model":"GPT 5.6 Sol","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"nexos_credits_cost":0.0012345678901234567,"completion_tokens_details":{"reasoning_tokens":0},"prompt_tokens_details":{"cached_tokens":4}}}""");
        using ChatCompletionResult result = Assemble(stream);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        JsonNode written = JsonNode.Parse(result.ToJson())!;
        Assert.Contains("\"nexos_credits_cost\":0.0012345678901234567", result.ToJson(), StringComparison.Ordinal); // kept exactly as sent
        Assert.Equal(0.0012345678901234567m, written["usage"]!["nexos_credits_cost"]!.GetValue<decimal>());
        Assert.Equal(new UsageCounts(12, 4, 3, 0, 15), result.Usage);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamCore.Chat;
using StreamCore.Json;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>Every recorded stream of the corpus, checked against <see cref="CorpusOracle"/>, plus facts SOURCES.md names per file.</summary>
public class CorpusTests
{
    /// <summary>The one file whose reassembled arguments are not JSON (SOURCES.md, entry 22).</summary>
    private const string InvalidArgumentsFile = "copilot-claude-proxy-multi-tool-1.sse";

    private static readonly HashSet<string> ErrorFiles = ["groq-gptoss-tool-use-failed-error-event-1.sse", "openrouter-minimax-error-midstream-1.sse"];

    public static TheoryData<string> Files => CorpusTheory();

    [Fact]
    public void CorpusHasTheThirtyNineFilesOfSources()
    {
        Assert.Equal(39, CorpusFiles().Count());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void AssemblesToWhatTheOracleComputes(string file)
    {
        byte[] bytes = ReadCorpus(file);
        CorpusOracle oracle = CorpusOracle.Read(bytes);
        using ChatCompletionResult result = Assemble(bytes);
        JsonObject json = (JsonObject)JsonNode.Parse(result.ToJson())!;

        // Status: the two error files fail with the provider's error; every other file is complete.
        if (ErrorFiles.Contains(file))
        {
            Assert.Equal(ChatStreamStatus.Failed, result.Status);
            Assert.True(result.HasProviderError);
            Assert.True(JsonNode.DeepEquals(oracle.Error, JsonNode.Parse(result.ErrorJson.Span)), $"error: {Encoding.UTF8.GetString(result.ErrorJson.Span)}");
            Assert.True(JsonNode.DeepEquals(oracle.Error, json["error"]));
        }
        else
        {
            Assert.Null(oracle.Error);
            Assert.Equal(ChatStreamStatus.Complete, result.Status);
            Assert.False(json.ContainsKey("error"));
        }

        // Top level.
        Assert.Equal(string.IsNullOrEmpty(oracle.Id) ? null : oracle.Id, string.IsNullOrEmpty(result.Id) ? null : result.Id);
        Assert.Equal(string.IsNullOrEmpty(oracle.Model) ? null : oracle.Model, string.IsNullOrEmpty(result.Model) ? null : result.Model);
        Assert.Equal(oracle.Created, result.Created);
        Assert.Equal(string.IsNullOrEmpty(oracle.SystemFingerprint) ? null : oracle.SystemFingerprint, string.IsNullOrEmpty(result.SystemFingerprint) ? null : result.SystemFingerprint);
        Assert.Equal("chat.completion", (string?)json["object"]);
        Assert.False(json.ContainsKey("obfuscation"));
        if (oracle.Usage is not null)
        {
            Assert.True(JsonNode.DeepEquals(oracle.Usage, JsonNode.Parse(result.UsageJson.Span)), "usage is the last non-null usage");
            Assert.True(JsonNode.DeepEquals(oracle.Usage, json["usage"]));
        }
        else
        {
            Assert.True(result.UsageJson.IsEmpty);
            Assert.Null(json["usage"]);
        }

        foreach ((string name, JsonNode? value) in oracle.TopExtras)
        {
            Assert.True(json.ContainsKey(name), $"top-level member {name} kept");
            Assert.True(JsonNode.DeepEquals(value, json[name]), $"top-level member {name} is its last non-null value");
        }

        // Choices.
        Assert.Equal(oracle.Choices.Keys, result.Choices.Select(c => c.Index));
        Assert.Equal(oracle.Choices.Keys, json["choices"]!.AsArray().Select(c => (int)c!["index"]!));
        foreach (ChatChoice choice in result.Choices)
        {
            OracleChoice expected = oracle.Choices[choice.Index];
            JsonObject choiceJson = json["choices"]!.AsArray().Single(c => (int)c!["index"]! == choice.Index)!.AsObject();
            JsonObject message = choiceJson["message"]!.AsObject();
            string where = $"{file} choice {choice.Index}";

            Assert.Equal(expected.FinishReason, choice.FinishReason);
            Assert.Equal(expected.FinishReason, (string?)choiceJson["finish_reason"]);
            Assert.Equal(string.IsNullOrEmpty(expected.Role) ? null : expected.Role, string.IsNullOrEmpty(choice.Role) ? null : choice.Role);
            if (expected.ContentWasArray)
            {
                Assert.True(choice.HasContentParts, where);
                Assert.IsType<JsonArray>(message["content"]);
            }
            else
            {
                Assert.Equal(expected.Content?.ToString(), choice.Content);
                Assert.Equal(expected.Content?.ToString(), (string?)message["content"]);
            }

            Assert.Equal(expected.Refusal?.ToString(), choice.Refusal);
            Assert.Equal(expected.Refusal?.ToString(), (string?)message["refusal"]);
            foreach ((string name, StringBuilder text) in expected.Reasoning)
            {
                Assert.Equal(text.ToString(), choice.GetText(name));
                Assert.Equal(text.ToString(), (string?)message[name]);
            }

            Assert.Equal(expected.FunctionCallName, choice.FunctionCallName);
            Assert.Equal(expected.FunctionCallArguments?.ToString(), choice.FunctionCallArguments);

            foreach ((string name, JsonNode? value) in expected.Extras)
            {
                Assert.True(JsonNode.DeepEquals(value, choiceJson[name]), $"{where}: member {name} is its last non-null value");
            }

            // Tool calls, grouped by the oracle's own reading of section 7.
            Assert.Equal(expected.ToolCalls.Count, choice.ToolCalls.Count);
            JsonArray? callsJson = message["tool_calls"] as JsonArray;
            Assert.Equal(expected.ToolCalls.Count, callsJson?.Count ?? 0);
            for (int i = 0; i < expected.ToolCalls.Count; i++)
            {
                OracleToolCall call = expected.ToolCalls[i];
                ChatToolCall actual = choice.ToolCalls[i];
                Assert.Equal(call.Id, actual.Id);
                Assert.Equal(call.Name, actual.Name);
                Assert.Equal(call.Arguments.ToString(), actual.Arguments);
                Assert.Equal(call.Arguments.ToString(), (string?)callsJson![i]!["function"]!["arguments"]);
                Assert.False(callsJson[i]!.AsObject().ContainsKey("index"));
                Assert.True(actual.IsCompleted);
                bool parses = IsJson(call.Arguments.ToString());
                Assert.Equal(file != InvalidArgumentsFile, parses);
                Assert.Equal(parses ? JsonTextStatus.Valid : JsonTextStatus.Invalid, actual.ArgumentsStatus);
            }
        }
    }

    [Fact]
    public void CopilotClaudeProxyGivesTwoToolCallsThatShareIndexZero()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("copilot-claude-proxy-multi-tool-1.sse"));
        IReadOnlyList<ChatToolCall> calls = result.Choices[0].ToolCalls;
        Assert.Equal(["tooluse_448k6WHnTpS28K0Bd1bhgA", "tooluse_2SRF2HShTXOoLdGrjWuGiw"], calls.Select(c => c.Id));
        Assert.All(calls, c => Assert.Equal("edit_file", c.Name));
        Assert.All(calls, c => Assert.Equal(JsonTextStatus.Invalid, c.ArgumentsStatus)); // SOURCES.md: neither reassembles to JSON
        Assert.StartsWith("{\"filePath\":\"/Users/roblou/code/debugtest/test.js\"", calls[0].Arguments, StringComparison.Ordinal);
        Assert.StartsWith("\"filePath\":\"/Users/roblou/code/debugtest/server.js\"", calls[1].Arguments, StringComparison.Ordinal);
        Assert.Equal("tool_calls", result.Choices[0].FinishReason);
    }

    [Fact]
    public void GroqCompoundKeepsTheFirstNonEmptyIdNotTheFinalStub()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("groq-compound-executed-tools-1.sse"));
        Assert.Equal("chatcmpl-03ea1ed2-c2dc-4f8d-ba51-54e08ca9287c", result.Id);
        Assert.True(result.UsageJson.IsEmpty); // only x_groq.usage, no top-level usage
        Assert.False(result.GetMemberJson("x_groq").IsEmpty);
        Assert.StartsWith("<think>", result.Choices[0].Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public void TogetherSeedAboveTwoToThe53IsKeptExactly()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("together-hf-router-deepseek-r1-think-1.sse"));
        string json = result.ToJson();
        Assert.Contains("\"seed\":7228414683750928000", json, StringComparison.Ordinal);
        Assert.StartsWith("<think>", result.Choices[0].Content, StringComparison.Ordinal);
        JsonObject usage = (JsonObject)JsonNode.Parse(result.UsageJson.Span)!;
        Assert.Equal(0, (int)usage["cached_tokens"]!);
        Assert.Equal(955, (int)usage["completion_tokens"]!);
    }

    [Fact]
    public void SnowflakeEndsCompleteViaDoneWithoutAnyFinishReason()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("snowflake-cortex-claude-no-finish-reason-1.sse"));
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Null(result.Choices[0].FinishReason);
        Assert.Equal("claude-sonnet-4-6", result.Model);
        Assert.Equal("reasoning-text-1", (string?)JsonNode.Parse(result.ToJson())!["choices"]![0]!["message"]!["reasoning_details"]![0]!["id"]);

        // Without its [DONE], the same stream would be incomplete: no choice finished.
        byte[] bytes = ReadCorpus("snowflake-cortex-claude-no-finish-reason-1.sse");
        string text = Encoding.UTF8.GetString(bytes);
        using ChatCompletionResult cut = Assemble(text.Replace("data: [DONE]", ": no done", StringComparison.Ordinal));
        Assert.Equal(ChatStreamStatus.Incomplete, cut.Status);
        Assert.Equal(result.Choices[0].Content, cut.Choices[0].Content);
    }

    [Fact]
    public void PerplexityCitationsAndCumulativeUsageAreTheLastOnes()
    {
        byte[] bytes = ReadCorpus("perplexity-citations-1.sse");
        using ChatCompletionResult result = Assemble(bytes);
        JsonNode citations = JsonNode.Parse(result.GetMemberJson("citations").Span)!;
        Assert.NotEmpty(citations.AsArray());
        Assert.True(JsonNode.DeepEquals(CorpusOracle.Read(bytes).TopExtras["citations"], citations));
        Assert.Equal(336, (int)JsonNode.Parse(result.UsageJson.Span)!["completion_tokens"]!); // the last cumulative value, not the sum (1020)
        Assert.Equal("chat.completion", (string?)JsonNode.Parse(result.ToJson())!["object"]); // not "chat.completion.done"
    }

    [Fact]
    public void AzureFilterChunkDoesNotBlankIdModelOrCreated()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("azure-openai-tool-call-content-filter-1.sse"));
        Assert.StartsWith("chatcmpl-", result.Id, StringComparison.Ordinal);
        Assert.Equal("gpt-4o-mini-2024-07-18", result.Model);
        Assert.NotEqual(0, result.Created!.Value);
        Assert.False(result.GetMemberJson("prompt_filter_results").IsEmpty);
        Assert.Equal(JsonTextStatus.Valid, Assert.Single(result.Choices[0].ToolCalls).ArgumentsStatus);
    }

    [Fact]
    public void OpenAiModerationAfterUsageKeepsTheUsage()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("openai-gpt5-moderation-after-usage-1.sse"));
        Assert.False(result.UsageJson.IsEmpty);
        Assert.False(result.GetMemberJson("moderation").IsEmpty);
    }

    [Fact]
    public void OpenAiThreeChoicesAreListedAscendingEachFinished()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("openai-n3-choices-1.sse"));
        Assert.Equal([0, 1, 2], result.Choices.Select(c => c.Index));
        Assert.All(result.Choices, c => Assert.Equal("stop", c.FinishReason));
        Assert.All(result.Choices, c => Assert.True(IsJson(c.Content!)));
    }

    [Fact]
    public void MistralMagistralThinkingArrivesAsMergedContentParts()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("mistral-magistral-thinking-1.sse"));
        JsonArray parts = JsonNode.Parse(result.ToJson())!["choices"]![0]!["message"]!["content"]!.AsArray();
        Assert.Equal(["thinking", "text"], parts.Select(p => (string?)p!["type"]));
        Assert.Single(parts[0]!["thinking"]!.AsArray()); // the thinking text fragments joined into one text part
        Assert.Equal((string?)parts[1]!["text"], result.Choices[0].Content);
    }

    [Fact]
    public void LegacyFunctionCallArgumentsAreJson()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("copilot-legacy-function-call-1.sse"));
        Assert.Equal("function_call", result.Choices[0].FinishReason);
        Assert.NotNull(result.Choices[0].FunctionCallName);
        Assert.True(IsJson(result.Choices[0].FunctionCallArguments!));
    }

    [Fact]
    public void OpenRouterMinimaxErrorChunkIsMergedThenTheStreamFails()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("openrouter-minimax-error-midstream-1.sse"));
        Assert.Equal(ChatStreamStatus.Failed, result.Status);
        Assert.Equal(400, (int)JsonNode.Parse(result.ErrorJson.Span)!["code"]!);
        Assert.Equal("length", result.Choices[0].FinishReason);
        ChatProviderErrorException e = Assert.Throws<ChatProviderErrorException>(() => result.EnsureSuccess());
        Assert.Contains("Token limit reached", e.ErrorJson, StringComparison.Ordinal);
        Assert.Same(result, e.PartialResult);
    }

    [Fact]
    public void GroqErrorEventEndsTheStreamFailed()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("groq-gptoss-tool-use-failed-error-event-1.sse"));
        Assert.Equal(ChatStreamStatus.Failed, result.Status);
        Assert.Equal("tool_use_failed", (string?)JsonNode.Parse(result.ErrorJson.Span)!["code"]);
        Assert.NotEmpty(result.Choices[0].Reasoning!);
    }

    [Fact]
    public void ParallelToolCallsOfOllamaAndOpenAiAreTwoValidCalls()
    {
        foreach (string file in new[] { "ollama-qwen-parallel-tool-calls-1.sse", "openai-parallel-tools-1.sse" })
        {
            using ChatCompletionResult result = Assemble(ReadCorpus(file));
            Assert.Equal(2, result.Choices[0].ToolCalls.Count);
            Assert.All(result.Choices[0].ToolCalls, c => Assert.Equal(JsonTextStatus.Valid, c.ArgumentsStatus));
            Assert.Equal(2, result.Choices[0].ToolCalls.Select(c => c.Id).Distinct().Count());
        }
    }

    [Fact]
    public void VllmFingerprintThatOnlyTheUsageChunkCarriesIsKept()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("vllm-crusoe-llama-text-usage-1.sse"));
        Assert.StartsWith("vllm-0.24.0-tp4-", result.SystemFingerprint, StringComparison.Ordinal);
    }

    [Fact]
    public void XaiCreatedIsTheFirstNonZeroEvenThoughItChangesMidStream()
    {
        byte[] bytes = ReadCorpus("xai-grok-reasoning-tool-call-1.sse");
        List<long> created = CorpusOracle.ParseEvents(Encoding.UTF8.GetString(bytes))
            .Where(e => e.Data.StartsWith('{'))
            .Select(e => JsonNode.Parse(e.Data)!["created"])
            .Where(c => c is not null)
            .Select(c => (long)c!)
            .ToList();
        Assert.True(created.Distinct().Count() > 1, "the fixture changes created mid-stream");
        using ChatCompletionResult result = Assemble(bytes);
        Assert.Equal(created[0], result.Created);
    }

    private static bool IsJson(string text)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

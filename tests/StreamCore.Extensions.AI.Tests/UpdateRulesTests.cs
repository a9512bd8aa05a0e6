using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StreamCore.Chat;
using StreamCore.Extensions.AI.Tests.TestSupport;

namespace StreamCore.Extensions.AI.Tests;

/// <summary>
/// The points, each on a small stream written for it: usage once, tool calls whole,
/// refusal, provider errors, ids, the first choice only, and what identifies every update.
/// </summary>
public class UpdateRulesTests
{
    [Fact]
    public async Task UsageRepeatedOnEveryChunkGoesOutOnceWithTheLastUpdate()
    {
        // Perplexity's habit: cumulative usage on every chunk. MEAI adds up every UsageContent.
        byte[] stream = Fixtures.Chat(
            """{"id":"c1","model":"m","created":1700000000,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}],"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}""",
            """{"id":"c1","model":"m","created":1700000000,"choices":[{"index":0,"delta":{"content":"lo"}}],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}""",
            """{"id":"c1","model":"m","created":1700000000,"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":1}}}""");
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        UsageContent usage = Assert.Single(updates.All<UsageContent>());
        Assert.Contains(usage, updates[^1].Contents);
        ChatResponse joined = updates.ToChatResponse();
        Assert.Equal((10L, 3L, 13L, 4L, 1L), (joined.Usage!.InputTokenCount, joined.Usage.OutputTokenCount, joined.Usage.TotalTokenCount, joined.Usage.CachedInputTokenCount, joined.Usage.ReasoningTokenCount));
        Assert.Equal("Hello", joined.Text);
        Assert.Equal(ChatFinishReason.Stop, joined.FinishReason);
    }

    [Fact]
    public async Task ChatToolCallsGoOutWholeWithArgumentsParsed()
    {
        byte[] stream = Fixtures.Chat(
            """{"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{\"zone\""}}]}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":":\"CET\"}"}}]}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""");
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        Assert.All(updates.SkipLast(1), u => Assert.Empty(u.Contents.OfType<FunctionCallContent>()));
        FunctionCallContent[] calls = [.. updates[^1].Contents.OfType<FunctionCallContent>()];
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => c.Name));
        Assert.Equal("Paris", ((JsonElement)calls[0].Arguments!["city"]!).GetString());
        Assert.Equal("CET", ((JsonElement)calls[1].Arguments!["zone"]!).GetString());
        Assert.Equal("{\"city\":\"Paris\"}", Assert.IsType<ToolCall>(calls[0].RawRepresentation, exactMatch: false).Arguments);
        ChatResponse joined = updates.ToChatResponse();
        Assert.Equal(2, joined.Messages[0].Contents.OfType<FunctionCallContent>().Count());
        Assert.Equal(ChatFinishReason.ToolCalls, joined.FinishReason);
    }

    [Fact]
    public async Task AnthropicToolUseGoesOutWhenItsBlockStops()
    {
        byte[] stream = Fixtures.Named(
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"lookup","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"q\":"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"x\"}"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}"""),
            ("message_stop", """{"type":"message_stop"}"""));
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        Assert.Equal(2, updates.Count);
        FunctionCallContent call = Assert.IsType<FunctionCallContent>(Assert.Single(updates[0].Contents));
        Assert.Equal(("toolu_1", "lookup", "x"), (call.CallId, call.Name, ((JsonElement)call.Arguments!["q"]!).GetString()));
        Assert.Empty(updates[1].Contents.OfType<FunctionCallContent>());
        ChatResponse joined = updates.ToChatResponse();
        Assert.Equal(ChatFinishReason.ToolCalls, joined.FinishReason);
        Assert.Equal((5L, 9L), (joined.Usage!.InputTokenCount, joined.Usage.OutputTokenCount));
        Assert.Equal("claude-x", joined.ModelId);
    }

    [Fact]
    public async Task RefusalIsOneErrorContentAsMeaisOwnConversionGivesIt()
    {
        byte[] stream = Fixtures.Chat(
            """{"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{"refusal":"I can't"}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{"refusal":" help."}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        ErrorContent refusal = Assert.Single(updates.All<ErrorContent>());
        Assert.Equal(("I can't help.", "Refusal"), (refusal.Message, refusal.ErrorCode));
        Assert.Empty(updates.All<TextContent>());
        Assert.Equal(ChatResponseText.Write(await Fixtures.AssembleAsync(stream)), ChatResponseText.Write(updates.ToChatResponse()));
    }

    [Fact]
    public async Task ProviderErrorMidStreamIsAnErrorContentAndNoFinishReason()
    {
        byte[] stream = Fixtures.Chat(
            """{"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"error":{"message":"Token limit reached","code":400,"metadata":{"provider":"x"}}}""");
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        ErrorContent error = Assert.Single(updates.All<ErrorContent>());
        Assert.Equal(("Token limit reached", "400"), (error.Message, error.ErrorCode));
        Assert.Equal("""{"message":"Token limit reached","code":400,"metadata":{"provider":"x"}}""", error.Details);
        ChatResponse joined = updates.ToChatResponse();
        Assert.Equal("Partial", joined.Text);
        Assert.Null(joined.FinishReason); // failed, not finished: the error says why it ended
        StreamResult result = Assert.IsType<StreamResult>(updates[^1].RawRepresentation, exactMatch: false);
        Assert.Equal(StreamStatus.Failed, result.Status);
    }

    [Fact]
    public async Task AnErrorEventWhoseDataIsNotJsonIsItsOwnMessage()
    {
        byte[] stream = System.Text.Encoding.UTF8.GetBytes("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\nevent: error\ndata: upstream went away\n\n");
        ErrorContent error = Assert.Single((await Fixtures.UpdatesAsync(stream)).All<ErrorContent>());
        Assert.Equal("upstream went away", error.Message);
        Assert.Null(error.ErrorCode);
    }

    [Fact]
    public async Task OnlyTheFirstChoiceIsTheMessageTheOthersStayInTheResult()
    {
        byte[] stream = Fixtures.Chat(
            """{"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":"A"}},{"index":1,"delta":{"role":"assistant","content":"B"}}]}""",
            """{"id":"c1","choices":[{"index":2,"delta":{"role":"assistant","content":"C"}}]}""",
            """{"id":"c1","choices":[{"index":1,"delta":{"content":"b"},"finish_reason":"stop"},{"index":0,"delta":{"content":"a"},"finish_reason":"stop"},{"index":2,"delta":{"content":"c"},"finish_reason":"stop"}]}""");
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        Assert.Equal(["A", "a"], updates.All<TextContent>().Select(t => t.Text));
        ChatResponse assembled = await Fixtures.AssembleAsync(stream);
        Assert.Equal("Aa", assembled.Text);
        var completion = Assert.IsType<ChatCompletionResult>(assembled.RawRepresentation);
        Assert.Equal(["Aa", "Bb", "Cc"], completion.Choices.Select(c => c.Content));
        Assert.Equal(ChatResponseText.Write(assembled), ChatResponseText.Write(updates.ToChatResponse()));
    }

    [Fact]
    public async Task EveryUpdateCarriesTheFirstIdTheModelTheCreatedTimeAndTheResult()
    {
        // Groq compound sends a new id on every chunk: MEAI would start a message at each one.
        byte[] stream = Fixtures.Chat(
            """{"id":"first","model":"llama","created":1700000000,"choices":[{"index":0,"delta":{"role":"assistant","reasoning":"think"}}]}""",
            """{"id":"second","model":"llama","created":1700000001,"choices":[{"index":0,"delta":{"content":"Hi"}}]}""",
            """{"id":"stub","model":"llama","created":1700000002,"choices":[{"index":0,"delta":{"content":"!"},"finish_reason":"stop"}]}""");
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        Assert.Equal(4, updates.Count); // reasoning, two texts, the last
        StreamResult result = Assert.IsType<StreamResult>(updates[0].RawRepresentation, exactMatch: false);
        Assert.All(updates, u =>
        {
            Assert.Equal(("first", "first", "llama"), (u.MessageId, u.ResponseId, u.ModelId));
            Assert.Equal(ChatRole.Assistant, u.Role);
            Assert.Equal(System.DateTimeOffset.FromUnixTimeSeconds(1700000000), u.CreatedAt);
            Assert.Same(result, u.RawRepresentation);
        });
        ChatResponse joined = updates.ToChatResponse();
        ChatMessage message = Assert.Single(joined.Messages);
        Assert.Equal("think", Assert.IsType<TextReasoningContent>(message.Contents[0]).Text);
        Assert.Equal("Hi!", Assert.IsType<TextContent>(message.Contents[1]).Text);
        result.Dispose(); // the consumer's to dispose
    }

    [Fact]
    public async Task ArgumentsThatAreNotAJsonObjectAreKeptUnparsedWithTheException()
    {
        byte[] stream = Fixtures.Chat(
            """{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","function":{"name":"f","arguments":"{\"a\":1}{\"b\":2}"}}]}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","function":{"name":"g","arguments":""}}]},"finish_reason":"tool_calls"}]}""");
        FunctionCallContent[] calls = [.. (await Fixtures.UpdatesAsync(stream)).All<FunctionCallContent>()];
        Assert.Null(calls[0].Arguments);
        Assert.IsType<JsonException>(calls[0].Exception!.InnerException, exactMatch: false);
        Assert.Equal("{\"a\":1}{\"b\":2}", ((ToolCall)calls[1 - 1].RawRepresentation!).Arguments);
        Assert.Empty(calls[1].Arguments!); // no arguments: an empty object, not an error
        Assert.Null(calls[1].Exception);
    }

    [Fact]
    public async Task ACutStreamEndsWithoutAFinishReasonAndMalformedInputThrowsWithThePartialResult()
    {
        byte[] cut = System.Text.Encoding.UTF8.GetBytes("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hal\"}}]}\n\n");
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(cut);
        Assert.Null(updates[^1].FinishReason);
        Assert.Equal(StreamStatus.Incomplete, ((StreamResult)updates[^1].RawRepresentation!).Status);
        Assert.Equal("Hal", updates.ToChatResponse().Text);

        byte[] malformed = System.Text.Encoding.UTF8.GetBytes("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hal\"}}]}\n\ndata: {not json\n\n");
        StreamFormatException error = await Assert.ThrowsAsync<ChatStreamFormatException>(() => Fixtures.UpdatesAsync(malformed));
        Assert.Equal(2, error.EventNumber);
        Assert.Equal("Hal", error.PartialResult.Text);
    }

    [Fact]
    public async Task AnHttpAnswerThatIsNotAnEventStreamThrowsTheProvidersError()
    {
        using var response = new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests)
        {
            Content = new System.Net.Http.StringContent("""{"error":{"message":"slow down","type":"rate_limit"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        StreamProviderErrorException error = await Assert.ThrowsAsync<StreamProviderErrorException>(async () =>
        {
            await foreach (ChatResponseUpdate update in StreamCoreChat.ReadUpdatesAsync(response))
            {
                Assert.Fail($"no update expected: {update}");
            }
        });
        Assert.Equal(429, (int?)error.StatusCode);
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    [InlineData("pause_turn", "pause_turn")]
    [InlineData("model_context_window_exceeded", "length")]
    [InlineData("a_reason_from_the_future", "a_reason_from_the_future")]
    public async Task AnthropicStopReasonsBecomeMeaiFinishReasons(string stopReason, string finishReason)
    {
        byte[] stream = Fixtures.Named(
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}"""),
            ("message_delta", $$$"""{"type":"message_delta","delta":{"stop_reason":"{{{stopReason}}}"},"usage":{"output_tokens":2}}"""),
            ("message_stop", """{"type":"message_stop"}"""));
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        Assert.Equal(finishReason, Assert.Single(updates).FinishReason?.Value);
        Assert.Equal(finishReason, (await Fixtures.AssembleAsync(stream)).FinishReason?.Value);
    }

    [Fact]
    public async Task ASurrogatePairEscapedAcrossTwoChunksIsOneCharacterOnlyInTheAssembledResponse()
    {
        // A known limit: each update's text is decoded on its own (StreamUpdate.GetText), so the
        // halves of a pair escaped in two chunks show as two U+FFFD there; the assembled text joins them.
        byte[] stream = Fixtures.Chat(
            """{"id":"c1","choices":[{"index":0,"delta":{"content":"smile \ud83d"}}]}""",
            """{"id":"c1","choices":[{"index":0,"delta":{"content":"\ude42!"},"finish_reason":"stop"}]}""");
        Assert.Equal("smile \uFFFD\uFFFD!", (await Fixtures.UpdatesAsync(stream)).ToChatResponse().Text);
        Assert.Equal("smile \U0001F642!", (await Fixtures.AssembleAsync(stream)).Text);
    }
}

using System;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>Assembly rules sections 2 ("Which events are chunks") and 8 ("How a stream ends").</summary>
public class StreamEndTests
{
    private const string Hello = """{"id":"c1","choices":[{"index":0,"delta":{"content":"Hel"}}]}""";
    private const string Lo = """{"choices":[{"index":0,"delta":{"content":"lo"}}]}""";
    private const string Stop = """{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""";

    [Fact]
    public void DoneEndsTheStreamAndEverythingAfterItIsIgnored()
    {
        // After [DONE] come a chunk, an error event and malformed data: none of them counts.
        string input = WithDone(Hello, Lo) + Events("""{"choices":[{"delta":{"content":"!"}}]}""") + "event: error\ndata: {\"error\":1}\n\n" + "data: [1]\n\n";
        using ChatCompletionResult result = Assemble(input);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Equal("Hello", result.Choices[0].Content);
        Assert.False(result.HasProviderError);
        Assert.Null(result.Choices[0].FinishReason);
        Assert.Equal(3, result.EventCount);
    }

    [Fact]
    public void DoneNeedsTheExactBytes()
    {
        // "[DONE] " is not the terminator: it is data that is not a JSON object.
        ChatStreamFormatException e = AssembleMalformed(Events(Hello) + "data: [DONE] \n\n" + Events(Lo));
        Assert.Equal(2, e.EventNumber);
        Assert.Equal("Hel", e.PartialResult!.Choices[0].Content);
    }

    [Fact]
    public void ErrorEventTakesTheDataErrorMember()
    {
        string input = Events(Hello) + "event: error\ndata: {\"error\":{\"code\":\"tool_use_failed\",\"n\":12345678901234567890},\"status\":400}\n\n" + Events(Lo);
        using ChatCompletionResult result = Assemble(input);
        Assert.Equal(ChatStreamStatus.Failed, result.Status);
        Assert.True(result.HasProviderError);
        Assert.Equal("""{"code":"tool_use_failed","n":12345678901234567890}""", Encoding.UTF8.GetString(result.ErrorJson.Span));
        Assert.Equal("Hel", result.Choices[0].Content); // accumulated content kept, nothing after the error read
        Assert.Equal(
            """{"id":"c1","object":"chat.completion","created":null,"model":null,"choices":[{"index":0,"message":{"role":null,"content":"Hel","refusal":null},"logprobs":null,"finish_reason":null}],"error":{"code":"tool_use_failed","n":12345678901234567890}}""",
            result.ToJson());
    }

    [Fact]
    public void ErrorEventWithoutErrorMemberTakesTheWholeData()
    {
        using ChatCompletionResult result = Assemble(Events(Hello) + "event: error\ndata: {\"message\":\"overloaded\",\"type\":\"server\"}\n\n");
        Assert.Equal(ChatStreamStatus.Failed, result.Status);
        Assert.Equal("""{"message":"overloaded","type":"server"}""", Encoding.UTF8.GetString(result.ErrorJson.Span));
    }

    [Fact]
    public void ErrorEventWhoseDataIsNotJsonTakesItAsAJsonString()
    {
        using ChatCompletionResult result = Assemble(Events(Hello) + "event: error\ndata: upstream \"timeout\"\n\n");
        Assert.Equal(ChatStreamStatus.Failed, result.Status);
        Assert.Equal("upstream \"timeout\"", JsonNode.Parse(result.ErrorJson.Span)!.GetValue<string>());
        Assert.Equal("upstream \"timeout\"", JsonNode.Parse(result.ToJson())!["error"]!.GetValue<string>());
    }

    [Fact]
    public void ChunkWithErrorIsMergedAndNothingAfterItIsRead()
    {
        string errorChunk = """{"choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"length"}],"usage":{"total_tokens":3},"error":{"code":400,"message":"Token limit reached"}}""";
        using ChatCompletionResult result = Assemble(WithDone(Hello, errorChunk, Lo));
        Assert.Equal(ChatStreamStatus.Failed, result.Status);
        Assert.True(result.HasProviderError);
        Assert.Equal("Hel there", result.Choices[0].Content); // the error chunk's own delta is merged
        Assert.Equal("length", result.Choices[0].FinishReason);
        Assert.Equal("""{"total_tokens":3}""", Encoding.UTF8.GetString(result.UsageJson.Span));
        Assert.Equal("""{"code":400,"message":"Token limit reached"}""", Encoding.UTF8.GetString(result.ErrorJson.Span));
        Assert.Throws<ChatProviderErrorException>(() => result.EnsureSuccess());
    }

    [Fact]
    public void NullErrorMemberIsNoProviderError()
    {
        using ChatCompletionResult result = Assemble(WithDone(Hello, """{"choices":[],"error":null}""", Lo));
        Assert.False(result.HasProviderError);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Equal("Hello", result.Choices[0].Content);
    }

    [Fact]
    public void KeepAlivesChangeNothing()
    {
        string plain = WithDone(Hello, Lo, Stop);
        string noisy = ": comment\n\n" + Events(Hello) + "event: ping\ndata: {\"choices\":[{\"delta\":{\"content\":\"PING\"}}]}\n\n"
            + "data:\n\n" + "data\n\n" + ": OPENROUTER PROCESSING\n\n" + Events(Lo) + "event: ping\ndata: not json\n\n" + Events(Stop) + "data: [DONE]\n\n";
        Assert.Equal(AssembleJson(plain), AssembleJson(noisy));
        using ChatCompletionResult result = Assemble(noisy);
        Assert.Equal("Hello", result.Choices[0].Content);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"choices\":[]")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    [InlineData("{\"a\":1}x")]
    [InlineData("not json")]
    public void NonObjectDataIsMalformedWithEventNumberOffsetAndPartialResult(string data)
    {
        string before = Events(Hello, """{"choices":[{"index":1,"delta":{"content":"other"}}]}""");
        string input = before + ": note\n\n" + $"data: {data}\n\n" + Events(Lo);
        ChatStreamFormatException e = AssembleMalformed(input);
        Assert.Equal(3, e.EventNumber);
        Assert.Equal(Encoding.UTF8.GetByteCount(before + ": note\n\n"), e.ByteOffset);
        Assert.Contains("event 3", e.Message, StringComparison.Ordinal);
        Assert.Contains($"byte offset {e.ByteOffset}", e.Message, StringComparison.Ordinal);
        using ChatCompletionResult partial = e.PartialResult!;
        Assert.Equal(ChatStreamStatus.Failed, partial.Status);
        Assert.Equal(["Hel", "other"], partial.Choices.Select(c => c.Content));
        Assert.Equal("c1", partial.Id);
    }

    [Theory]
    [InlineData("""{"choices":[{"index":0,"delta":{"x_obj":{"k":tru}}}]}""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"x_list":[{"index":0,"v":{"k":[1,}}]}}]}""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"more"},"x_choice":{"a":nul}}]}""")]
    [InlineData("""{"x_top":[1,2,,"choices":[]}""")]
    public void ValueMalformedHalfWayLeavesAWritablePartialResult(string chunk)
    {
        ChatStreamFormatException e = AssembleMalformed(Events(Hello, chunk));
        Assert.Equal(2, e.EventNumber);
        using ChatCompletionResult partial = e.PartialResult!;
        JsonNode json = JsonNode.Parse(partial.ToJson())!; // every member written is JSON
        Assert.StartsWith("Hel", (string?)json["choices"]![0]!["message"]!["content"], StringComparison.Ordinal);
        Assert.NotNull(JsonNode.Parse(partial.ToJson(indented: true)));
    }

    [Fact]
    public void WrongShapedChunksAreMalformed()
    {
        Assert.Equal(2, AssembleMalformed(Events(Hello, """{"choices":{"index":0}}""")).EventNumber);
        Assert.Equal(2, AssembleMalformed(Events(Hello, """{"choices":[1]}""")).EventNumber);
        Assert.Equal(2, AssembleMalformed(Events(Hello, """{"choices":[{"index":-1,"delta":{}}]}""")).EventNumber);
        Assert.Equal(2, AssembleMalformed(Events(Hello, """{"choices":[{"index":0,"delta":"x"}]}""")).EventNumber);
        Assert.Equal(2, AssembleMalformed(Events(Hello, """{"id":5}""")).EventNumber);
    }

    [Fact]
    public void DoneMakesItCompleteEvenWithoutFinishReason()
    {
        using ChatCompletionResult result = Assemble(WithDone(Hello, Lo));
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Null(result.Choices[0].FinishReason);
    }

    [Fact]
    public void EndOfInputAfterEveryChoiceFinishedIsComplete()
    {
        string two = """{"choices":[{"index":1,"delta":{"content":"b"},"finish_reason":"length"}]}""";
        using ChatCompletionResult result = Assemble(Events(Hello, Lo, two, Stop));
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
    }

    [Fact]
    public void EndOfInputWithAnUnfinishedChoiceIsIncompleteAndKeepsThePartialContent()
    {
        string two = """{"choices":[{"index":1,"delta":{"content":"b"}}]}""";
        using ChatCompletionResult result = Assemble(Events(Hello, Lo, Stop, two));
        Assert.Equal(ChatStreamStatus.Incomplete, result.Status);
        Assert.Equal("Hello", result.Choices[0].Content);
        Assert.Equal("b", result.Choices[1].Content);
    }

    [Fact]
    public void EndOfInputWithNoChoiceIsIncomplete()
    {
        using ChatCompletionResult result = Assemble(Events("""{"id":"x","choices":[]}"""));
        Assert.Equal(ChatStreamStatus.Incomplete, result.Status);
        Assert.Equal("x", result.Id);
    }

    [Fact]
    public void TruncatedBodyIsIncomplete()
    {
        // The last event is cut before its blank line: it is not dispatched.
        string input = Events(Hello) + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n";
        using ChatCompletionResult result = Assemble(input);
        Assert.Equal(ChatStreamStatus.Incomplete, result.Status);
        Assert.Equal("Hel", result.Choices[0].Content);
        Assert.Null(result.Choices[0].FinishReason);
    }

    [Fact]
    public void EmptyInputIsIncompleteWithTheMinimalShape()
    {
        using ChatCompletionResult result = Assemble(string.Empty);
        Assert.Equal(ChatStreamStatus.Incomplete, result.Status);
        Assert.Equal("""{"id":null,"object":"chat.completion","created":null,"model":null,"choices":[]}""", result.ToJson());
    }
}

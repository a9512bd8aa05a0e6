using System;
using System.Linq;
using System.Text;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>The limits of <see cref="ChatStreamOptions"/>: each breach names the limit, the event and the offset, and keeps what came before.</summary>
public class LimitTests
{
    private const string First = """{"id":"c","choices":[{"index":0,"delta":{"content":"kept"}}]}""";

    private static void AssertBreach(ChatStreamFormatException e, string limit, long eventNumber, string input, string faultyEventStart, string content = "kept")
    {
        Assert.Contains(limit, e.Message, StringComparison.Ordinal);
        Assert.Equal(eventNumber, e.EventNumber);
        Assert.Equal(Encoding.UTF8.GetByteCount(input[..input.IndexOf(faultyEventStart, StringComparison.Ordinal)]), e.ByteOffset);
        Assert.Contains($"event {eventNumber}, byte offset {e.ByteOffset}", e.Message, StringComparison.Ordinal);
        ChatCompletionResult partial = e.PartialResult!;
        Assert.Equal(ChatStreamStatus.Failed, partial.Status);
        Assert.Equal(content, partial.Choices[0].Content);
        Assert.Equal("c", partial.Id);
    }

    [Fact]
    public void LargestChoiceIndexAloneIsFineAndAllocatesNothingSizedByIt()
    {
        string input = WithDone("""{"choices":[{"index":2147483647,"delta":{"content":"far"},"finish_reason":"stop"}]}""");
        byte[] bytes = Utf8(input);
        Assemble(bytes).Dispose(); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        using ChatCompletionResult result = Assemble(bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 0, 64 * 1024); // an index-sized array would be gigabytes
        ChatChoice choice = Assert.Single(result.Choices);
        Assert.Equal(int.MaxValue, choice.Index);
        Assert.Equal("far", choice.Content);
        Assert.Contains("\"index\":2147483647", result.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void IndexBeyondInt32IsMalformed()
    {
        ChatStreamFormatException e = AssembleMalformed(Events(First, """{"choices":[{"index":2147483648,"delta":{}}]}"""));
        Assert.Equal(2, e.EventNumber);
        Assert.Equal("kept", e.PartialResult!.Choices[0].Content);
    }

    [Fact]
    public void MoreThanMaxChoicesIsMalformed()
    {
        // 128 distinct choices are allowed by default; the 129th is one too many.
        string[] chunks = Enumerable.Range(1, 128).Select(i => $$$"""{"choices":[{"index":{{{i * 3}}},"delta":{"content":"c{{{i}}}"}}]}""").ToArray();
        string fine = Events([First, .. chunks[..127]]);
        using (ChatCompletionResult result = Assemble(fine))
        {
            Assert.Equal(128, result.Choices.Count);
        }

        string input = Events([First, .. chunks]);
        ChatStreamFormatException e = AssembleMalformed(input);
        AssertBreach(e, "MaxChoices", 129, input, "data: " + chunks[127]);
        Assert.Equal(128, e.PartialResult!.Choices.Count);
    }

    [Fact]
    public void MaxChoicesIsConfigurable()
    {
        string input = Events(First, """{"choices":[{"index":1,"delta":{"content":"b"}},{"index":2,"delta":{"content":"c"}}]}""");
        ChatStreamFormatException e = AssembleMalformed(input, new ChatStreamOptions { MaxChoices = 2 });
        AssertBreach(e, "MaxChoices", 2, input, "data: {\"choices\":[{\"index\":1");
    }

    [Fact]
    public void MoreThanMaxToolCallsPerChoiceIsMalformed()
    {
        var options = new ChatStreamOptions { MaxToolCallsPerChoice = 3 };
        string[] calls = Enumerable.Range(0, 4).Select(i => $$$"""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":{{{i}}},"id":"call_{{{i}}}","function":{"name":"f","arguments":"{}"}}]}}]}""").ToArray();
        string input = Events([First, .. calls]);
        ChatStreamFormatException e = AssembleMalformed(input, options);
        AssertBreach(e, "MaxToolCallsPerChoice", 5, input, "data: " + calls[3]);
        Assert.Equal(["call_0", "call_1", "call_2"], e.PartialResult!.Choices[0].ToolCalls.Select(c => c.Id));
        Assert.All(e.PartialResult!.Choices[0].ToolCalls, c => Assert.Equal("{}", c.Arguments));
    }

    [Fact]
    public void MaxResultBytesCountsAssembledText()
    {
        var options = new ChatStreamOptions { MaxResultBytes = 10 };
        string input = Events(First, """{"choices":[{"index":0,"delta":{"content":"123"}}]}""", """{"choices":[{"index":0,"delta":{"content":"4567"}}]}""");
        ChatStreamFormatException e = AssembleMalformed(input, options);
        AssertBreach(e, "MaxResultBytes", 3, input, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4567", content: "kept123");
    }

    [Fact]
    public void MaxResultBytesCountsToolArgumentsAndArrays()
    {
        var options = new ChatStreamOptions { MaxResultBytes = 16 };
        string args = Events(First, """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{\"0123456789\":1}"}}]}}]}""");
        AssertBreach(AssembleMalformed(args, options), "MaxResultBytes", 2, args, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\"");
        string logprobs = Events(First, """{"choices":[{"index":0,"delta":{},"logprobs":{"content":[{"token":"abcdefghijklmnop"}]}}]}""");
        AssertBreach(AssembleMalformed(logprobs, options), "MaxResultBytes", 2, logprobs, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\"");
    }

    [Fact]
    public void MaxJsonDepthLimitsNesting()
    {
        var options = new ChatStreamOptions { MaxJsonDepth = 8 };
        string shallow = new string('[', 3) + new string(']', 3);
        string deep = new string('[', 9) + new string(']', 9);
        string fine = WithDone(First, $$"""{"x":{{shallow}},"choices":[]}""");
        using (ChatCompletionResult result = Assemble(fine, options))
        {
            Assert.Equal(ChatStreamStatus.Complete, result.Status);
        }

        string input = Events(First, $$"""{"x":{{deep}},"choices":[]}""");
        ChatStreamFormatException e = AssembleMalformed(input, options);
        AssertBreach(e, "MaxJsonDepth", 2, input, "data: {\"x\":[[");
    }
}

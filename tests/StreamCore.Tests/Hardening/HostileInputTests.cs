using System;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Sse;
using StreamCore.Tests.Transport;
using static StreamCore.Tests.Hardening.Inputs;

namespace StreamCore.Tests.Hardening;

/// <summary>Limits and hostile input: every breach names its limit and where, and keeps the partial result.</summary>
public class HostileInputTests
{
    private static readonly TimeSpan HangGuard = TransportTests.HangGuard;

    private static readonly string Before = Chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"kept \"},\"finish_reason\":null}")
        + Chunk("{\"index\":0,\"delta\":{\"content\":\"before\"},\"finish_reason\":null}");

    private static async Task<ChatStreamFormatException> MalformedAsync(byte[] input, ChatStreamOptions? options = null)
    {
        var error = await Assert.ThrowsAsync<ChatStreamFormatException>(async () => await TestCorpus.AssembleBytesAsync(input, options)).WaitAsync(HangGuard);
        Assert.NotNull(error.PartialResult);
        Assert.Equal(ChatStreamStatus.Failed, error.PartialResult.Status);
        Assert.InRange(error.ByteOffset, 0, input.Length);
        return error;
    }

    private static void AssertKeptBefore(ChatCompletionResult partial)
    {
        Assert.Equal("chatcmpl-h", partial.Id);
        Assert.Equal("hard", partial.Model);
        Assert.Equal("kept before", partial.Choices[0].Content);
        Assert.Equal("assistant", partial.Choices[0].Role);
    }

    private static async Task<ChatCompletionResult> AssembleAsync(string lfInput, ChatStreamOptions? options = null)
        => await TestCorpus.AssembleBytesAsync(Utf8(lfInput), options).AsTask().WaitAsync(HangGuard);

    private static JsonElement ParseMessage(ChatCompletionResult result, out JsonDocument document)
    {
        document = JsonDocument.Parse(result.ToJsonUtf8()); // throws if the output is not valid UTF-8 JSON
        return document.RootElement.GetProperty("choices")[0].GetProperty("message");
    }

    [Fact]
    public async Task EndlessEventStopsAtMaxEventSizeWithItsOffset()
    {
        const int Limit = 1024 * 1024;
        const int ValueLength = 1000;
        string line = "data: " + new string('y', ValueLength) + "\n";
        int prefix = Utf8(Before).Length;
        var input = new StringBuilder(Before);
        for (int i = 0; i < 2000; i++)
        {
            input.Append(line); // 2 MB of data lines and never a blank line
        }

        ChatStreamFormatException error = await MalformedAsync(Utf8(input.ToString()), new ChatStreamOptions { Sse = new SseReaderOptions { MaxEventSize = Limit } });

        // Data after k lines is k*1000 + (k-1) bytes: line k=1048 is the first to cross the limit.
        int k = 1048;
        long valueStart = prefix + ((long)(k - 1) * line.Length) + "data: ".Length;
        long dataBefore = ((long)(k - 1) * ValueLength) + (k - 2);
        long expectedOffset = valueStart + (Limit - dataBefore - 1);
        Assert.Contains("MaxEventSize", error.Message, StringComparison.Ordinal);
        Assert.Contains(Limit.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Equal(expectedOffset, error.ByteOffset);
        Assert.Equal(3, error.EventNumber);
        Assert.IsType<SseLimitExceededException>(error.InnerException);
        AssertKeptBefore(error.PartialResult!);
        error.PartialResult!.Dispose();
    }

    [Fact]
    public async Task TooManyChoicesNamesMaxChoicesAndKeepsTheFirst()
    {
        string input = string.Concat(Enumerable.Range(0, 5).Select(i => Chunk($"{{\"index\":{i * 10},\"delta\":{{\"content\":\"c{i}\"}},\"finish_reason\":null}}")));
        ChatStreamFormatException error = await MalformedAsync(Utf8(input), new ChatStreamOptions { MaxChoices = 4 });
        Assert.Contains("MaxChoices", error.Message, StringComparison.Ordinal);
        Assert.Contains("choice index 40", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, error.EventNumber);
        Assert.Equal(Utf8(input).Length - Utf8(Chunk($"{{\"index\":40,\"delta\":{{\"content\":\"c4\"}},\"finish_reason\":null}}")).Length, error.ByteOffset);
        using ChatCompletionResult partial = error.PartialResult!;
        Assert.Equal(new[] { 0, 10, 20, 30 }, partial.Choices.Select(c => c.Index));
        Assert.Equal(new[] { "c0", "c1", "c2", "c3" }, partial.Choices.Select(c => c.Content));
    }

    [Fact]
    public async Task TooManyToolCallsNamesMaxToolCallsPerChoice()
    {
        string input = string.Concat(Enumerable.Range(0, 4).Select(i =>
            Chunk($"{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"index\":{i},\"id\":\"call_{i}\",\"type\":\"function\",\"function\":{{\"name\":\"f{i}\",\"arguments\":\"{{}}\"}}}}]}},\"finish_reason\":null}}")));
        ChatStreamFormatException error = await MalformedAsync(Utf8(input), new ChatStreamOptions { MaxToolCallsPerChoice = 3 });
        Assert.Contains("MaxToolCallsPerChoice", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.EventNumber);
        using ChatCompletionResult partial = error.PartialResult!;
        Assert.Equal(new[] { "call_0", "call_1", "call_2" }, partial.Choices[0].ToolCalls.Select(c => c.Id));
        Assert.Equal(new[] { "f0", "f1", "f2" }, partial.Choices[0].ToolCalls.Select(c => c.Name));
        Assert.All(partial.Choices[0].ToolCalls, c => Assert.Equal("{}", c.Arguments));
    }

    [Fact]
    public async Task TooManyResultBytesNamesMaxResultBytes()
    {
        string piece = new('r', 100);
        string input = string.Concat(Enumerable.Range(0, 20).Select(_ => Content(piece)));
        ChatStreamFormatException error = await MalformedAsync(Utf8(input), new ChatStreamOptions { MaxResultBytes = 1000 });
        Assert.Contains("MaxResultBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("1000", error.Message, StringComparison.Ordinal);
        using ChatCompletionResult partial = error.PartialResult!;

        // Whole pieces only, and no more than the limit.
        string content = partial.Choices[0].Content!;
        Assert.Equal(0, content.Length % 100);
        Assert.InRange(content.Length, 800, 1000);
        Assert.Equal((content.Length / 100) + 1, error.EventNumber);
    }

    [Fact]
    public async Task HugeChoiceAndToolIndexesAllocateNothingSizedByThem()
    {
        byte[] input = Utf8(
            Chunk("{\"index\":2147483647,\"delta\":{\"role\":\"assistant\",\"content\":\"far\"},\"finish_reason\":null}")
            + Chunk("{\"index\":2147483647,\"delta\":{\"tool_calls\":[{\"index\":2147483647,\"id\":\"call_far\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}")
            + "data: [DONE]\n\n");
        using (await TestCorpus.AssembleBytesAsync(input))
        {
            // warm up: JIT and static caches
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<ChatCompletionResult> pending = TestCorpus.AssembleBytesAsync(input);
        Assert.True(pending.IsCompletedSuccessfully); // all on this thread, so the count below is all of it
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        using ChatCompletionResult result = await pending;

        Assert.InRange(allocated, 0, 64 * 1024);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        ChatChoice choice = Assert.Single(result.Choices);
        Assert.Equal(int.MaxValue, choice.Index);
        Assert.Equal("far", choice.Content);
        ChatToolCall call = Assert.Single(choice.ToolCalls);
        Assert.Equal("call_far", call.Id);
        Assert.Equal("{}", call.Arguments);
        Assert.Contains("\"index\":2147483647", result.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    [InlineData("\"0\"")]
    public async Task ChoiceIndexOutsideInt32IsMalformed(string index)
    {
        byte[] input = Utf8(Before + Chunk($"{{\"index\":{index},\"delta\":{{\"content\":\"x\"}},\"finish_reason\":null}}"));
        ChatStreamFormatException error = await MalformedAsync(input);
        Assert.Contains("non-negative 32-bit integer", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.EventNumber);
        Assert.Equal(Utf8(Before).Length, error.ByteOffset);
        AssertKeptBefore(error.PartialResult!);
    }

    [Fact]
    public async Task InvalidUtf8InContentIsKeptAndWrittenAsReplacementCharacters()
    {
        byte[] input = LineEndsBytes(
            Before,
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" a",
            new byte[] { 0xC3, 0x28, 0xFF, 0xED, 0xA0, 0x80 }, // bad continuation, 0xFF, an encoded surrogate
            "b\"},\"finish_reason\":\"stop\"}]}\n\n");
        using ChatCompletionResult result = await TestCorpus.AssembleBytesAsync(input);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        string content = result.Choices[0].Content!;
        Assert.StartsWith("kept before a\uFFFD(", content, StringComparison.Ordinal);
        Assert.EndsWith("b", content, StringComparison.Ordinal);
        Assert.DoesNotContain(content, c => char.IsSurrogate(c));
        JsonElement message = ParseMessage(result, out JsonDocument document);
        using (document)
        {
            Assert.Equal(content, message.GetProperty("content").GetString());
        }
    }

    [Fact]
    public async Task LoneSurrogateEscapeBecomesReplacementCharacter()
    {
        using ChatCompletionResult result = await AssembleAsync(Before + Content("[\\ud800]") + Content("<\\udc00>"));
        Assert.Equal("kept before[\uFFFD]<\uFFFD>", result.Choices[0].Content);
        JsonElement message = ParseMessage(result, out JsonDocument document);
        using (document)
        {
            Assert.Equal("kept before[\uFFFD]<\uFFFD>", message.GetProperty("content").GetString());
        }
    }

    [Fact]
    public async Task SurrogatePairSplitAcrossChunksJoins()
    {
        using ChatCompletionResult result = await AssembleAsync(Before + Content(" \\ud83d") + Content("\\ude00!"));
        Assert.Equal("kept before \ud83d\ude00!", result.Choices[0].Content);
        JsonElement message = ParseMessage(result, out JsonDocument document);
        using (document)
        {
            Assert.Equal("kept before \ud83d\ude00!", message.GetProperty("content").GetString());
        }
    }

    [Fact]
    public async Task EscapedNulIsKeptInText()
    {
        using ChatCompletionResult result = await AssembleAsync(Before + Content("a\\u0000b"));
        Assert.Equal("kept beforea\0b", result.Choices[0].Content);
        Assert.Contains("a\\u0000b", result.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data: {\"choices\":[]\0}\n\n")] // between tokens
    [InlineData("data: {\"choices\":[],\"x\":\"a\0b\"}\n\n")] // raw NUL inside a string is a control character
    [InlineData("data: \0{\"choices\":[]}\n\n")] // before the object
    public async Task RawNulInJsonIsMalformedAndKeepsTheResultSoFar(string evil)
    {
        ChatStreamFormatException error = await MalformedAsync(Utf8(Before + evil));
        Assert.Equal(3, error.EventNumber);
        Assert.Equal(Utf8(Before).Length, error.ByteOffset);
        AssertKeptBefore(error.PartialResult!);
    }

    [Fact]
    public async Task NulInEventIdAndCommentsChangesNothing()
    {
        using ChatCompletionResult result = await AssembleAsync(": \0\0\nid: a\0b\n" + Before + "data: [DONE]\n\n");
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Equal("kept before", result.Choices[0].Content);
    }

    [Fact]
    public async Task NumbersBeyond64BitsAreKeptExactly()
    {
        const string Big = "123456789012345678901234567890123456789";
        const string Tiny = "-1.000000000000000000000000000001e-400";
        using ChatCompletionResult result = await AssembleAsync(
            Chunk($"{{\"index\":0,\"delta\":{{\"content\":\"n\",\"x_weight\":{Tiny}}},\"x_score\":{Big},\"finish_reason\":\"stop\"}}", extra: $",\"seed\":{Big}"));
        string json = result.ToJson();
        Assert.Contains($"\"seed\":{Big}", json, StringComparison.Ordinal);
        Assert.Contains($"\"x_score\":{Big}", json, StringComparison.Ordinal);
        Assert.Contains($"\"x_weight\":{Tiny}", json, StringComparison.Ordinal);
        Assert.Equal(Big, Encoding.UTF8.GetString(result.GetMemberJson("seed").Span));
    }

    [Fact]
    public async Task NestingBeyondMaxJsonDepthIsMalformed()
    {
        const int Depth = 40;
        string deep = new string('[', Depth) + new string(']', Depth);
        var options = new ChatStreamOptions { MaxJsonDepth = 32 };
        ChatStreamFormatException error = await MalformedAsync(Utf8(Before + Chunk("{\"index\":0,\"delta\":{}}", extra: $",\"x_deep\":{deep}")), options);
        Assert.Equal(3, error.EventNumber);
        Assert.Equal(Utf8(Before).Length, error.ByteOffset);
        Assert.Contains("32", error.Message, StringComparison.Ordinal);
        Assert.Contains("depth", error.Message, StringComparison.OrdinalIgnoreCase);
        AssertKeptBefore(error.PartialResult!);

        // Within the limit the same value is kept verbatim.
        string fits = new string('[', 20) + new string(']', 20);
        using ChatCompletionResult result = await AssembleAsync(Before + Chunk("{\"index\":0,\"delta\":{}}", extra: $",\"x_deep\":{fits}"), options);
        Assert.Equal(fits, Encoding.UTF8.GetString(result.GetMemberJson("x_deep").Span));
    }

    [Fact]
    public async Task DefaultDepthLimitStopsAThousandLevels()
    {
        string deep = string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000);
        ChatStreamFormatException error = await MalformedAsync(Utf8(Before + Chunk("{\"index\":0,\"delta\":{}}", extra: $",\"x_deep\":{deep}")));
        Assert.Contains("64", error.Message, StringComparison.Ordinal);
        AssertKeptBefore(error.PartialResult!);
    }

    [Theory]
    [InlineData("{\"index\":0,\"delta\":{\"x_obj\":{\"k\":tru}}}")] // an unknown object member of the delta
    [InlineData("{\"index\":0,\"delta\":{\"x_list\":[{\"index\":0,\"a\":tru}]}}")] // an indexed array entry
    [InlineData("{\"index\":0,\"delta\":{\"x_list\":[{\"index\":0,\"a\":{\"b\":tru}}]}}")]
    [InlineData("{\"index\":0,\"delta\":{\"content\":\"x\"},\"x_choice\":tru}")]
    public async Task ChunkMalformedInsideAMemberLeavesAWritablePartialResult(string choice)
    {
        ChatStreamFormatException error = await MalformedAsync(Utf8(Before + Chunk(choice)));
        Assert.Equal(3, error.EventNumber);
        Assert.Equal(Utf8(Before).Length, error.ByteOffset);
        using ChatCompletionResult partial = error.PartialResult!;

        // "a caller can always get the partial result": it must also serialize, as valid JSON.
        using var document = JsonDocument.Parse(partial.ToJsonUtf8());
        Assert.StartsWith("kept before", document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    private static byte[] LineEndsBytes(params object[] pieces) => StreamCore.Tests.TestSupport.LineEnds.Bytes(pieces);
}

/// <summary>Endless input, whose memory use is measured: runs alone.</summary>
[Collection(MemoryMeasuringCollection.Name)]
public class EndlessInputTests
{
    private const int MaxLine = 1024 * 1024;
    private const long WriterCap = 64L * 1024 * 1024;

    [Fact]
    public async Task EndlessLineStopsAtMaxLineLengthWithBoundedMemory()
    {
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        byte[] prefix = Encoding.UTF8.GetBytes(Chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"kept\"},\"finish_reason\":null}") + "data: ");
        long written = 0;
        using var stop = new CancellationTokenSource(TransportTests.HangGuard);
        Task writer = Task.Run(async () =>
        {
            byte[] xs = new byte[64 * 1024];
            xs.AsSpan().Fill((byte)'x');
            await pipe.Writer.WriteAsync(prefix, stop.Token);
            written = prefix.Length;
            while (written < WriterCap)
            {
                FlushResult flushed = await pipe.Writer.WriteAsync(xs, stop.Token);
                Interlocked.Add(ref written, xs.Length);
                if (flushed.IsCompleted)
                {
                    break; // the reader is done
                }
            }

            await pipe.Writer.CompleteAsync();
        });

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var options = new ChatStreamOptions { Sse = new SseReaderOptions { MaxLineLength = MaxLine } };
        var error = await Assert.ThrowsAsync<ChatStreamFormatException>(async () => await ChatStream.AssembleAsync(pipe.Reader, options)).WaitAsync(TransportTests.HangGuard);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long memoryGrowth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        await pipe.Reader.CompleteAsync();
        await writer.WaitAsync(TransportTests.HangGuard);

        Assert.Contains("MaxLineLength", error.Message, StringComparison.Ordinal);
        Assert.Contains("1048576", error.Message, StringComparison.Ordinal);
        int lineStart = prefix.Length - "data: ".Length;
        Assert.Equal(lineStart + MaxLine, error.ByteOffset);
        Assert.Equal(2, error.EventNumber);
        using (ChatCompletionResult partial = error.PartialResult!)
        {
            Assert.Equal("kept", partial.Choices[0].Content);
        }

        // Stopped well before the writer's 64 MiB; the pipe holds back the writer at 64 KiB.
        long total = Interlocked.Read(ref written);
        Assert.InRange(total, MaxLine, 4L * 1024 * 1024);
        Assert.InRange(memoryGrowth, long.MinValue, 8L * 1024 * 1024);
        Assert.InRange(allocated, 0, 16L * 1024 * 1024);
        Console.WriteLine($"endless line (pipe): writer wrote {total} bytes, allocated {allocated} bytes, heap growth {memoryGrowth} bytes");
    }

    private static string Chunk(string choices) => Inputs.Chunk(choices);
}

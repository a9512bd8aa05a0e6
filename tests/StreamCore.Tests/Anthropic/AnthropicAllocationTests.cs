using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Anthropic;
using StreamCore.Tests.Chat;

namespace StreamCore.Tests.Anthropic;

/// <summary>
/// Exact allocation checks of the Anthropic per-event path, on the current thread. In-memory input
/// completes every read synchronously, so nothing here awaits and the thread never changes.
/// </summary>
[Collection(nameof(AllocationCollection))]
public class AnthropicAllocationTests
{
    private const int Small = 1_000;
    private const int Large = 2_000;

    /// <summary>A message with a thinking, a text and a tool block, each getting <paramref name="deltas"/> deltas (escapes included), pings between.</summary>
    private static byte[] Stream(int deltas, int textIndex = 1)
    {
        var text = new StringBuilder();
        void Add(string type, string data) => text.Append("event: ").Append(type).Append("\ndata: ").Append(data).Append("\n\n");
        Add("message_start", AnthropicTestSupport.Start);
        Add("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""");
        Add("content_block_start", $$$"""{"type":"content_block_start","index":{{{textIndex}}},"content_block":{"type":"text","text":""}}""");
        Add("content_block_start", """{"type":"content_block_start","index":5,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}""");
        Add("content_block_delta", """{"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":"{\"list\": ["}}""");
        for (int i = 0; i < deltas; i++)
        {
            Add("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"so \"this\" é "}}""");
            Add("content_block_delta", $$$"""{"type":"content_block_delta","index":{{{textIndex}}},"delta":{"type":"text_delta","text":"word \"q\" \u00e9 "}}""");
            Add("content_block_delta", """{"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":"\"a\\\"b\", "}}""");
            Add("ping", """{"type": "ping"}""");
        }

        Add("content_block_delta", """{"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":"0]}"}}""");
        Add("content_block_stop", """{"type":"content_block_stop","index":5}""");
        Add("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":99}}""");
        Add("message_stop", """{"type":"message_stop"}""");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static long MeasureAssemble(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<StreamResult> pending = ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)));
        Assert.True(pending.IsCompletedSuccessfully, "in-memory input completes synchronously");
        StreamResult result = pending.Result;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.IsType<AnthropicMessageResult>(result);
        result.Dispose(); // returns the pooled buffers for the next run
        return allocated;
    }

    /// <summary>Allocation of reading every update of <paramref name="input"/>; <paramref name="usages"/> counts the usage updates.</summary>
    private static long MeasureUpdates(byte[] input, out int deltas, out int usages)
    {
        deltas = 0;
        usages = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        IAsyncEnumerator<StreamUpdate> updates = ModelStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(input))).GetAsyncEnumerator();
        StreamResult? result = null;
        long bytes = 0;
        while (true)
        {
            ValueTask<bool> next = updates.MoveNextAsync();
            Assert.True(next.IsCompletedSuccessfully, "in-memory input completes synchronously");
            if (!next.Result)
            {
                break;
            }

            StreamUpdate update = updates.Current;
            if (update.Kind is StreamUpdateKind.ContentDelta or StreamUpdateKind.ReasoningDelta or StreamUpdateKind.ToolCallArgumentsDelta)
            {
                deltas++;
                bytes += update.Utf8Text.Length;
            }

            usages += update.Kind == StreamUpdateKind.Usage ? 1 : 0;

            result = update.Result;
        }

        ValueTask disposed = updates.DisposeAsync();
        Assert.True(disposed.IsCompletedSuccessfully);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bytes > 0);
        Assert.Equal(StreamStatus.Complete, result!.Status);
        result.Dispose();
        return allocated;
    }

    /// <summary>Warms both inputs up, then asserts that the larger one's updates allocate exactly what the smaller one's do, and the deltas each announced.</summary>
    private static void AssertUpdatesAllocateNothingMore(byte[] small, byte[] large, int smallDeltas, int largeDeltas, int extraUsages = 0)
    {
        for (int i = 0; i < 3; i++)
        {
            MeasureUpdates(small, out _, out _);
            MeasureUpdates(large, out _, out _);
        }

        long smallBytes = MeasureUpdates(small, out int smallAnnounced, out int smallUsages);
        long largeBytes = MeasureUpdates(large, out int largeAnnounced, out int largeUsages);
        Assert.Equal(smallDeltas, smallAnnounced);
        Assert.Equal(largeDeltas, largeAnnounced);
        Assert.Equal(extraUsages, largeUsages - smallUsages);
        Assert.Equal(0, largeBytes - smallBytes);
    }

    [Fact]
    public void ConsumingDeltaUpdatesAllocatesNothingPerEvent()
        => AssertUpdatesAllocateNothingMore(Stream(Small), Stream(Large), (3 * Small) + 2, (3 * Large) + 2);

    /// <summary>A text message whose usage is laid over by <paramref name="changes"/> <c>message_delta</c>s, each announced as a usage update.</summary>
    private static byte[] UsageStream(int changes)
    {
        var text = new StringBuilder();
        void Add(string type, string data) => text.Append("event: ").Append(type).Append("\ndata: ").Append(data).Append("\n\n");
        Add("message_start", AnthropicTestSupport.Start);
        Add("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        for (int i = 0; i < changes; i++)
        {
            Add("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"word "}}""");
            Add("message_delta", $$$$"""{"type":"message_delta","delta":{"stop_reason":null},"usage":{"output_tokens":{{{{10_000 + i}}}},"server_tool_use":{"web_search_requests":{{{{i % 10}}}}}}}""");
        }

        Add("content_block_stop", """{"type":"content_block_stop","index":0}""");
        Add("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":99}}""");
        Add("message_stop", """{"type":"message_stop"}""");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [Fact]
    public void UsageLaidOverAgainAndAgainAllocatesNothingPerChange()
    {
        // Each change is announced with the usage as laid over so far, written as JSON: the writer
        // and its buffer are the thread's, the JSON lands in the state's pooled buffer.
        AssertUpdatesAllocateNothingMore(UsageStream(Small), UsageStream(Large), Small, Large, extraUsages: Large - Small);
    }

    [Fact]
    public void AssembleAllocatesLessThan32BytesPerExtraEvent()
    {
        byte[] small = Stream(Small);
        byte[] large = Stream(Large);
        for (int i = 0; i < 3; i++)
        {
            MeasureAssemble(small);
            MeasureAssemble(large);
        }

        long smallBytes = MeasureAssemble(small);
        long largeBytes = MeasureAssemble(large);
        double perEvent = (largeBytes - smallBytes) / (4.0 * (Large - Small));
        Assert.True(perEvent < 32, $"{perEvent:F2} bytes per extra event ({smallBytes} for {Small}, {largeBytes} for {Large})");
    }

    [Fact]
    public void ABlockIndexOfIntMaxValueCostsWhatAnIndexOfThreeCosts()
    {
        byte[] three = Stream(Small, textIndex: 3);
        byte[] max = Stream(Small, textIndex: int.MaxValue);
        for (int i = 0; i < 3; i++)
        {
            MeasureAssemble(three);
            MeasureAssemble(max);
        }

        Assert.Equal(MeasureAssemble(three), MeasureAssemble(max));
    }
}

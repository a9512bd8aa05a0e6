using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Aitronos;
using StreamCore.Tests.Chat;

namespace StreamCore.Tests.Aitronos;

/// <summary>
/// Exact allocation checks of Aitronos' per-event path, measured on the current thread: a stream with
/// 2N delta events allocates what the same stream with N does, consuming its updates or assembling
/// it. In-memory input completes every read synchronously, so the thread never changes.
/// </summary>
[Collection(nameof(AllocationCollection))]
public class AllocationTests
{
    private const int Small = 1_000;
    private const int Large = 2_000;

    /// <summary>A stream of one generation: its head, <paramref name="deltas"/> delta events (each followed by a heartbeat in the current generation), its end.</summary>
    private static byte[] Stream(string generation, int deltas, int index = 0)
    {
        var text = new StringBuilder();
        switch (generation)
        {
            case "current":
                text.Append("data: {\"event\":\"response.processing\",\"status\":\"processing\",\"thread_id\":\"thrd_1\",\"message\":\"m\"}\n\n");
                text.Append("data: {\"event\":\"response.created\",\"status\":\"in_progress\",\"thread_id\":\"thrd_1\",\"org_id\":\"org_1\",\"trace_id\":\"t\"}\n\n");
                text.Append("data: {\"event\":\"response.reasoning.delta\",\"delta\":\"think \"}\n\n");
                for (int i = 0; i < deltas; i++)
                {
                    text.Append("data: {\"event\":\"response.content_delta\",\"delta\":\"word \\\"q\\\" \\u00e9 \"}\n\n");
                    text.Append("data: {\"event\":\"response.reasoning.delta\",\"delta\":\"more \"}\n\n");
                    text.Append("data: {\"event\":\"response.heartbeat\"}\n\n");
                }

                text.Append("data: {\"event\":\"response.completed\",\"status\":\"completed\",\"response_id\":\"resp_1\"}\n\ndata: [DONE]\n\n");
                break;
            case "previous":
                text.Append("event: response.created\ndata: {\"thread_id\":\"thread_1\",\"status\":\"in_progress\",\"is_summarized\":false}\n\n");
                for (int i = 0; i < deltas; i++)
                {
                    text.Append("event: response.content_delta\ndata: {\"delta\":\"word \\\"q\\\" \\u00e9 \"}\n\n");
                    text.Append("event: reasoning.content\ndata: {\"content\":\"more \"}\n\n");
                }

                text.Append("event: response.completed\ndata: {\"status\":\"completed\",\"response_id\":\"resp_1\"}\n\n");
                break;
            default:
                text.Append("event: response.created\ndata: {\"id\":\"resp_1\",\"status\":\"in_progress\"}\n\n");
                text.Append("event: response.output_item.added\ndata: {\"index\":0,\"item\":{\"type\":\"message\",\"role\":\"assistant\"}}\n\n");
                for (int i = 0; i < deltas; i++)
                {
                    text.Append($"event: response.output_text.delta\ndata: {{\"index\":{index},\"delta\":\"word \\\"q\\\" \\u00e9 \"}}\n\n");
                }

                text.Append("event: response.completed\ndata: {\"status\":\"completed\",\"usage\":{\"outputSynapses\":156}}\n\n");
                break;
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static long MeasureUpdates(byte[] input, out int deltas)
    {
        deltas = 0;
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
            if (update.Kind == StreamUpdateKind.ContentDelta)
            {
                deltas++;
                bytes += update.Utf8Text.Length;
            }

            result = update.Result;
        }

        ValueTask disposed = updates.DisposeAsync();
        Assert.True(disposed.IsCompletedSuccessfully);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bytes > 0);
        Assert.Equal(StreamStatus.Complete, result!.Status);
        result.Dispose(); // returns the pooled buffers for the next run
        return allocated;
    }

    private static long MeasureAssemble(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<StreamResult> pending = ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)));
        Assert.True(pending.IsCompletedSuccessfully, "in-memory input completes synchronously");
        StreamResult result = pending.Result;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.IsType<AitronosResult>(result);
        result.Dispose();
        return allocated;
    }

    public static TheoryData<string> Generations => new() { "current", "previous", "oldest" };

    [Theory]
    [MemberData(nameof(Generations))]
    public void ConsumingUpdatesAllocatesNothingPerDeltaEvent(string generation)
    {
        byte[] small = Stream(generation, Small);
        byte[] large = Stream(generation, Large);
        for (int i = 0; i < 3; i++)
        {
            MeasureUpdates(small, out _);
            MeasureUpdates(large, out _);
        }

        long smallBytes = MeasureUpdates(small, out int smallDeltas);
        long largeBytes = MeasureUpdates(large, out int largeDeltas);
        Assert.Equal(Small, smallDeltas);
        Assert.Equal(Large, largeDeltas);
        Assert.True(largeBytes == smallBytes, $"{generation}: {smallBytes} bytes for {Small} deltas, {largeBytes} for {Large}");
    }

    [Theory]
    [MemberData(nameof(Generations))]
    public void AssemblingAllocatesNothingPerDeltaEvent(string generation)
    {
        byte[] small = Stream(generation, Small);
        byte[] large = Stream(generation, Large);
        for (int i = 0; i < 3; i++)
        {
            MeasureAssemble(small);
            MeasureAssemble(large);
        }

        long smallBytes = MeasureAssemble(small);
        long largeBytes = MeasureAssemble(large);
        Assert.True(largeBytes == smallBytes, $"{generation}: {smallBytes} bytes for {Small} deltas, {largeBytes} for {Large}");
    }

    [Fact]
    public void AnIndexOfInt32MaxCostsWhatAnIndexOf3Costs()
    {
        // "Indexes are the peer's ... they never size an allocation."
        byte[] three = Stream("oldest", Small, index: 3);
        byte[] max = Stream("oldest", Small, index: int.MaxValue);
        for (int i = 0; i < 3; i++)
        {
            MeasureUpdates(three, out _);
            MeasureUpdates(max, out _);
        }

        long threeBytes = MeasureUpdates(three, out _);
        long maxBytes = MeasureUpdates(max, out _);
        Assert.True(threeBytes == maxBytes, $"index 3: {threeBytes} bytes, index {int.MaxValue}: {maxBytes}");
    }
}

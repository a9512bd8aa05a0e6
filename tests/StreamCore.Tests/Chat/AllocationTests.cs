using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Chat;

namespace StreamCore.Tests.Chat;

[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection
{
}

/// <summary>
/// Exact allocation checks of the per-event path, measured on the current thread. In-memory input
/// completes every read synchronously, so nothing here awaits and the thread never changes.
/// </summary>
[Collection(nameof(AllocationCollection))]
public class AllocationTests
{
    private const int Small = 1_000;
    private const int Large = 2_000;

    private static readonly byte[] Head = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-alloc","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}""");

    // A realistic content chunk: every top-level member repeated, escapes in the text.
    private static readonly byte[] Content = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-alloc","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"word \"q\" \u00e9 "},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"abc"}""");

    private static byte[] Stream(int contentChunks)
    {
        var text = new List<byte>();
        void Add(byte[] data)
        {
            text.AddRange("data: "u8.ToArray());
            text.AddRange(data);
            text.AddRange("\n\n"u8.ToArray());
        }

        Add(Head);
        for (int i = 0; i < contentChunks; i++)
        {
            Add(Content);
        }

        Add("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""u8.ToArray());
        Add("[DONE]"u8.ToArray());
        return text.ToArray();
    }

    private static long MeasureAssemble(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<ChatCompletionResult> pending = ChatStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)));
        Assert.True(pending.IsCompletedSuccessfully, "in-memory input completes synchronously");
        ChatCompletionResult result = pending.Result;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        result.Dispose(); // returns the pooled buffers for the next run
        return allocated;
    }

    private static long MeasureAppend(int contentChunks)
    {
        using var assembler = new ChatCompletionAssembler();
        assembler.AppendChunk(Head);
        assembler.AppendChunk(Content);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i < contentChunks; i++)
        {
            assembler.AppendChunk(Content);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(contentChunks * "word \"q\" é ".Length, assembler.Result.Choices[0].Content!.Length);
        return allocated;
    }

    private static long MeasureUpdates(byte[] input, out int deltas)
    {
        deltas = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        IAsyncEnumerator<ChatUpdate> updates = ChatStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(input))).GetAsyncEnumerator();
        ChatCompletionResult? result = null;
        long bytes = 0;
        while (true)
        {
            ValueTask<bool> next = updates.MoveNextAsync();
            Assert.True(next.IsCompletedSuccessfully, "in-memory input completes synchronously");
            if (!next.Result)
            {
                break;
            }

            ChatUpdate update = updates.Current;
            if (update.Kind == ChatUpdateKind.ContentDelta)
            {
                deltas++;
                bytes += update.Utf8Text.Length;
            }

            result = update.Completion;
        }

        ValueTask disposed = updates.DisposeAsync();
        Assert.True(disposed.IsCompletedSuccessfully);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bytes > 0);
        result!.Dispose();
        return allocated;
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
        double perEvent = (largeBytes - smallBytes) / (double)(Large - Small);
        Assert.True(perEvent < 32, $"{perEvent:F2} bytes per extra event ({smallBytes} for {Small}, {largeBytes} for {Large})");
    }

    [Fact]
    public void AppendingContentToAnExistingChoiceAllocatesNothing()
    {
        for (int i = 0; i < 3; i++)
        {
            MeasureAppend(Small);
            MeasureAppend(Large);
        }

        long smallBytes = MeasureAppend(Small);
        long largeBytes = MeasureAppend(Large);
        Assert.Equal(0, largeBytes - smallBytes);
        Assert.Equal(0, largeBytes);
    }

    [Fact]
    public void ConsumingContentUpdatesAllocatesNothingPerEvent()
    {
        byte[] small = Stream(Small);
        byte[] large = Stream(Large);
        for (int i = 0; i < 3; i++)
        {
            MeasureUpdates(small, out _);
            MeasureUpdates(large, out _);
        }

        long smallBytes = MeasureUpdates(small, out int smallDeltas);
        long largeBytes = MeasureUpdates(large, out int largeDeltas);
        Assert.Equal(Small, smallDeltas);
        Assert.Equal(Large, largeDeltas);
        Assert.Equal(0, largeBytes - smallBytes);
    }
}

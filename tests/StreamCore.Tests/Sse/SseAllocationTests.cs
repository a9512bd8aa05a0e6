using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Sse;
using Xunit.Sdk;

namespace StreamCore.Tests.Sse;

/// <summary>
/// Reading events allocates nothing per event: the bytes allocated while reading 2,000 events equal
/// those for 1,000 events, so whatever is allocated is a fixed cost. Runs apart from the parallel
/// tests, whose use of the shared array pool would otherwise show up as allocation here.
/// </summary>
[Collection(nameof(StreamCore.Tests.Chat.AllocationCollection))]
public class SseAllocationTests
{
    // Each event: a known type, a repeated id, one-line data (a slice of the pipe's buffer),
    // two-line data (copied), a repeated custom type, a comment and a retry.
    private const string Block =
        "event: delta\nid: 7\ndata: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n" +
        "data: first line\ndata: second line\n\n" +
        ": keep-alive\nretry: 3000\n" +
        "event: custom.kind\nid: 7\ndata: x\n\n" +
        "data: [DONE]\n\n";

    private const int EventsPerBlock = 4;

    private static byte[] Input(int events) => Encoding.UTF8.GetBytes(new StringBuilder().Insert(0, Block, events / EventsPerBlock).ToString());

    private static PipeReader InMemory(byte[] bytes) => PipeReader.Create(new ReadOnlySequence<byte>(bytes));

    // One pipe reused for every run, so that its own pool of segments has grown before measuring.
    private static readonly Pipe Reused = new(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 512));
    private static bool s_reusedOnce;

    private static PipeReader PrefilledPipe(byte[] bytes)
    {
        // Several segments: written 700 bytes at a time into small segments, so lines cross segment ends.
        if (s_reusedOnce)
        {
            Reused.Reset();
        }

        s_reusedOnce = true;
        for (int i = 0; i < bytes.Length; i += 700)
        {
            Reused.Writer.Write(bytes.AsSpan(i, Math.Min(700, bytes.Length - i)));
        }

        ValueTask<FlushResult> flushed = Reused.Writer.FlushAsync();
        Assert.True(flushed.IsCompletedSuccessfully);
        Reused.Writer.Complete();
        return Reused.Reader;
    }

    private static long AllocatedWhileReading(PipeReader pipe, int expectedEvents, SseReaderOptions options)
    {
        using var reader = new SseEventReader(pipe, options);
        long checksum = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (true)
        {
            ValueTask<bool> read = reader.ReadAsync();
            if (!read.IsCompletedSuccessfully)
            {
                throw new XunitException("an in-memory read did not complete synchronously");
            }

            if (!read.GetAwaiter().GetResult())
            {
                break;
            }

            checksum += reader.Current.Data.Length + reader.Current.EventType.Length;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        pipe.Complete();
        Assert.Equal(expectedEvents, reader.EventCount);
        Assert.True(checksum > 0);
        return allocated;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void NoAllocationPerEvent(bool prefilledPipe, bool reportComments)
    {
        var options = new SseReaderOptions { ReportComments = reportComments };
        byte[] small = Input(1000);
        byte[] large = Input(2000);
        Func<byte[], PipeReader> source = prefilledPipe ? PrefilledPipe : InMemory;

        // Warm up: JIT, tiering, the pool's buckets.
        for (int i = 0; i < 3; i++)
        {
            AllocatedWhileReading(source(small), 1000, options);
            AllocatedWhileReading(source(large), 2000, options);
        }

        long forSmall = AllocatedWhileReading(source(small), 1000, options);
        long forLarge = AllocatedWhileReading(source(large), 2000, options);
        Assert.Equal(0, forLarge - forSmall);
    }

    [Fact]
    public void TypedProtocolsEventNamesAreNamedWithoutAllocating()
    {
        // Typed streams name every event, and alternate between names: each must be a shared string.
        const string Typed =
            "event: response.output_item.added\ndata: {}\n\n" +
            "event: response.output_text.delta\ndata: {}\n\n" +
            "event: content_block_delta\ndata: {}\n\n" +
            "event: response.reasoning_summary_text.delta\ndata: {}\n\n" +
            "event: message_delta\ndata: {}\n\n" +
            "event: response.content_delta\ndata: {}\n\n" +
            "event: ping\ndata: {}\n\n" +
            "event: response.completed\ndata: {}\n\n";
        byte[] small = Encoding.UTF8.GetBytes(new StringBuilder().Insert(0, Typed, 125).ToString());
        byte[] large = Encoding.UTF8.GetBytes(new StringBuilder().Insert(0, Typed, 250).ToString());
        for (int i = 0; i < 3; i++)
        {
            AllocatedWhileReading(InMemory(small), 1000, SseReaderOptions.Default);
            AllocatedWhileReading(InMemory(large), 2000, SseReaderOptions.Default);
        }

        long forSmall = AllocatedWhileReading(InMemory(small), 1000, SseReaderOptions.Default);
        long forLarge = AllocatedWhileReading(InMemory(large), 2000, SseReaderOptions.Default);
        Assert.Equal(0, forLarge - forSmall);

        using var reader = new SseEventReader(InMemory(small));
        Assert.True(reader.ReadAsync().IsCompletedSuccessfully);
        Assert.Same("response.output_item.added", reader.Current.EventType); // the interned literal: no copy
    }
}

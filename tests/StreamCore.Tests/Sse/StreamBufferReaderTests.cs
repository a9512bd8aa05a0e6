using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Sse;

namespace StreamCore.Tests.Sse;

/// <summary>
/// The pipe that <see cref="Stream"/> entry points read through: one pooled array, reused from read
/// to read. It must keep the <see cref="PipeReader"/> contract for any caller, not only for the SSE
/// reader, which consumes every read to its end.
/// </summary>
public class StreamBufferReaderTests
{
    /// <summary>A stream that returns at most <c>chunk</c> bytes per read, as a network stream does.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data, writable: false)
    {
        public bool Disposed { get; private set; }

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(chunk, buffer.Length)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 7)).ToArray();

    [Theory]
    [InlineData(1, 16)]
    [InlineData(5, 16)]
    [InlineData(1000, 16)]
    [InlineData(37, 64)]
    public async Task ConsumingSomeOfEachReadStillDeliversEveryByteInOrder(int chunk, int readSize)
    {
        // The caller consumes one byte less than half of each read and examines everything, so the
        // reader must keep the rest, move it forward and grow when it fills the array.
        byte[] data = Bytes(5000);
        var reader = new StreamBufferReader(new TrickleStream(data, chunk), readSize, leaveOpen: false);
        using var received = new MemoryStream();
        while (true)
        {
            ReadResult result = await reader.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            long take = result.IsCompleted ? buffer.Length : Math.Max(0, (buffer.Length / 2) - 1);
            foreach (ReadOnlyMemory<byte> segment in buffer.Slice(0, take))
            {
                received.Write(segment.Span);
            }

            reader.AdvanceTo(buffer.GetPosition(take), buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        reader.Complete();
        Assert.Equal(data, received.ToArray());
    }

    [Fact]
    public async Task AReadAfterExaminingEverythingWaitsForNewBytes()
    {
        var reader = new StreamBufferReader(new TrickleStream(Bytes(10), 4), 16, leaveOpen: false);
        ReadResult first = await reader.ReadAsync();
        Assert.Equal(4, first.Buffer.Length);

        // Nothing consumed, everything examined: the next read must bring more, keeping the first four.
        reader.AdvanceTo(first.Buffer.Start, first.Buffer.End);
        ReadResult second = await reader.ReadAsync();
        Assert.Equal(Bytes(8), second.Buffer.ToArray());

        // Nothing examined: the same bytes come back without reading.
        reader.AdvanceTo(second.Buffer.Start);
        Assert.True(reader.TryRead(out ReadResult again));
        Assert.Equal(Bytes(8), again.Buffer.ToArray());
        reader.AdvanceTo(again.Buffer.End);
        Assert.False(reader.TryRead(out _));
        reader.Complete();
    }

    [Fact]
    public async Task TheEndOfTheStreamCompletesTheReadWithTheBytesLeft()
    {
        var reader = new StreamBufferReader(new TrickleStream(Bytes(3), 100), 16, leaveOpen: false);
        ReadResult first = await reader.ReadAsync();
        Assert.False(first.IsCompleted);
        reader.AdvanceTo(first.Buffer.Start, first.Buffer.End);

        ReadResult last = await reader.ReadAsync();
        Assert.True(last.IsCompleted);
        Assert.Equal(Bytes(3), last.Buffer.ToArray());
        reader.AdvanceTo(last.Buffer.End);

        ReadResult after = await reader.ReadAsync();
        Assert.True(after.IsCompleted);
        Assert.True(after.Buffer.IsEmpty);
        reader.Complete();
    }

    [Fact]
    public async Task CancelPendingReadCancelsTheNextReadOnce()
    {
        var reader = new StreamBufferReader(new TrickleStream(Bytes(8), 8), 16, leaveOpen: false);
        reader.CancelPendingRead();
        ReadResult cancelled = await reader.ReadAsync();
        Assert.True(cancelled.IsCanceled);
        reader.AdvanceTo(cancelled.Buffer.Start);

        ReadResult read = await reader.ReadAsync();
        Assert.False(read.IsCanceled);
        Assert.Equal(8, read.Buffer.Length);
        reader.Complete();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CompletingDisposesTheStreamUnlessLeftOpenAndEndsReading(bool leaveOpen)
    {
        var stream = new TrickleStream(Bytes(8), 8);
        var reader = new StreamBufferReader(stream, 16, leaveOpen);
        ReadResult read = await reader.ReadAsync();
        reader.AdvanceTo(read.Buffer.End);
        reader.Complete();
        reader.Complete(); // twice is harmless

        Assert.Equal(!leaveOpen, stream.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await reader.ReadAsync());
    }

    [Fact]
    public async Task APositionFromAnotherBufferIsRejected()
    {
        var reader = new StreamBufferReader(new TrickleStream(Bytes(8), 8), 16, leaveOpen: false);
        ReadResult read = await reader.ReadAsync();
        var foreign = new ReadOnlySequence<byte>(new byte[8]);

        Assert.Throws<InvalidOperationException>(() => reader.AdvanceTo(foreign.End));
        Assert.Throws<InvalidOperationException>(() => reader.AdvanceTo(read.Buffer.End, read.Buffer.Start));
        reader.Complete();
    }

    [Fact]
    public async Task AStalledStreamIsEndedByTheReadsToken()
    {
        var reader = new StreamBufferReader(new StalledStream(), 16, leaveOpen: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(cts.Token));
        reader.Complete();
    }

    [Fact]
    public async Task EventsReadThroughItMatchTheSameBytesReadThroughAPipe()
    {
        string text = string.Concat(Enumerable.Range(0, 300).Select(i => $"id: {i}\ndata: {new string('x', i % 50)}\ndata: line {i}\n\n"));
        byte[] input = Encoding.UTF8.GetBytes(text);

        foreach (int chunk in new[] { 1, 3, 17, 4096 })
        {
            using SseEventReader overStream = SseEventReader.Create(new TrickleStream(input, chunk), new SseReaderOptions { StreamReadSize = 64 });
            using var overPipe = new SseEventReader(PipeReader.Create(new ReadOnlySequence<byte>(input)));
            int count = 0;
            while (await overPipe.ReadAsync())
            {
                Assert.True(await overStream.ReadAsync());
                Assert.Equal(overPipe.Current.Data.ToArray(), overStream.Current.Data.ToArray());
                Assert.Equal(overPipe.Current.Offset, overStream.Current.Offset);
                count++;
            }

            Assert.False(await overStream.ReadAsync());
            Assert.Equal(300, count);
            Assert.Equal("299", overStream.LastEventId);
        }
    }

    /// <summary>A stream whose reads never complete unless cancelled, as a peer that stopped sending.</summary>
    private sealed class StalledStream : MemoryStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }
}

using System;
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Sse;
using StreamCore.Tests.TestSupport;

namespace StreamCore.Tests.Sse;

/// <summary>Cancellation while waiting for data, and the release of pooled memory.</summary>
public class SseCancellationTests
{
    private static async Task WriteAsync(PipeWriter writer, string text)
    {
        await writer.WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public async Task TokenCancelsAReadWaitingForData()
    {
        var pipe = new Pipe(PipeFeed.CreateOptions());
        using var reader = new SseEventReader(pipe.Reader);
        using var cancel = new CancellationTokenSource();

        // A partial line first, so the reader holds pooled memory while it waits.
        _ = WriteAsync(pipe.Writer, "data: partial");
        ValueTask<bool> pending = reader.ReadAsync(cancel.Token);
        await WaitUntilAsync(() => reader.BytesConsumed == 13);
        Assert.False(pending.IsCompleted);
        Assert.True(reader.HoldsPooledMemory);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);

        reader.Dispose();
        Assert.False(reader.HoldsPooledMemory);
        await pipe.Writer.CompleteAsync();
        await pipe.Reader.CompleteAsync();
    }

    [Fact]
    public async Task AlreadyCancelledTokenThrows()
    {
        var pipe = new Pipe(PipeFeed.CreateOptions());
        using var reader = new SseEventReader(pipe.Reader);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(new CancellationToken(canceled: true)));
        reader.Dispose();
        Assert.False(reader.HoldsPooledMemory);
    }

    [Fact]
    public async Task CancelPendingReadThrowsAndTheReaderCanContinue()
    {
        var pipe = new Pipe(PipeFeed.CreateOptions());
        using var reader = new SseEventReader(pipe.Reader);

        _ = WriteAsync(pipe.Writer, "id: 4\ndata: he");
        ValueTask<bool> pending = reader.ReadAsync();
        await WaitUntilAsync(() => reader.BytesConsumed == 14);
        pipe.Reader.CancelPendingRead();
        OperationCanceledException e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        Assert.Contains("cancel", e.Message, StringComparison.OrdinalIgnoreCase);

        // Nothing was lost: the partial line and the id continue with the next bytes.
        Task writing = Task.Run(async () =>
        {
            await WriteAsync(pipe.Writer, "llo\n\n");
            await pipe.Writer.CompleteAsync();
        });
        Assert.True(await reader.ReadAsync());
        Assert.Equal("hello", reader.Current.GetDataAsString());
        Assert.Equal("4", reader.LastEventId);
        Assert.False(await reader.ReadAsync());
        await writing;

        reader.Dispose();
        Assert.False(reader.HoldsPooledMemory);
    }

    [Fact]
    public async Task DisposeWhileHoldingABufferReleasesEverything()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await WriteAsync(pipe.Writer, "data: a\ndata: b\n\ndata: c\n\n");
        var reader = new SseEventReader(pipe.Reader);
        Assert.True(await reader.ReadAsync());
        Assert.Equal("a\nb", reader.Current.GetDataAsString());
        Assert.True(reader.HoldsPooledMemory);
        reader.Dispose();
        Assert.False(reader.HoldsPooledMemory);

        // The pipe was advanced past everything the reader held, and stays usable by its owner.
        await pipe.Writer.CompleteAsync();
        Assert.True(pipe.Reader.TryRead(out ReadResult result));
        Assert.True(result.Buffer.IsEmpty);
        Assert.True(result.IsCompleted);
        pipe.Reader.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task CreateOverAStreamOwnsThePipeButLeavesTheStreamOpenWhenAsked()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("data: x\n\n"));
        using (SseEventReader reader = SseEventReader.Create(stream, leaveOpen: true))
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal("x", reader.Current.GetDataAsString());
            Assert.False(await reader.ReadAsync());
        }

        Assert.True(stream.CanRead);

        using var closing = new MemoryStream(Encoding.UTF8.GetBytes("data: x\n\n"));
        using (SseEventReader reader = SseEventReader.Create(closing))
        {
            Assert.True(await reader.ReadAsync());
        }

        Assert.False(closing.CanRead);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(1, timeout.Token);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using StreamCore.Sse;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Sse.SseHarness;
using static StreamCore.Tests.TestSupport.LineEnds;

namespace StreamCore.Tests.Sse;

/// <summary>Very long lines read in many small reads, and the line and event size limits.</summary>
public class SseLimitAndLongLineTests
{
    private const int Mib = 1024 * 1024;

    private static byte[] Pattern(int length, int salt)
    {
        // Printable bytes that never repeat with a short period, so a misplaced copy changes the content.
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(0x21 + (((i * 31) + (i / 1460) + salt) % 90));
        }

        return bytes;
    }

    [Fact]
    public async Task EightMegabyteDataLineInTcpSizedReads()
    {
        byte[] payload = Pattern(8 * Mib, salt: 3);
        byte[] input = Bytes("id: big\ndata: ", payload, "\n\ndata: after\n\n");
        var options = new SseReaderOptions { MaxLineLength = 16 * Mib, MaxEventSize = 16 * Mib };
        IReadOnlyList<byte[]> parts = Splits.Chunks(input, 1460);
        SseRun run = await FeedAsync(parts, options);

        Assert.Equal(2, run.Items.Count);
        Assert.Equal(8 * Mib, run.Items[0].Data.Length);
        Assert.True(payload.AsSpan().SequenceEqual(run.Items[0].Data), "the 8 MiB data differs from what was sent");
        Assert.Equal("big", run.Items[0].LastEventId);
        Assert.Equal(0, run.Items[0].Offset);
        Assert.Equal("message|after|big", run.Items[1].Render());
        Assert.Equal(input.Length, run.BytesConsumed);
    }

    [Fact]
    public async Task ManyLongDataLinesInOneEventInSmallReads()
    {
        byte[][] lines = Enumerable.Range(0, 8).Select(i => Pattern((Mib / 2) + i, salt: i)).ToArray();
        var pieces = new List<object>();
        foreach (byte[] line in lines)
        {
            pieces.Add("data:");
            pieces.Add(line);
            pieces.Add("\r\n");
        }

        pieces.Add("\r\n");
        byte[] input = Bytes([.. pieces]);
        byte[] expected = Bytes([.. lines.SelectMany((l, i) => i == 0 ? new object[] { l } : ["\n", l])]);
        SseRun run = await FeedAsync(Splits.Chunks(input, 1000), new SseReaderOptions { MaxEventSize = 16 * Mib });

        Assert.Single(run.Items);
        Assert.True(expected.AsSpan().SequenceEqual(run.Items[0].Data), "the joined data differs");
    }

    [Fact]
    public async Task LineAtTheLimitIsAccepted()
    {
        var options = new SseReaderOptions { MaxLineLength = 10 };
        await ExpectAsync("data: 1234\n\n", ["message|1234|"], options: options);
    }

    [Fact]
    public async Task LineOverTheLimitThrows()
    {
        var options = new SseReaderOptions { MaxLineLength = 10 };

        // The 11th byte of the line (offset 10) is the first over the limit.
        SseLimitExceededException e = await ExpectLimitAsync(Lf("data: 12345\n\n"), options, "MaxLineLength", byteOffset: 10, eventNumber: 1);
        Assert.Equal(10, e.Limit);

        // After one event of 9 bytes: the long line starts at 9 and crosses at 19, in event 2.
        await ExpectLimitAsync(Lf("data: a\n\ndata: 12345\n\n"), options, "MaxLineLength", byteOffset: 19, eventNumber: 2);

        // Comments and unknown fields are lines too, and so is a line the stream ends in.
        await ExpectLimitAsync(Lf(": 123456789\n"), options, "MaxLineLength", byteOffset: 10, eventNumber: 1);
        await ExpectLimitAsync(Lf("x\nunknown: 12345"), options, "MaxLineLength", byteOffset: 12, eventNumber: 1);
    }

    [Fact]
    public async Task PeerThatNeverEndsALineIsStoppedAtTheLimit()
    {
        const int PartSize = 64 * 1024;
        List<byte[]> parts = Enumerable.Range(0, 100).Select(i => i == 0 ? Bytes("data: ", Pattern(PartSize - 6, i)) : Pattern(PartSize, i)).ToList();
        var options = new SseReaderOptions { MaxLineLength = Mib, MaxEventSize = 64 * Mib };

        await using PipeFeed feed = PipeFeed.Start(parts);
        using var reader = new SseEventReader(feed.Reader, options);
        SseLimitExceededException e = await Assert.ThrowsAsync<SseLimitExceededException>(async () => await reader.ReadAsync());

        Assert.Equal("MaxLineLength", e.LimitName);
        Assert.Equal(Mib, e.Limit);
        Assert.Equal(Mib, e.ByteOffset);
        Assert.Equal(1, e.EventNumber);

        // 16 parts fill the line exactly to the limit; the 17th crosses it. The writer (paused until
        // the reader consumes each part) has not got further, so the reader held at most the limit
        // plus one read.
        Assert.Equal(17, feed.PartsWritten);
        Assert.False(feed.Writing.IsCompleted);
        Assert.Equal(16L * PartSize, reader.BytesConsumed);
    }

    [Fact]
    public async Task DataLineThatNeverEndsIsStoppedAtTheEventLimitWhileItAccumulates()
    {
        // The line limit is far away; the event limit must stop the line as its bytes arrive.
        const int PartSize = 64 * 1024;
        List<byte[]> parts = Enumerable.Range(0, 100).Select(i => i == 0 ? Bytes("data: x\n", "data: ", Pattern(PartSize - 14, i)) : Pattern(PartSize, i)).ToList();
        var options = new SseReaderOptions { MaxLineLength = 64 * Mib, MaxEventSize = Mib };

        await using PipeFeed feed = PipeFeed.Start(parts);
        using var reader = new SseEventReader(feed.Reader, options);
        SseLimitExceededException e = await Assert.ThrowsAsync<SseLimitExceededException>(async () => await reader.ReadAsync());

        Assert.Equal("MaxEventSize", e.LimitName);
        Assert.Equal(1, e.EventNumber);

        // Data so far: "x" + LF (2 bytes), then the second value from offset 14: the byte that makes
        // the data one byte too long is the (Mib - 2 + 1)th of that value.
        Assert.Equal(14 + Mib - 2, e.ByteOffset);
        Assert.Equal(17, feed.PartsWritten);
        Assert.False(feed.Writing.IsCompleted);
    }

    [Fact]
    public async Task EventSizeIsTheJoinedDataAcrossLines()
    {
        var options = new SseReaderOptions { MaxEventSize = 10 };

        // 5 + LF + 4 = 10 bytes: accepted, and the size starts again at the next event.
        await ExpectAsync("data: 12345\ndata: 1234\n\ndata: 1234567890\n\n", ["message|12345\\n1234|", "message|1234567890|"], options: options);

        // 5 + LF + 5 = 11 bytes. The second value starts at 18; its 5th byte (offset 22) is the 11th byte of data.
        await ExpectLimitAsync(Lf("data: 12345\ndata: 12345\n\n"), options, "MaxEventSize", byteOffset: 22, eventNumber: 1);

        // Three lines: 3 + 1 + 3 + 1 + 3 = 11. The third value starts at 26; its 3rd byte (offset 28) crosses.
        await ExpectLimitAsync(Lf("data: 123\ndata: 123\ndata: 123\n\n"), options, "MaxEventSize", byteOffset: 28, eventNumber: 1);

        // One line over the limit on its own, in the second event: value at 15, 11th byte at 25.
        await ExpectLimitAsync(Lf("data: 1\n\ndata: 12345678901\n\n"), options, "MaxEventSize", byteOffset: 25, eventNumber: 2);
    }

    [Fact]
    public async Task EventSizeCountsOnlyData()
    {
        var options = new SseReaderOptions { MaxEventSize = 4 };
        await ExpectAsync("event: long-event-name\nid: long-identifier\n: long comment\ndata: 1234\n\n", ["long-event-name|1234|long-identifier"], lastEventId: "long-identifier", options: options);
    }

    [Fact]
    public void InvalidLimitsAreRejected()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        Assert.Throws<ArgumentOutOfRangeException>(() => new SseEventReader(pipe.Reader, new SseReaderOptions { MaxLineLength = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SseEventReader(pipe.Reader, new SseReaderOptions { MaxEventSize = -1 }));
    }
}

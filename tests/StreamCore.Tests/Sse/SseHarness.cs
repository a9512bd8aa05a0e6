using System;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Sse;
using StreamCore.Tests.TestSupport;
using Xunit.Sdk;

namespace StreamCore.Tests.Sse;

/// <summary>One item returned by the reader, copied out at once, with the reader's state at that moment.</summary>
internal sealed record SseItem(string Type, byte[] Data, long Number, long Offset, bool IsComment, string LastEventId, long? Retry)
{
    /// <summary>"type|data|lastEventId" for events, ":text" for comments; non-printable bytes as \xNN.</summary>
    public string Render() => IsComment ? ":" + SseHarness.Escape(Data) : $"{Type}|{SseHarness.Escape(Data)}|{LastEventId}";
}

/// <summary>Everything the reader produced for one input.</summary>
internal sealed record SseRun(IReadOnlyList<SseItem> Items, string LastEventId, long? Retry, long EventCount, long BytesConsumed)
{
    public string[] Rendered => Items.Select(i => i.Render()).ToArray();
}

/// <summary>Runs <see cref="SseEventReader"/> over fed inputs and checks results across splits and line ends.</summary>
internal static class SseHarness
{
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            if (b == (byte)'\\')
            {
                text.Append(@"\\");
            }
            else if (b is >= 0x20 and < 0x7F)
            {
                text.Append((char)b);
            }
            else if (b == (byte)'\n')
            {
                text.Append(@"\n");
            }
            else
            {
                text.Append(@"\x").Append(b.ToString("X2"));
            }
        }

        return text.ToString();
    }

    /// <summary>Reads every item, copying each one's data before the next read.</summary>
    public static async Task<SseRun> ReadAllAsync(PipeReader pipe, SseReaderOptions? options = null)
    {
        var items = new List<SseItem>();
        using var reader = new SseEventReader(pipe, options);
        while (await reader.ReadAsync())
        {
            SseEvent e = reader.Current;
            items.Add(new SseItem(e.EventType, e.Data.ToArray(), e.Number, e.Offset, e.IsComment, reader.LastEventId, reader.ReconnectionTime));
        }

        // End of input is sticky.
        if (await reader.ReadAsync())
        {
            throw new XunitException("ReadAsync returned true after returning false");
        }

        var run = new SseRun(items, reader.LastEventId, reader.ReconnectionTime, reader.EventCount, reader.BytesConsumed);
        reader.Dispose();
        if (reader.HoldsPooledMemory)
        {
            throw new XunitException("the reader holds pooled memory after Dispose");
        }

        return run;
    }

    /// <summary>Feeds <paramref name="parts"/> through a real pipe, one read each, and reads every item.</summary>
    public static async Task<SseRun> FeedAsync(IReadOnlyList<byte[]> parts, SseReaderOptions? options = null)
    {
        await using PipeFeed feed = PipeFeed.Start(parts);
        SseRun run = await ReadAllAsync(feed.Reader, options);
        await feed.Writing;
        if (feed.PartsWritten != parts.Count)
        {
            throw new XunitException($"only {feed.PartsWritten} of {parts.Count} parts were written");
        }

        return run;
    }

    /// <summary>
    /// Reads <paramref name="lfInput"/> with each of LF, CR and CRLF line ends (or as is, when
    /// <paramref name="rewriteLineEnds"/> is false), whole, one byte per read and at every two-way
    /// split, and checks the rendered items and the final state every time.
    /// </summary>
    public static Task ExpectAsync(string lfInput, string[] expected, string lastEventId = "", long? retry = null, SseReaderOptions? options = null, bool rewriteLineEnds = true)
        => ExpectAsync(Encoding.UTF8.GetBytes(lfInput), expected, lastEventId, retry, options, rewriteLineEnds);

    /// <inheritdoc cref="ExpectAsync(string, string[], string, long?, SseReaderOptions?, bool)"/>
    public static async Task ExpectAsync(byte[] lfInput, string[] expected, string lastEventId = "", long? retry = null, SseReaderOptions? options = null, bool rewriteLineEnds = true)
    {
        foreach (string lineEnd in rewriteLineEnds ? LineEnds.All : ["\n"])
        {
            byte[] input = rewriteLineEnds ? LineEnds.Rewrite(lfInput, lineEnd) : lfInput;
            await ForEachSplitAsync(input, options, (split, run) =>
            {
                string where = $"{(rewriteLineEnds ? LineEnds.Name(lineEnd) : "as is")}, {split}";
                Check(where, expected, run.Rendered);
                Check(where + ", LastEventId", lastEventId, run.LastEventId);
                Check(where + ", ReconnectionTime", retry, run.Retry);
                Check(where + ", EventCount", expected.Count(e => !e.StartsWith(':')), run.EventCount);
                Check(where + ", BytesConsumed", input.Length, run.BytesConsumed);
                Check(where + ", numbers", Enumerable.Range(1, (int)run.EventCount).Select(n => (long)n).ToArray(), run.Items.Where(i => !i.IsComment).Select(i => i.Number).ToArray());
            });
        }
    }

    /// <summary>
    /// Runs the reader over every exhaustive split of <paramref name="input"/>, once with each part
    /// as its own read of a real pipe and once with the parts as the segments of a single read, and
    /// hands each result to <paramref name="check"/>.
    /// </summary>
    public static async Task ForEachSplitAsync(byte[] input, SseReaderOptions? options, Action<SplitCase, SseRun> check)
    {
        foreach (SplitCase split in Splits.Exhaustive(input))
        {
            check(split, await FeedAsync(split.Parts, options));
            check(split with { Name = split.Name + " (as segments of one read)" }, await ReadAllAsync(SegmentedSequence.Reader(split.Parts), options));
        }
    }

    /// <summary>Expects the reader to throw a limit exception on every exhaustive split (as reads and as segments); returns the one from the whole input.</summary>
    public static async Task<SseLimitExceededException> ExpectLimitAsync(byte[] input, SseReaderOptions options, string limitName, long byteOffset, long eventNumber)
    {
        SseLimitExceededException? first = null;
        foreach (SplitCase split in Splits.Exhaustive(input))
        {
            foreach (bool segments in new[] { false, true })
            {
                string where = segments ? split.Name + " (as segments of one read)" : split.Name;
                await using PipeFeed feed = PipeFeed.Start(split.Parts);
                SseLimitExceededException e;
                try
                {
                    await ReadAllAsync(segments ? SegmentedSequence.Reader(split.Parts) : feed.Reader, options);
                    throw new XunitException($"{where}: no exception");
                }
                catch (SseLimitExceededException caught)
                {
                    e = caught;
                }

                Check(where + ", LimitName", limitName, e.LimitName);
                Check(where + ", ByteOffset", byteOffset, e.ByteOffset);
                Check(where + ", EventNumber", eventNumber, e.EventNumber);
                first ??= e;
            }
        }

        return first!;
    }

    public static void Check<T>(string where, T expected, T actual)
    {
        try
        {
            Assert.Equal(expected, actual);
        }
        catch (XunitException e)
        {
            throw new XunitException($"[{where}] {e.Message}");
        }
    }
}

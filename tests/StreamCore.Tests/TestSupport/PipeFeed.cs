using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Tests.TestSupport;

/// <summary>
/// Writes a list of byte parts into a real <see cref="Pipe"/> from a background task so that each
/// part arrives as its own read: the pipe pauses its writer as soon as one byte is unconsumed, so
/// the writer writes a part, flushes, and waits until the reader has consumed all of it before
/// writing the next; then it completes the pipe. Completing the reader (or disposing the feed)
/// stops the writer early. <see cref="PartsWritten"/> tells how far the writer got.
/// </summary>
public sealed class PipeFeed : IAsyncDisposable
{
    private readonly Pipe _pipe;
    private int _partsWritten;

    private PipeFeed(IReadOnlyList<byte[]> parts, CancellationToken cancellationToken)
    {
        _pipe = new Pipe(CreateOptions());
        Parts = parts;
        Writing = Task.Run(() => WriteAllAsync(parts, cancellationToken), CancellationToken.None);
    }

    /// <summary>The reader end of the pipe; the feed never completes it unless disposed.</summary>
    public PipeReader Reader => _pipe.Reader;

    /// <summary>The parts being written, in order.</summary>
    public IReadOnlyList<byte[]> Parts { get; }

    /// <summary>How many parts the writer has written and flushed into the pipe so far.</summary>
    public int PartsWritten => Volatile.Read(ref _partsWritten);

    /// <summary>The writer task; it ends once every part is written and the pipe completed, or the reader completed.</summary>
    public Task Writing { get; }

    /// <summary>The options of the pipe: pause the writer at one unconsumed byte, resume once all is consumed.</summary>
    public static PipeOptions CreateOptions() =>
        new(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false);

    /// <summary>Starts feeding <paramref name="parts"/>, one read each.</summary>
    public static PipeFeed Start(IReadOnlyList<byte[]> parts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new PipeFeed(parts, cancellationToken);
    }

    /// <summary>Starts feeding <paramref name="data"/> cut at <paramref name="splitPoints"/>.</summary>
    public static PipeFeed Start(byte[] data, IReadOnlyList<int> splitPoints, CancellationToken cancellationToken = default)
        => Start(Splits.At(data, splitPoints), cancellationToken);

    /// <summary>Completes the reader (which stops the writer) and waits for the writer to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await _pipe.Reader.CompleteAsync();
        await Writing;
    }

    private async Task WriteAllAsync(IReadOnlyList<byte[]> parts, CancellationToken cancellationToken)
    {
        PipeWriter writer = _pipe.Writer;
        try
        {
            foreach (byte[] part in parts)
            {
                writer.Write(part);
                Interlocked.Increment(ref _partsWritten);
                FlushResult flushed = await writer.FlushAsync(cancellationToken);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }

            await writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e);
        }
    }
}

/// <summary>One way of cutting an input into reads, with a name for failure messages.</summary>
public sealed record SplitCase(string Name, IReadOnlyList<byte[]> Parts)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Generators of the ways to cut an input into reads.</summary>
public static class Splits
{
    /// <summary>Cuts <paramref name="data"/> at the given offsets (sorted and deduplicated; 0 and the end are ignored).</summary>
    public static IReadOnlyList<byte[]> At(byte[] data, IEnumerable<int> points)
    {
        ArgumentNullException.ThrowIfNull(data);
        var parts = new List<byte[]>();
        int start = 0;
        foreach (int point in points.Where(p => p > 0 && p < data.Length).Distinct().Order())
        {
            parts.Add(data[start..point]);
            start = point;
        }

        if (start < data.Length || parts.Count == 0)
        {
            parts.Add(data[start..]);
        }

        return parts;
    }

    /// <summary>Cuts <paramref name="data"/> into parts of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static IReadOnlyList<byte[]> Chunks(byte[] data, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return data.Chunk(size).ToList();
    }

    /// <summary>The whole input as one read.</summary>
    public static SplitCase Whole(byte[] data) => new("whole", [data]);

    /// <summary>One byte per read.</summary>
    public static SplitCase Bytewise(byte[] data) => new("one byte per read", Chunks(data, 1));

    /// <summary>Every way to cut the input into two reads.</summary>
    public static IEnumerable<SplitCase> EveryTwoWaySplit(byte[] data)
    {
        for (int i = 1; i < data.Length; i++)
        {
            yield return new SplitCase($"split at {i}", At(data, [i]));
        }
    }

    /// <summary>Whole, one byte per read, and every two-way split: for inputs of a few hundred bytes at most.</summary>
    public static IEnumerable<SplitCase> Exhaustive(byte[] data)
    {
        yield return Whole(data);
        yield return Bytewise(data);
        foreach (SplitCase split in EveryTwoWaySplit(data))
        {
            yield return split;
        }
    }

    /// <summary><paramref name="count"/> cuts of <paramref name="data"/>, each at <paramref name="points"/> random offsets drawn from <paramref name="seed"/>.</summary>
    public static IEnumerable<SplitCase> Random(byte[] data, int count, int points, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int[] cuts = Enumerable.Range(0, points).Select(_ => random.Next(1, Math.Max(2, data.Length))).ToArray();
            yield return new SplitCase($"random split (seed {seed}, #{i}) at {string.Join(",", cuts.Order())}", At(data, cuts));
        }
    }
}

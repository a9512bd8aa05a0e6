using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;

namespace StreamCore.Tests.TestSupport;

/// <summary>
/// Builds a <see cref="ReadOnlySequence{T}"/> whose segments are the given parts, so that a parser
/// sees all of them in ONE read but must walk segment boundaries (the complement of
/// <see cref="PipeFeed"/>, where each part is its own read).
/// </summary>
public static class SegmentedSequence
{
    /// <summary>A sequence with one segment per part (empty parts included).</summary>
    public static ReadOnlySequence<byte> Create(IReadOnlyList<byte[]> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        Segment last = first;
        for (int i = 1; i < parts.Count; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>A pipe reader that returns the whole segmented sequence in its first read.</summary>
    public static PipeReader Reader(IReadOnlyList<byte[]> parts) => PipeReader.Create(Create(parts));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

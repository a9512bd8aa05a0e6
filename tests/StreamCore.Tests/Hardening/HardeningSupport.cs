using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Text;

namespace StreamCore.Tests.Hardening;

/// <summary>
/// Tests that measure process-wide memory run in this collection: xunit runs it alone, after the
/// parallel ones, so that other tests' allocations do not show up in the numbers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    public const string Name = "Memory measuring (not parallel)";
}

/// <summary>Inputs in memory, whole or cut into segments, and small fixtures.</summary>
public static class Inputs
{
    /// <summary>A reader over <paramref name="bytes"/> cut into segments at <paramref name="cuts"/> (ascending offsets).</summary>
    public static PipeReader Segmented(byte[] bytes, IReadOnlyList<int> cuts)
    {
        if (cuts.Count == 0 || bytes.Length == 0)
        {
            return PipeReader.Create(new ReadOnlySequence<byte>(bytes));
        }

        Segment first = new(bytes.AsMemory(0, cuts[0]), 0);
        Segment last = first;
        int start = cuts[0];
        for (int i = 1; i <= cuts.Count; i++)
        {
            int end = i < cuts.Count ? cuts[i] : bytes.Length;
            last = last.Append(bytes.AsMemory(start, end - start));
            start = end;
        }

        return PipeReader.Create(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));
    }

    /// <summary>One <c>data:</c> event of an OpenAI chunk with the given choices JSON.</summary>
    public static string Chunk(string choices, string extra = "")
        => $"data: {{\"id\":\"chatcmpl-h\",\"object\":\"chat.completion.chunk\",\"created\":1700000002,\"model\":\"hard\"{extra},\"choices\":[{choices}]}}\n\n";

    /// <summary>One event whose choice 0 delta carries <paramref name="rawJsonStringBody"/> (escapes kept).</summary>
    public static string Content(string rawJsonStringBody) => Chunk($"{{\"index\":0,\"delta\":{{\"content\":\"{rawJsonStringBody}\"}},\"finish_reason\":null}}");

    /// <summary>UTF-8 of <paramref name="text"/>.</summary>
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

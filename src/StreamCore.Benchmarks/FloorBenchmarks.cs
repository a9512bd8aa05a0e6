using System;
using System.Collections.Generic;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace StreamCore.Benchmarks;

/// <summary>
/// Lower bounds no assembler can beat: tokenizing every event's JSON without acting on it, and
/// finding every line end.
/// </summary>
[MemoryDiagnoser]
public class FloorBenchmarks : WorkloadBenchmark
{
    /// <summary>Finds each event by its blank line and runs <see cref="Utf8JsonReader"/> over its JSON data (<see cref="Tokenize(IReadOnlyList{byte[]})"/>).</summary>
    [Benchmark]
    public long Floor_Utf8JsonReaderTokenize() => Tokenize(Data.Streams);

    /// <summary>Counts lines with one vectorized search for CR or LF over each body.</summary>
    [Benchmark]
    public long Floor_LineScan()
    {
        long lines = 0;
        foreach (byte[] body in Data.Streams)
        {
            ReadOnlySpan<byte> rest = body;
            int i;
            while ((i = rest.IndexOfAny((byte)'\r', (byte)'\n')) >= 0)
            {
                lines++;
                rest = rest[(i + 1)..];
            }
        }

        return lines;
    }

    /// <summary>
    /// The tokenize floor, one definition for chat and typed workloads: each event is found by its
    /// blank line, its <c>data: {</c> line by a search (past an <c>event:</c> line in typed
    /// streams: that search is part of the SSE cost every reader pays), and every token of its JSON
    /// is read; nothing is done with them. Returns the token count.
    /// </summary>
    internal static long Tokenize(IReadOnlyList<byte[]> streams) => Tokenize(streams, out _);

    /// <summary>The tokenize floor, also counting the events whose data it tokenized (for the self-check).</summary>
    internal static long Tokenize(IReadOnlyList<byte[]> streams, out long events)
    {
        long tokens = 0;
        events = 0;
        foreach (byte[] body in streams)
        {
            ReadOnlySpan<byte> rest = body;
            while (!rest.IsEmpty)
            {
                int end = rest.IndexOf("\n\n"u8);
                ReadOnlySpan<byte> evt = end < 0 ? rest : rest[..end];
                rest = end < 0 ? default : rest[(end + 2)..];

                // One "data: {json}" line per event in these workloads; other lines (comments, "event:") are skipped.
                int data = evt.IndexOf("data: {"u8);
                if (data < 0)
                {
                    continue;
                }

                ReadOnlySpan<byte> json = evt[(data + 6)..];
                int lineEnd = json.IndexOf((byte)'\n');
                if (lineEnd >= 0)
                {
                    json = json[..lineEnd];
                }

                events++;
                var reader = new Utf8JsonReader(json);
                while (reader.Read())
                {
                    tokens++;
                }
            }
        }

        return tokens;
    }
}

using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.IO;
using System.IO.Pipelines;
using System.Threading.Tasks;

namespace StreamCore.Benchmarks;

/// <summary>
/// What one more event allocates, which BenchmarkDotNet's allocation per operation cannot show on
/// these workloads: each stream's fixed cost (reader, state, result, views, ~3 KB) spread over
/// 1,300-2,000 events looks like 2 B per event. Here StreamCore reads a generated workload and the
/// same stream with twice its deltas; the difference in allocated bytes over the difference in
/// events is the cost per event, exactly (the least of several runs, on a warm process), and the
/// strings the caller keeps are subtracted for the end-to-end path. These are the targets
/// read literally: 0 B per event for the updates, nothing per event beyond the kept strings.
/// </summary>
internal static class AllocationProbe
{
    private static readonly ConcurrentDictionary<string, Result?> Cache = new(StringComparer.Ordinal);

    /// <param name="UpdatesPerEvent">Bytes the update path allocates per extra event (target 0).</param>
    /// <param name="EndToEndPerEvent">Bytes the end-to-end path (with the strings materialized) allocates per extra event.</param>
    /// <param name="KeptStringsPerEvent">Of those, the bytes of the longer strings the caller keeps.</param>
    internal sealed record Result(double UpdatesPerEvent, double EndToEndPerEvent, double KeptStringsPerEvent)
    {
        public double EndToEndBeyondKeptStrings => EndToEndPerEvent - KeptStringsPerEvent;
    }

    /// <summary>The probe's figures for a generated typed workload; null for a corpus or while StreamCore cannot read the protocol.</summary>
    public static Result? Measure(string workload) => Cache.GetOrAdd(workload, MeasureNow);

    private static Result? MeasureNow(string workload)
    {
        Workload? single = TypedWorkloads.CreateScaled(workload, 1);
        Workload? doubled = TypedWorkloads.CreateScaled(workload, 2);
        if (single is null || doubled is null)
        {
            return null;
        }

        byte[] a = single.Streams[0];
        byte[] b = doubled.Streams[0];
        try
        {
            double events = doubled.EventCount - single.EventCount;
            double updates = (Least(() => ConsumeUpdatesAsync(b)) - Least(() => ConsumeUpdatesAsync(a))) / events;
            double endToEnd = (Least(() => AssembleAsync(b)) - Least(() => AssembleAsync(a))) / events;
            double kept = (KeptBytes(doubled) - KeptBytes(single)) / events;
            return new Result(updates, endToEnd, kept);
        }
        catch (NotImplementedException)
        {
            return null;
        }
    }

    private static long KeptBytes(Workload w)
    {
        TypedResult r = w.TypedExpected![0];
        long bytes = TypedReport.StringBytes(r.Text) + TypedReport.StringBytes(r.Reasoning) + TypedReport.StringBytes(r.Refusal);
        foreach (ToolCallResult call in r.ToolCalls)
        {
            bytes += TypedReport.StringBytes(call.Id) + TypedReport.StringBytes(call.Name) + TypedReport.StringBytes(call.Arguments);
        }

        return bytes;
    }

    /// <summary>The least the operation allocated over warm runs (process-wide, precise: the in-memory sources complete synchronously, but any thread counts).</summary>
    private static long Least(Func<ValueTask> operation)
    {
        for (int i = 0; i < 3; i++)
        {
            operation().AsTask().GetAwaiter().GetResult();
        }

        long least = long.MaxValue;
        for (int i = 0; i < 7; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            operation().AsTask().GetAwaiter().GetResult();
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        return least;
    }

    private static async ValueTask AssembleAsync(byte[] body)
    {
        using StreamResult result = await ModelStream.AssembleAsync(new MemoryStream(body, writable: false));
        TypedStreamCoreBenchmarks.Materialize(result);
    }

    private static async ValueTask ConsumeUpdatesAsync(byte[] body)
    {
        PipeReader pipe = PipeReader.Create(new ReadOnlySequence<byte>(body));
        StreamResult? result = null;
        long total = 0;
        await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(pipe))
        {
            total += update.Utf8Text.Length + update.Json.Length;
            result = update.Result;
        }

        result?.Dispose();
        await pipe.CompleteAsync();
        GC.KeepAlive(total);
    }
}

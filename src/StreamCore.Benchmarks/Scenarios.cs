using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Chat;

namespace StreamCore.Benchmarks;

/// <summary>
/// Measurements that do not fit BenchmarkDotNet's one-method-per-iteration shape: the latency an
/// event gains between the pipe and the consumer, and many concurrent streams in one process.
/// Results go to <c>bench-results/scenarios.md</c> and <c>scenarios.json</c>.
/// </summary>
internal static class Scenarios
{
    private const string Envelope = "\"id\":\"chatcmpl-scale\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_0123456789\"";

    public static async Task RunAsync(string resultsDirectory, bool quick, TextWriter log)
    {
        int latencyEvents = quick ? 2_000 : 20_000;
        var report = new Dictionary<string, object>
        {
            ["machine"] = DescribeMachine(),
            ["quick"] = quick,
        };

        log.WriteLine($"scenarios: latency over {latencyEvents:N0} events, one at a time");
        LatencyStats bare = await MeasureLatencyAsync(latencyEvents, useStreamCore: false);
        LatencyStats streamCore = await MeasureLatencyAsync(latencyEvents, useStreamCore: true);
        report["latency"] = new Dictionary<string, object>
        {
            ["events"] = latencyEvents,
            ["pipeOnlyMedianMicroseconds"] = bare.Median,
            ["pipeOnlyP99Microseconds"] = bare.P99,
            ["streamCoreMedianMicroseconds"] = streamCore.Median,
            ["streamCoreP99Microseconds"] = streamCore.P99,
            ["addedMedianMicroseconds"] = streamCore.Median - bare.Median,
            ["addedP99Microseconds"] = streamCore.P99 - bare.P99,
        };

        var scale = new List<Dictionary<string, object>>();
        foreach (int streams in new[] { 1, 64, 1_024, 10_000 })
        {
            // About the same number of events in every run, so each runs long enough to measure.
            int eventsPerStream = Math.Max(100, (quick ? 20_000 : 200_000) / streams);
            log.WriteLine($"scenarios: {streams:N0} concurrent streams of {eventsPerStream} events");
            scale.Add(await MeasureScaleAsync(streams, eventsPerStream));
        }

        report["scale"] = scale;
        int idle = quick ? 1_000 : 10_000;
        log.WriteLine($"scenarios: memory of {idle:N0} open, idle streams");
        report["idle"] = await MeasureIdleMemoryAsync(idle);

        Directory.CreateDirectory(resultsDirectory);
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "scenarios.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "scenarios.md"), ToMarkdown(report, bare, streamCore, scale));
        log.WriteLine(ToMarkdown(report, bare, streamCore, scale));
    }

    /// <summary>
    /// Latency: the writer writes one event, flushes, and waits until the consumer has seen it, so
    /// nothing queues. StreamCore's consumer waits for the event's content delta from the update
    /// stream; the pipe-only consumer for the bytes. The difference is what StreamCore adds.
    /// </summary>
    private static async Task<LatencyStats> MeasureLatencyAsync(int events, bool useStreamCore)
    {
        byte[][] bodies = [.. Enumerable.Range(0, events + 1).Select(i => ContentEvent(i == 0 ? "" : "w" + i.ToString(CultureInfo.InvariantCulture), role: i == 0))];
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        using var seen = new SemaphoreSlim(0);
        long[] sent = new long[events];
        long[] received = new long[events];

        Task consumer = useStreamCore
            ? Task.Run(async () =>
            {
                int n = 0;
                ChatCompletionResult? result = null;
                await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(pipe.Reader))
                {
                    result = update.Completion;
                    if (update.Kind == ChatUpdateKind.ContentDelta)
                    {
                        received[n++] = Stopwatch.GetTimestamp();
                        seen.Release();
                    }
                }

                result?.Dispose();
            })
            : Task.Run(async () =>
            {
                int n = -1;
                while (true)
                {
                    ReadResult read = await pipe.Reader.ReadAsync();
                    if (!read.Buffer.IsEmpty)
                    {
                        if (n >= 0 && n < events) // the role event before and [DONE] after are not timed
                        {
                            received[n] = Stopwatch.GetTimestamp();
                            seen.Release();
                        }

                        n++;
                    }

                    pipe.Reader.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted)
                    {
                        break;
                    }
                }
            });

        await pipe.Writer.WriteAsync(bodies[0]);
        if (!useStreamCore)
        {
            await Task.Delay(10); // let the pipe-only consumer take the role event on its own
        }

        for (int i = 0; i < events; i++)
        {
            sent[i] = Stopwatch.GetTimestamp();
            await pipe.Writer.WriteAsync(bodies[i + 1]);
            await seen.WaitAsync();
        }

        await pipe.Writer.WriteAsync("data: [DONE]\n\n"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        await consumer;

        double[] micros = [.. Enumerable.Range(0, events).Select(i => (received[i] - sent[i]) * 1_000_000.0 / Stopwatch.Frequency).Order()];
        return new LatencyStats(Percentile(micros, 0.5), Percentile(micros, 0.99));
    }

    /// <summary>Many streams at once, each over its own pipe, written an event at a time and assembled exactly.</summary>
    private static async Task<Dictionary<string, object>> MeasureScaleAsync(int streams, int eventsPerStream)
    {
        byte[][] bodies = [.. Enumerable.Range(0, streams).Select(s => StreamBody(s, eventsPerStream))];
        long totalBytes = bodies.Sum(b => (long)b.Length);
        GC.Collect();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var tasks = new Task<bool>[streams];
        for (int s = 0; s < streams; s++)
        {
            byte[] body = bodies[s];
            string expected = ExpectedContent(s, eventsPerStream);
            tasks[s] = Task.Run(async () =>
            {
                var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
                Task writer = WriteEventsAsync(pipe.Writer, body);
                using ChatCompletionResult result = await ChatStream.AssembleAsync(pipe.Reader);
                await writer;
                return result.Status == ChatStreamStatus.Complete && result.Choices[0].Content == expected;
            });
        }

        bool[] exact = await Task.WhenAll(tasks);
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        if (exact.Any(ok => !ok))
        {
            throw new InvalidOperationException($"{exact.Count(ok => !ok)} of {streams} streams did not assemble exactly");
        }

        double seconds = clock.Elapsed.TotalSeconds;
        return new Dictionary<string, object>
        {
            ["streams"] = streams,
            ["eventsPerStream"] = eventsPerStream,
            ["totalBytes"] = totalBytes,
            ["seconds"] = Math.Round(seconds, 4),
            ["megabytesPerSecond"] = Math.Round(totalBytes / seconds / 1_000_000, 1),
            ["eventsPerSecond"] = Math.Round(streams * (double)(eventsPerStream + 3) / seconds, 0),
            ["allocatedBytesPerEvent"] = Math.Round(allocated / (streams * (double)(eventsPerStream + 3)), 1),
            ["allExact"] = true,
        };
    }

    /// <summary>
    /// Memory retained per open, idle stream: each stream has received its first events and waits
    /// for more. Measured with and without StreamCore on the pipes, so the pipes' own share shows.
    /// </summary>
    private static async Task<Dictionary<string, object>> MeasureIdleMemoryAsync(int streams)
    {
        byte[] head = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(ContentEvent("", role: true)) + Encoding.UTF8.GetString(ContentEvent("Hello", role: false)));
        long pipesOnly = await IdleAsync(streams, head, withStreamCore: false);
        long withStreamCore = await IdleAsync(streams, head, withStreamCore: true);
        return new Dictionary<string, object>
        {
            ["streams"] = streams,
            ["bytesPerIdlePipeWithDrainingReader"] = pipesOnly / streams,
            ["bytesPerIdleStreamWithStreamCore"] = withStreamCore / streams,
            ["bytesAddedByStreamCore"] = (withStreamCore - pipesOnly) / streams,
        };
    }

    private static async Task<long> IdleAsync(int streams, byte[] head, bool withStreamCore)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var pipes = new Pipe[streams];
        var consumers = new Task<ChatCompletionResult?>[streams];
        for (int s = 0; s < streams; s++)
        {
            pipes[s] = new Pipe(new PipeOptions(useSynchronizationContext: false));
            await pipes[s].Writer.WriteAsync(head);

            // The baseline consumer drains its pipe and waits too, so the difference is StreamCore's own.
            PipeReader reader = pipes[s].Reader;
            consumers[s] = withStreamCore ? AssembleOrNullAsync(reader) : DrainAsync(reader);
        }

        // Every consumer is now parked on its pipe, waiting for the next event.
        await Task.Delay(200);
        long during = GC.GetTotalMemory(forceFullCollection: true);
        for (int s = 0; s < streams; s++)
        {
            await pipes[s].Writer.WriteAsync("data: [DONE]\n\n"u8.ToArray());
            await pipes[s].Writer.CompleteAsync();
            using ChatCompletionResult? result = await consumers[s];
            if (withStreamCore)
            {
                if (result!.Choices[0].Content != "Hello")
                {
                    throw new InvalidOperationException("an idle stream did not assemble exactly");
                }
            }
        }

        GC.KeepAlive(pipes);
        return during - before;
    }

    private static async Task<ChatCompletionResult?> AssembleOrNullAsync(PipeReader reader) => await ChatStream.AssembleAsync(reader);

    private static async Task<ChatCompletionResult?> DrainAsync(PipeReader reader)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync();
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return null;
            }
        }
    }

    private static async Task WriteEventsAsync(PipeWriter writer, byte[] body)
    {
        // One event per flush, as a server streaming token by token sends them.
        ReadOnlyMemory<byte> rest = body;
        while (!rest.IsEmpty)
        {
            int end = rest.Span.IndexOf("\n\n"u8);
            int length = end < 0 ? rest.Length : end + 2;
            await writer.WriteAsync(rest[..length]);
            rest = rest[length..];
            await Task.Yield();
        }

        await writer.CompleteAsync();
    }

    private static byte[] StreamBody(int stream, int events)
    {
        var body = new StringBuilder();
        body.Append(Encoding.UTF8.GetString(ContentEvent("", role: true)));
        for (int i = 0; i < events; i++)
        {
            body.Append(Encoding.UTF8.GetString(ContentEvent(Fragment(stream, i), role: false)));
        }

        body.Append("data: {").Append(Envelope).Append(",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
        body.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(body.ToString());
    }

    private static string ExpectedContent(int stream, int events)
    {
        var content = new StringBuilder();
        for (int i = 0; i < events; i++)
        {
            content.Append(Fragment(stream, i));
        }

        return content.ToString();
    }

    private static string Fragment(int stream, int i) => i == 0 ? $"stream {stream}: " : $"word{i % 97} ";

    private static byte[] ContentEvent(string content, bool role)
    {
        string delta = role ? "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}" : "{\"content\":" + JsonSerializer.Serialize(content) + "}";
        return Encoding.UTF8.GetBytes("data: {" + Envelope + ",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    }

    private static string DescribeMachine()
    {
        MachineInfo machine = MachineInfo.Current();
        return $"{machine.Os}; {machine.Cpu}; {machine.Cores} cores; {machine.Runtime}; load {machine.LoadAverage}";
    }

    private static double Percentile(double[] sorted, double p) => Math.Round(sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))], 2);

    private static string ToMarkdown(Dictionary<string, object> report, LatencyStats bare, LatencyStats streamCore, List<Dictionary<string, object>> scale)
    {
        var md = new StringBuilder();
        md.AppendLine("# Latency and scale").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {report["machine"]}").AppendLine();
        md.AppendLine("## Latency added per event (one event at a time over a `Pipe`)").AppendLine();
        md.AppendLine("| consumer | median µs | p99 µs |").AppendLine("|---|---:|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| pipe only (bytes seen) | {bare.Median} | {bare.P99} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| StreamCore updates (content delta seen) | {streamCore.Median} | {streamCore.P99} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **added by StreamCore** | **{Math.Round(streamCore.Median - bare.Median, 2)}** | **{Math.Round(streamCore.P99 - bare.P99, 2)}** |").AppendLine();
        md.AppendLine("## Concurrent streams (each over its own `Pipe`, one event per flush, 2 cores)").AppendLine();
        md.AppendLine("| streams | events each | total MB | seconds | MB/s | events/s | allocated B/event |").AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Dictionary<string, object> row in scale)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row["streams"]:N0} | {row["eventsPerStream"]} | {(long)row["totalBytes"] / 1_000_000.0:0.0} | {row["seconds"]} | {row["megabytesPerSecond"]} | {row["eventsPerSecond"]:N0} | {row["allocatedBytesPerEvent"]} |");
        }

        var idle = (Dictionary<string, object>)report["idle"];
        md.AppendLine().AppendLine("## Memory retained per open, idle stream").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{idle["streams"]:N0} streams, each having received two events and waiting for more: {idle["bytesPerIdleStreamWithStreamCore"]:N0} bytes per stream with StreamCore reading it, where a `Pipe` whose reader just drains it and waits holds {idle["bytesPerIdlePipeWithDrainingReader"]:N0}; StreamCore adds **{idle["bytesAddedByStreamCore"]:N0} bytes** (reader, assembly state, pooled buffers and the parked async state machine).");
        md.AppendLine().AppendLine("Allocation per event in the scale runs is the whole process's: the writers, the pipes, the thread pool's scheduling of each wake-up, and each stream's final strings. Reading an in-memory stream, StreamCore itself allocates 0 bytes per event (tests and `results.md`).");
        return md.ToString();
    }

    private readonly record struct LatencyStats(double Median, double P99);
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Buffers;
using System.IO;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace StreamCore.Benchmarks;

/// <summary>
/// <c>--recording-allocation</c>: what one stream costs, recording by recording. Each recording of
/// the chat and typed corpora is read alone on one thread, after warm-up, once assembled and once
/// through its updates; the bytes are <see cref="GC.GetAllocatedBytesForCurrentThread"/>'s. In-memory
/// input completes every read synchronously, so the thread does not change. Writes
/// <c>bench-results/recording-allocation.md</c>.
/// </summary>
internal static class RecordingAllocation
{
    public static int Run(string outputDirectory, TextWriter log)
    {
        var md = new StringBuilder();
        md.AppendLine("# Allocation per stream, recording by recording").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Written by `dotnet run -c Release --project src/StreamCore.Benchmarks -- --recording-allocation` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC (src/StreamCore.Benchmarks/RecordingAllocation.cs).");
        md.AppendLine("Each recording alone, on one thread, after 50 warm-up reads: bytes allocated by `ModelStream.AssembleAsync` (then the result disposed), and by reading every update of `ModelStream.ReadUpdatesAsync` over a `PipeReader`.").AppendLine();
        foreach ((string title, string directory) in new[]
        {
            ("chat completions", Workloads.FindCorpusDirectory()),
            ("OpenAI Responses", Path.Combine(Workloads.FindTypedCorpusDirectory(), "openai-responses")),
            ("Anthropic Messages", Path.Combine(Workloads.FindTypedCorpusDirectory(), "anthropic")),
        })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine();
            md.AppendLine("| recording | events | assembled | updates |").AppendLine("|---|---:|---:|---:|");
            var assembled = new List<long>();
            foreach (string file in Directory.GetFiles(directory, "*.sse").Order(StringComparer.Ordinal))
            {
                byte[] body = File.ReadAllBytes(file);
                long events = 0;
                for (int i = 0; i < 50; i++)
                {
                    events = Assemble(body);
                    Updates(body);
                }

                long before = GC.GetAllocatedBytesForCurrentThread();
                Assemble(body);
                long between = GC.GetAllocatedBytesForCurrentThread();
                Updates(body);
                long after = GC.GetAllocatedBytesForCurrentThread();
                assembled.Add(between - before);
                md.AppendLine(CultureInfo.InvariantCulture, $"| {Path.GetFileName(file)} | {events:N0} | {between - before:N0} B | {after - between:N0} B |");
            }

            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Assembled: {assembled.Min():N0} to {assembled.Max():N0} B per stream, median {assembled.Order().ElementAt(assembled.Count / 2):N0} B.").AppendLine();
            log.WriteLine($"recording allocation: {title}: {assembled.Count} recordings");
        }

        string path = Path.Combine(outputDirectory, "recording-allocation.md");
        File.WriteAllText(path, md.ToString());
        log.WriteLine("wrote " + path);
        return 0;
    }

    private static long Assemble(byte[] body)
    {
        using StreamResult result = ModelStream.AssembleAsync(new MemoryStream(body, writable: false)).AsTask().GetAwaiter().GetResult();
        return result.EventCount;
    }

    private static void Updates(byte[] body)
    {
        PipeReader pipe = PipeReader.Create(new ReadOnlySequence<byte>(body));
        IAsyncEnumerator<StreamUpdate> updates = ModelStream.ReadUpdatesAsync(pipe).GetAsyncEnumerator();
        StreamResult? result = null;
        while (updates.MoveNextAsync().AsTask().GetAwaiter().GetResult())
        {
            result = updates.Current.Result;
        }

        updates.DisposeAsync().AsTask().GetAwaiter().GetResult();
        result?.Dispose();
        pipe.Complete();
    }
}

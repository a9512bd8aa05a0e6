using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace StreamCore.Benchmarks;

/// <summary>
/// The target ratios measured in paired rounds. BenchmarkDotNet measures one method after another,
/// minutes apart; on a shared machine whose speed drifts by 20% over minutes, a ratio of two such
/// means carries that drift. Here each round runs StreamCore and every method it is compared with
/// back to back, in a rotating order, and a ratio is taken within each round; the report gives the
/// median of those ratios and their spread. The benchmark methods are the same ones
/// BenchmarkDotNet runs, on the same workloads. Results go to <c>bench-results/paired.md</c> and
/// <c>paired.json</c>. On a typed workload the round is StreamCore end to end, the protocol's SDK
/// and the tokenize floor; while StreamCore cannot read a protocol yet, its workloads are timed
/// without it and reported without ratios.
/// </summary>
internal static class PairedRatios
{
    private sealed record Method(string Name, Func<object> Run);

    public static void Run(string resultsDirectory, IReadOnlyList<string> workloads, bool quick, TextWriter log)
    {
        int rounds = quick ? 7 : 21;
        TimeSpan slice = TimeSpan.FromMilliseconds(quick ? 40 : 80);
        var results = new List<Dictionary<string, object>>();
        foreach (string workload in workloads)
        {
            log.WriteLine($"paired ratios: {workload}, {rounds} rounds");
            Method[] methods = CreateMethods(workload);
            string? missing = null;
            try
            {
                methods[0].Run();
            }
            catch (NotImplementedException e)
            {
                // The protocol's branch is not merged yet: time the others, report no ratio.
                missing = e.Message;
                methods = methods[1..];
                log.WriteLine($"paired ratios: {workload}: StreamCore left out ({missing})");
            }

            var perOp = methods.ToDictionary(m => m.Name, _ => new List<double>());

            // Warm-up long enough, in time and in calls, for tiered compilation to finish; it also
            // sizes each method's slice.
            var opsPerSlice = new Dictionary<string, int>();
            foreach (Method method in methods)
            {
                double seconds = Time(method, 1);
                var warm = Stopwatch.StartNew();
                for (int calls = 1; calls < 60 || warm.Elapsed < TimeSpan.FromMilliseconds(quick ? 400 : 1000); calls++)
                {
                    seconds = Time(method, 1);
                }

                opsPerSlice[method.Name] = Math.Max(1, (int)(slice.TotalSeconds / Math.Max(seconds, 1e-7)));
            }

            for (int round = 0; round < rounds; round++)
            {
                for (int i = 0; i < methods.Length; i++)
                {
                    Method method = methods[(i + round) % methods.Length];
                    int ops = opsPerSlice[method.Name];

                    // Each slice starts on a collected heap: the baselines' garbage is collected in
                    // their own slices, not in the next method's.
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    perOp[method.Name].Add(Time(method, ops) / ops);
                }
            }

            results.Add(Summarize(workload, perOp, rounds, missing));
        }

        Write(resultsDirectory, results, quick);
    }

    /// <summary>StreamCore end to end first, then what it is compared with.</summary>
    private static Method[] CreateMethods(string workload)
    {
        if (Workloads.TypedNames.Contains(workload))
        {
            return CreateTypedMethods(workload);
        }

        var endToEnd = new StreamCoreEndToEndBenchmarks { Workload = workload };
        var stj = new BaselineSseParserStjBenchmarks { Workload = workload };
        var sdk = new BaselineOpenAiSdkBenchmarks { Workload = workload };
        var floor = new FloorBenchmarks { Workload = workload };
        endToEnd.LoadWorkload();
        stj.LoadWorkload();
        sdk.LoadWorkload();
        floor.LoadWorkload();
        return
        [
            new("StreamCore_EndToEnd", () => endToEnd.StreamCore_EndToEnd().AsTask().GetAwaiter().GetResult()),
            new("Baseline_OpenAiSdk", () => sdk.Baseline_OpenAiSdk()),
            new("Baseline_SseParserStj", () => stj.Baseline_SseParserStj()),
            new("Floor_Utf8JsonReaderTokenize", () => floor.Floor_Utf8JsonReaderTokenize()),
        ];
    }

    private static Method[] CreateTypedMethods(string workload)
    {
        var endToEnd = new TypedStreamCoreBenchmarks { Workload = workload };
        var floor = new TypedFloorBenchmarks { Workload = workload };
        endToEnd.LoadWorkload();
        floor.LoadWorkload();
        Method sdk;
        if (Workloads.ProtocolOf(workload) == StreamProtocol.Responses)
        {
            var responses = new BaselineOpenAiResponsesSdkBenchmarks { Workload = workload };
            responses.LoadWorkload();
            sdk = new(ReportWriter.ResponsesSdk, () => responses.Baseline_OpenAiResponsesSdk().GetAwaiter().GetResult());
        }
        else
        {
            var anthropic = new BaselineAnthropicSdkBenchmarks { Workload = workload };
            anthropic.LoadWorkload();
            sdk = new(ReportWriter.AnthropicSdk, () => anthropic.Baseline_AnthropicSdk().GetAwaiter().GetResult());
        }

        return
        [
            new("StreamCore_EndToEnd", () => endToEnd.StreamCore_EndToEnd().AsTask().GetAwaiter().GetResult()),
            sdk,
            new("Floor_Utf8JsonReaderTokenize", () => floor.Floor_Utf8JsonReaderTokenize()),
        ];
    }

    private static double Time(Method method, int ops)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < ops; i++)
        {
            method.Run();
        }

        return watch.Elapsed.TotalSeconds;
    }

    private static Dictionary<string, object> Summarize(string workload, Dictionary<string, List<double>> perOp, int rounds, string? streamCoreMissing)
    {
        var ratios = new Dictionary<string, object>();
        foreach ((string name, List<double> theirs) in perOp)
        {
            if (name == "StreamCore_EndToEnd" || !perOp.TryGetValue("StreamCore_EndToEnd", out List<double>? ours))
            {
                continue;
            }

            // Throughput ratio: their time over ours, within each round.
            double[] perRound = Enumerable.Range(0, rounds).Select(r => theirs[r] / ours[r]).Order().ToArray();
            ratios[name] = new Dictionary<string, object>
            {
                ["median"] = Math.Round(perRound[rounds / 2], 2),
                ["min"] = Math.Round(perRound[0], 2),
                ["max"] = Math.Round(perRound[^1], 2),
            };
        }

        return new Dictionary<string, object>
        {
            ["workload"] = workload,
            ["rounds"] = rounds,
            ["medianMicroseconds"] = perOp.ToDictionary(p => p.Key, p => (object)Math.Round(p.Value.Order().ElementAt(rounds / 2) * 1e6, 1)),
            ["streamCoreVs"] = ratios,
            ["streamCoreMissing"] = streamCoreMissing!,
        };
    }

    private static void Write(string resultsDirectory, List<Dictionary<string, object>> results, bool quick)
    {
        Directory.CreateDirectory(resultsDirectory);
        MachineInfo machine = MachineInfo.Current();
        var report = new Dictionary<string, object>
        {
            ["machine"] = $"{machine.Os}; {machine.Cpu}; {machine.Cores} cores; {machine.Runtime}; load {machine.LoadAverage}",
            ["quick"] = quick,
            ["workloads"] = results,
        };
        File.WriteAllText(Path.Combine(resultsDirectory, "paired.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));

        var md = new StringBuilder();
        md.AppendLine("# Target ratios, paired").AppendLine();
        md.AppendLine("Generated by `dotnet run -c Release --project src/StreamCore.Benchmarks` (src/StreamCore.Benchmarks/PairedRatios.cs); do not edit by hand.").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {report["machine"]}").AppendLine();
        var chat = results.Where(r => !Workloads.TypedNames.Contains((string)r["workload"])).ToList();
        var typed = results.Where(r => Workloads.TypedNames.Contains((string)r["workload"])).ToList();
        if (chat.Count > 0)
        {
            md.AppendLine("Each round runs StreamCore end to end and the three methods it is compared with back to back (rotating the order), for about the same time each; a ratio is StreamCore's throughput over the other's within one round. The table gives the median ratio over the rounds and, in brackets, the lowest and highest. Targets: at least 4× the OpenAI SDK, 3× SseParser + STJ, 0.8× the tokenize floor.").AppendLine();
            md.AppendLine("| workload | rounds | vs OpenAI SDK (≥ 4×) | vs SseParser + STJ (≥ 3×) | vs tokenize floor (≥ 0.8×) |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (Dictionary<string, object> row in chat)
            {
                var vs = (Dictionary<string, object>)row["streamCoreVs"];
                md.AppendLine(CultureInfo.InvariantCulture, $"| {row["workload"]} | {row["rounds"]} | {Cell(vs, "Baseline_OpenAiSdk", 4)} | {Cell(vs, "Baseline_SseParserStj", 3)} | {Cell(vs, "Floor_Utf8JsonReaderTokenize", 0.8)} |");
            }

            md.AppendLine().AppendLine("Median time per operation (µs) in the same rounds:").AppendLine();
            md.AppendLine("| workload | StreamCore end to end | OpenAI SDK | SseParser + STJ | tokenize floor |").AppendLine("|---|---:|---:|---:|---:|");
            foreach (Dictionary<string, object> row in chat)
            {
                var times = (Dictionary<string, object>)row["medianMicroseconds"];
                md.AppendLine(CultureInfo.InvariantCulture, $"| {row["workload"]} | {Time(times, "StreamCore_EndToEnd")} | {Time(times, "Baseline_OpenAiSdk")} | {Time(times, "Baseline_SseParserStj")} | {Time(times, "Floor_Utf8JsonReaderTokenize")} |");
            }

            md.AppendLine();
        }

        if (typed.Count > 0)
        {
            md.AppendLine("## Typed protocols").AppendLine();
            md.AppendLine("Each round runs StreamCore end to end, the protocol's SDK (OpenAI .NET SDK 2.15 Responses streaming, or the Anthropic .NET SDK 13.14 with Aggregate()) and the tokenize floor back to back, in the same way. " + TypedReport.Targets).AppendLine();
            md.AppendLine("| workload | rounds | vs its SDK (OpenAI ≥ 10×, Anthropic ≥ 30×) | vs tokenize floor (≥ 0.8×, stretch 1.0×) |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (Dictionary<string, object> row in typed)
            {
                string workload = (string)row["workload"];
                var vs = (Dictionary<string, object>)row["streamCoreVs"];
                string sdk = TypedReport.SdkFor(workload);
                string ratios = row["streamCoreMissing"] is string missing
                    ? $"not measured: StreamCore does not read this protocol yet ({missing}) | –"
                    : $"{Cell(vs, sdk, TypedReport.SdkTarget(workload))} | {Cell(vs, "Floor_Utf8JsonReaderTokenize", TypedReport.FloorTarget)}";
                md.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {row["rounds"]} | {ratios} |");
            }

            md.AppendLine().AppendLine("Median time per operation (µs) in the same rounds:").AppendLine();
            md.AppendLine("| workload | StreamCore end to end | its SDK | tokenize floor |").AppendLine("|---|---:|---:|---:|");
            foreach (Dictionary<string, object> row in typed)
            {
                var times = (Dictionary<string, object>)row["medianMicroseconds"];
                md.AppendLine(CultureInfo.InvariantCulture, $"| {row["workload"]} | {Time(times, "StreamCore_EndToEnd")} | {Time(times, TypedReport.SdkFor((string)row["workload"]))} | {Time(times, "Floor_Utf8JsonReaderTokenize")} |");
            }
        }

        File.WriteAllText(Path.Combine(resultsDirectory, "paired.md"), md.ToString());
    }

    private static string Time(Dictionary<string, object> times, string method) =>
        times.TryGetValue(method, out object? t) ? string.Create(CultureInfo.InvariantCulture, $"{t:N1}") : "–";

    private static string Cell(Dictionary<string, object> vs, string name, double target)
    {
        var r = (Dictionary<string, object>)vs[name];
        double median = (double)r["median"];
        string mark = median >= target ? "" : " (under)";
        return string.Create(CultureInfo.InvariantCulture, $"{median:0.00}× [{r["min"]:0.00}–{r["max"]:0.00}]{mark}");
    }
}

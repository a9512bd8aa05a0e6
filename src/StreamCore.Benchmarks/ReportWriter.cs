using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StreamCore.Benchmarks;

/// <summary>One measured (workload, method) pair.</summary>
internal sealed record ResultRow(
    string Workload,
    string Method,
    string Job,
    double MeanNs,
    double StdDevNs,
    long? AllocatedBytesPerOp,
    long WorkloadBytes,
    int WorkloadEvents,
    string MeasuredAtUtc,
    bool CarriedOver)
{
    /// <summary>Megabytes (10^6 bytes) of workload per second.</summary>
    public double MegabytesPerSecond => WorkloadBytes * 1e3 / MeanNs;

    public double? AllocatedBytesPerEvent => AllocatedBytesPerOp is { } a ? (double)a / WorkloadEvents : null;
}

/// <summary>
/// Turns BenchmarkDotNet summaries into bench-results/results.md, results.json and throughput.svg.
/// Generic over methods: every benchmark with a <c>Workload</c> parameter becomes a row, so new
/// methods appear without changes here; the three references for ratios are looked up by name.
/// </summary>
internal static class ReportWriter
{
    public const string Sdk = "Baseline_OpenAiSdk";
    public const string ResponsesSdk = "Baseline_OpenAiResponsesSdk";
    public const string AnthropicSdk = "Baseline_AnthropicSdk";
    public const string Stj = "Baseline_SseParserStj";
    public const string Floor = "Floor_Utf8JsonReaderTokenize";

    /// <summary>Report order; methods not listed follow alphabetically. The typed workloads share the StreamCore and floor rows.</summary>
    private static readonly string[] MethodOrder =
    [
        "StreamCore_EndToEnd", "StreamCore_Updates", "SseLayer_StreamCore", "SseLayer_StreamCorePipe", "SseLayer_StreamCorePipeReaderCreate", "SseLayer_StreamCoreStreamConnection", "SseLayer_SseParser",
        Stj, Sdk, ResponsesSdk, AnthropicSdk, Floor, "Floor_LineScan",
    ];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<string> Write(IReadOnlyList<Summary> summaries, string outputDir, string mode, bool merge, IReadOnlyList<string> notes)
    {
        string now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Inv);
        List<ResultRow> rows = Collect(summaries, now);
        var failed = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is null).Select(r => Describe(r.BenchmarkCase)).ToList();
        Directory.CreateDirectory(outputDir);
        string jsonPath = Path.Combine(outputDir, "results.json");
        MachineInfo machine = MachineInfo.Current();
        if (merge)
        {
            rows = MergeWithPrevious(rows, jsonPath, machine);
        }

        rows = [.. rows.OrderBy(r => WorkloadRank(r.Workload)).ThenBy(r => MethodRank(r.Method)).ThenBy(r => r.Method, StringComparer.Ordinal)];
        var allNotes = new List<string>(StandingNotes);
        allNotes.AddRange(notes);
        if (failed.Count > 0)
        {
            allNotes.Add("Benchmarks without a result (failed or not run): " + string.Join(", ", failed) + ".");
        }

        string mdPath = Path.Combine(outputDir, "results.md");
        string svgPath = Path.Combine(outputDir, "throughput.svg");
        File.WriteAllText(mdPath, Markdown(rows, machine, mode, now, allNotes));
        File.WriteAllText(jsonPath, Json(rows, machine, mode, now, allNotes));
        File.WriteAllText(svgPath, ThroughputChart.Render(rows, $"{machine.Cpu}, {machine.Cores} cores, {machine.Runtime} ({mode} run)"));
        return [mdPath, jsonPath, svgPath];
    }

    private static readonly string[] StandingNotes =
    [
        "MB/s = workload bytes / mean time, MB = 10^6 bytes. Allocation per event = allocated bytes per operation / SSE events (the [DONE] event included); it includes the fixed per-stream objects (reader, pipe, enumerator), so a value well under 1 B means nothing is allocated per event.",
        "SseLayer_* and Floor_* only frame or tokenize the bytes; Baseline_* and StreamCore_* read the whole response (StreamCore_EndToEnd assembles it), so compare those with each other.",
        "Ratios are speed-ups: reference mean time / this method's mean time (above 1 = faster than the reference).",
        "Baseline_OpenAiSdk: the SDK's update type has no choice index and surfaces only the first choice of each chunk, so for n>1 streams (n4-logprobs, some corpus streams) its accumulated text mixes the choices; its timing still covers parsing every chunk. Its time includes building the request and the in-memory HttpClient round trip once per stream.",
        "Floors: Floor_Utf8JsonReaderTokenize finds each event's 'data: {' line and runs Utf8JsonReader.Read() to the end, nothing else; Floor_LineScan counts line ends with one vectorized IndexOfAny.",
        "The corpus workload runs each recorded stream separately (its numbers are sums over the streams).",
        "Typed workloads (responses-*, anthropic-*): generated ones are recordings of ../shared/corpus-typed with their deltas scaled up (TypedWorkloads.cs); the two corpora are the recordings as they are, each stream on its own. \"vs SDK\" is against the workload's protocol's SDK: Baseline_OpenAiSdk (chat), Baseline_OpenAiResponsesSdk (OpenAI .NET SDK 2.15 CreateResponseStreamingAsync with the usual accumulation), Baseline_AnthropicSdk (Anthropic .NET SDK 13.14 CreateStreaming + Aggregate(), then the blocks read). Both SDKs' times include building the request and the in-memory HttpClient round trip once per stream.",
        "On the typed corpora the SDKs throw on three recordings (OpenAI: the image-generation stream's cut base64; Anthropic: the two SDK fixtures that end without their last blank line, so message_stop is never dispatched); their time counts reading up to the exception.",
    ];

    private static List<ResultRow> Collect(IReadOnlyList<Summary> summaries, string now)
    {
        var reports = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToList();
        bool severalJobs = reports.Select(r => r.BenchmarkCase.Job.ResolvedId).Distinct(StringComparer.Ordinal).Count() > 1;
        var rows = new List<ResultRow>();
        foreach (BenchmarkReport report in reports)
        {
            BenchmarkCase bc = report.BenchmarkCase;
            string? workloadName = bc.Parameters.Items.FirstOrDefault(p => p.Name == WorkloadBenchmark.ParameterName)?.Value?.ToString();
            if (workloadName is null || !Workloads.Names.Contains(workloadName))
            {
                continue;
            }

            Workload workload = Workloads.Get(workloadName);
            string method = bc.Descriptor.WorkloadMethod.Name;
            string job = bc.Job.ResolvedId;
            rows.Add(new ResultRow(
                workloadName,
                severalJobs ? $"{method} [{job}]" : method,
                job,
                report.ResultStatistics!.Mean,
                report.ResultStatistics.StandardDeviation,
                report.GcStats.GetBytesAllocatedPerOperation(bc),
                workload.TotalBytes,
                workload.EventCount,
                now,
                CarriedOver: false));
        }

        return rows;
    }

    private static string Describe(BenchmarkCase bc) =>
        bc.Descriptor.WorkloadMethod.Name + "(" + string.Join(", ", bc.Parameters.Items.Select(p => p.Value)) + ")";

    private static int WorkloadRank(string workload)
    {
        int i = Workloads.Names.ToList().IndexOf(workload);
        return i < 0 ? int.MaxValue : i;
    }

    internal static int MethodRank(string method)
    {
        string bare = method.Split(' ')[0];
        int i = Array.IndexOf(MethodOrder, bare);
        return i < 0 ? MethodOrder.Length : i;
    }

    private static ResultRow? Find(IEnumerable<ResultRow> rows, string workload, string method) =>
        rows.FirstOrDefault(r => r.Workload == workload && r.Method.Split(' ')[0] == method);

    private static double? Speedup(ResultRow row, IReadOnlyList<ResultRow> rows, string reference) =>
        Find(rows, row.Workload, reference) is { } r ? r.MeanNs / row.MeanNs : null;

    // ---- Markdown ---------------------------------------------------------------------------

    private static string Markdown(List<ResultRow> rows, MachineInfo machine, string mode, string now, List<string> notes)
    {
        var md = new StringBuilder();
        md.AppendLine("# StreamCore benchmarks").AppendLine();
        md.AppendLine("Generated by `dotnet run -c Release --project src/StreamCore.Benchmarks` (src/StreamCore.Benchmarks/ReportWriter.cs); do not edit by hand.").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine($"| measured | {now} ({mode} run) |");
        string[] earlier = [.. rows.Where(r => r.CarriedOver).Select(r => r.MeasuredAtUtc).Distinct().Order(StringComparer.Ordinal)];
        if (earlier.Length > 0)
        {
            // --merge: say which rows this run measured, and when the others were.
            string measuredNow = string.Join(", ", rows.Where(r => !r.CarriedOver).Select(r => r.Method).Distinct());
            md.AppendLine($"| merged | this run measured {measuredNow}; every other row is carried over from {string.Join(", ", earlier)} (marked \"(earlier run)\" below) |");
        }

        md.AppendLine($"| OS | {machine.Os} |");
        md.AppendLine($"| CPU | {machine.Cpu} |");
        md.AppendLine($"| logical cores | {machine.Cores} |");
        md.AppendLine($"| load average | {machine.LoadAverage} |");
        md.AppendLine($"| runtime | {machine.Runtime} |");
        md.AppendLine($"| BenchmarkDotNet | {machine.BenchmarkDotNet} |");
        md.AppendLine($"| OpenAI SDK | {machine.OpenAiSdk} |");
        md.AppendLine($"| Anthropic SDK | {machine.AnthropicSdk} |").AppendLine();

        md.AppendLine("## Workloads").AppendLine();
        md.AppendLine("| workload | bytes | SSE events | streams | shape |").AppendLine("|---|---:|---:|---:|---|");
        foreach (string name in rows.Select(r => r.Workload).Distinct())
        {
            Workload w = Workloads.Get(name);
            md.AppendLine(Inv, $"| {name} | {w.TotalBytes:N0} | {w.EventCount:N0} | {w.Streams.Count} | {w.Description} |");
        }

        md.AppendLine().AppendLine("## Throughput (MB/s)").AppendLine();
        string[] workloads = [.. rows.Select(r => r.Workload).Distinct()];
        string[] methods = [.. rows.Select(r => r.Method).Distinct().OrderBy(MethodRank).ThenBy(m => m, StringComparer.Ordinal)];
        md.Append("| method |").AppendJoin("", workloads.Select(w => $" {w} |")).AppendLine();
        md.Append("|---|").AppendJoin("", workloads.Select(_ => "---:|")).AppendLine();
        foreach (string method in methods)
        {
            md.Append("| ").Append(method).Append(" |");
            foreach (string w in workloads)
            {
                ResultRow? row = rows.FirstOrDefault(r => r.Workload == w && r.Method == method);
                md.Append(' ').Append(row is null ? "–" : FormatMbps(row.MegabytesPerSecond)).Append(" |");
            }

            md.AppendLine();
        }

        md.AppendLine().AppendLine("![throughput](throughput.svg)").AppendLine();
        TypedReport.AppendMarkdown(md, rows);
        md.AppendLine("## Results per workload").AppendLine();
        foreach (string w in workloads)
        {
            Workload workload = Workloads.Get(w);
            md.AppendLine(Inv, $"### {w} ({workload.TotalBytes:N0} bytes, {workload.EventCount:N0} events)").AppendLine();
            md.AppendLine("| method | mean | ± stddev | MB/s | allocated / op | allocated / event | vs SDK | vs STJ | vs tokenize floor |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (ResultRow row in rows.Where(r => r.Workload == w))
            {
                md.Append(Inv, $"| {row.Method}{(row.CarriedOver ? " (earlier run)" : "")} | {FormatTime(row.MeanNs)} | {FormatTime(row.StdDevNs)} | {FormatMbps(row.MegabytesPerSecond)} | ");
                md.Append(row.AllocatedBytesPerOp is { } a ? FormatBytes(a) : "?").Append(" | ");
                md.Append(row.AllocatedBytesPerEvent is { } e ? e.ToString(e < 10 ? "0.##" : "N0", Inv) + " B" : "?").Append(" | ");
                md.Append(FormatRatio(Speedup(row, rows, TypedReport.SdkFor(row.Workload)))).Append(" | ");
                md.Append(FormatRatio(Speedup(row, rows, Stj))).Append(" | ");
                md.Append(FormatRatio(Speedup(row, rows, Floor))).AppendLine(" |");
            }

            md.AppendLine();
        }

        md.AppendLine("## Notes").AppendLine();
        foreach (string note in notes)
        {
            md.Append("- ").AppendLine(note);
        }

        return md.ToString();
    }

    internal static string FormatMbps(double mbps) => mbps.ToString(mbps >= 100 ? "N0" : mbps >= 10 ? "N1" : "N2", Inv);

    private static string FormatRatio(double? ratio) => ratio is { } r ? r.ToString(r >= 10 ? "N1" : "0.00", Inv) + "×" : "–";

    private static string FormatTime(double ns) => ns switch
    {
        >= 1e9 => (ns / 1e9).ToString("N3", Inv) + " s",
        >= 1e6 => (ns / 1e6).ToString("N3", Inv) + " ms",
        >= 1e3 => (ns / 1e3).ToString("N2", Inv) + " µs",
        _ => ns.ToString("N1", Inv) + " ns",
    };

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 10L * 1024 * 1024 => (bytes / 1024.0 / 1024.0).ToString("N1", Inv) + " MiB",
        >= 10L * 1024 => (bytes / 1024.0).ToString("N1", Inv) + " KiB",
        _ => bytes.ToString("N0", Inv) + " B",
    };

    // ---- JSON -------------------------------------------------------------------------------

    private static string Json(List<ResultRow> rows, MachineInfo machine, string mode, string now, List<string> notes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("generatedAtUtc", now);
            json.WriteString("mode", mode);
            json.WriteStartObject("machine");
            json.WriteString("os", machine.Os);
            json.WriteString("cpu", machine.Cpu);
            json.WriteNumber("logicalCores", machine.Cores);
            json.WriteString("loadAverage", machine.LoadAverage);
            json.WriteString("runtime", machine.Runtime);
            json.WriteString("benchmarkDotNet", machine.BenchmarkDotNet);
            json.WriteString("openAiSdk", machine.OpenAiSdk);
            json.WriteString("anthropicSdk", machine.AnthropicSdk);
            json.WriteEndObject();

            json.WriteStartArray("workloads");
            foreach (string name in rows.Select(r => r.Workload).Distinct())
            {
                Workload w = Workloads.Get(name);
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("description", w.Description);
                json.WriteNumber("bytes", w.TotalBytes);
                json.WriteNumber("events", w.EventCount);
                json.WriteNumber("streams", w.Streams.Count);
                json.WriteString("protocol", w.Protocol.ToString());
                json.WriteString("sdkMethod", TypedReport.SdkFor(name));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("results");
            foreach (ResultRow row in rows)
            {
                json.WriteStartObject();
                json.WriteString("workload", row.Workload);
                json.WriteString("method", row.Method);
                json.WriteString("job", row.Job);
                json.WriteNumber("meanNs", Math.Round(row.MeanNs, 1));
                json.WriteNumber("stdDevNs", Math.Round(row.StdDevNs, 1));
                json.WriteNumber("megabytesPerSecond", Math.Round(row.MegabytesPerSecond, 2));
                WriteNullable(json, "allocatedBytesPerOp", row.AllocatedBytesPerOp);
                WriteNullable(json, "allocatedBytesPerEvent", row.AllocatedBytesPerEvent is { } e ? Math.Round(e, 2) : null);
                json.WriteNumber("workloadBytes", row.WorkloadBytes);
                json.WriteNumber("workloadEvents", row.WorkloadEvents);
                WriteNullable(json, "speedupVsSdk", Round(Speedup(row, rows, TypedReport.SdkFor(row.Workload))));
                WriteNullable(json, "speedupVsStj", Round(Speedup(row, rows, Stj)));
                WriteNullable(json, "speedupVsTokenizeFloor", Round(Speedup(row, rows, Floor)));
                json.WriteString("measuredAtUtc", row.MeasuredAtUtc);
                json.WriteBoolean("carriedOver", row.CarriedOver);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            TypedReport.WriteJson(json, rows);
            json.WriteStartArray("notes");
            foreach (string note in notes)
            {
                json.WriteStringValue(note);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>Adds the rows of an earlier results.json (same CPU) for pairs this run did not measure.</summary>
    private static List<ResultRow> MergeWithPrevious(List<ResultRow> rows, string jsonPath, MachineInfo machine)
    {
        if (!File.Exists(jsonPath))
        {
            return rows;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            JsonElement root = doc.RootElement;
            if (root.GetProperty("machine").GetProperty("cpu").GetString() != machine.Cpu)
            {
                Console.WriteLine("--merge: the earlier results come from another CPU; not merged.");
                return rows;
            }

            var merged = new List<ResultRow>(rows);
            foreach (JsonElement r in root.GetProperty("results").EnumerateArray())
            {
                string workload = r.GetProperty("workload").GetString()!;
                string method = r.GetProperty("method").GetString()!;
                if (!Workloads.Names.Contains(workload) || merged.Any(m => m.Workload == workload && m.Method == method))
                {
                    continue;
                }

                JsonElement alloc = r.GetProperty("allocatedBytesPerOp");
                merged.Add(new ResultRow(
                    workload,
                    method,
                    r.GetProperty("job").GetString() ?? "",
                    r.GetProperty("meanNs").GetDouble(),
                    r.GetProperty("stdDevNs").GetDouble(),
                    alloc.ValueKind == JsonValueKind.Number ? alloc.GetInt64() : null,
                    Workloads.Get(workload).TotalBytes,
                    Workloads.Get(workload).EventCount,
                    r.GetProperty("measuredAtUtc").GetString() ?? "",
                    CarriedOver: true));
            }

            return merged;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Console.WriteLine($"--merge: cannot read {jsonPath} ({e.Message}); not merged.");
            return rows;
        }
    }
}

/// <summary>The machine a run happened on.</summary>
internal sealed record MachineInfo(string Os, string Cpu, int Cores, string LoadAverage, string Runtime, string BenchmarkDotNet, string OpenAiSdk, string AnthropicSdk)
{
    public static MachineInfo Current() => new(
        OsName(),
        CpuModel(),
        Environment.ProcessorCount,
        LoadAverageNow(),
        $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})",
        Version(typeof(BenchmarkSwitcher).Assembly),
        Version(typeof(OpenAI.Chat.ChatClient).Assembly),
        Version(typeof(global::Anthropic.AnthropicClient).Assembly));

    private static string Version(Assembly assembly)
    {
        string? v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return v is null ? assembly.GetName().Version?.ToString() ?? "?" : v.Split('+')[0];
    }

    // Other processes compete for the cores; a high load average explains a noisy run.
    private static string LoadAverageNow()
    {
        const string LoadAvg = "/proc/loadavg";
        return File.Exists(LoadAvg) ? string.Join(" / ", File.ReadAllText(LoadAvg).Split(' ').Take(3)) + " (1/5/15 min, when the report was written)" : "unknown";
    }

    private static string OsName()
    {
        const string OsRelease = "/etc/os-release";
        if (File.Exists(OsRelease))
        {
            string? pretty = File.ReadLines(OsRelease).FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (pretty is not null)
            {
                const string KernelRelease = "/proc/sys/kernel/osrelease";
                string kernel = File.Exists(KernelRelease) ? $", Linux kernel {File.ReadAllText(KernelRelease).Trim()}" : "";
                return pretty["PRETTY_NAME=".Length..].Trim('"') + kernel;
            }
        }

        return RuntimeInformation.OSDescription;
    }

    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (File.Exists(CpuInfo))
        {
            string[] lines = File.ReadAllLines(CpuInfo);
            string? Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l.AsSpan(name.Length).TrimStart().StartsWith(":"))
                ?.Split(':', 2)[1].Trim();
            if (Field("model name") is { } model)
            {
                // Some virtual machines report only the brand; family and model narrow it down.
                // (No clock speed: it varies between runs, and --merge compares this string.)
                string family = Field("cpu family") is { } f ? $", family {f}" : "";
                string modelNumber = Field("model") is { } m ? $" model {m}" : "";
                return $"{model} ({RuntimeInformation.ProcessArchitecture}{family}{modelNumber})";
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}

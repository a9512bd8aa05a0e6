using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StreamCore.Benchmarks;

/// <summary>
/// <c>--cli</c>: the command line timed from outside, as a benchmarker times a CLI. It publishes the
/// native program (<c>dotnet publish src/StreamCore.Cli -c Release -r linux-x64</c>), the same program
/// framework-dependent (JIT, what the command line was before), and the OpenAI SDK program
/// (<c>src/StreamCore.Benchmarks.OpenAiCli</c>, a Release console program); writes the two workloads
/// (<see cref="Workloads.CliContent"/>, <see cref="Workloads.CliTools"/>) to files; checks that every
/// program prints the same completion; then runs them in paired rounds (each round runs every program
/// once per workload, in a rotating order, as <c>sh -c 'exec PROGRAM assemble FILE &gt; /dev/null'</c>)
/// and takes the SDK-to-native ratio of wall times within each round. Allocation is each program's
/// own report of the whole process (<c>--stats</c>). Writes <c>bench-results/cli.md</c> and <c>cli.json</c>.
/// </summary>
internal static class CliProcessBenchmark
{
    private sealed record Program(string Name, string Path, string[] Prefix);

    public static int Run(string root, int rounds, TextWriter log)
    {
        string work = Path.Combine(root, "BenchmarkDotNet.Artifacts", "cli");
        Directory.CreateDirectory(work);
        string native = Path.Combine(work, "native");
        string jit = Path.Combine(work, "jit");
        string sdk = Path.Combine(work, "openai-sdk");
        Publish(root, log, "src/StreamCore.Cli", "-c", "Release", "-r", "linux-x64", "-o", native);
        Publish(root, log, "src/StreamCore.Cli", "-c", "Release", "-p:PublishAot=false", "-o", jit);
        Publish(root, log, "src/StreamCore.Benchmarks.OpenAiCli", "-c", "Release", "-o", sdk);
        Program[] programs =
        [
            new("streamcore (native)", Path.Combine(native, "streamcore"), ["assemble"]),
            new("OpenAI SDK program", Path.Combine(sdk, "openai-assemble"), []),
            new("streamcore (JIT)", Path.Combine(jit, "streamcore"), ["assemble"]),
        ];

        var files = new List<(string Name, string File, Workload Workload)>();
        foreach (string name in new[] { Workloads.CliContent, Workloads.CliTools })
        {
            Workload workload = Workloads.Get(name);
            string file = Path.Combine(work, name + ".sse");
            File.WriteAllBytes(file, workload.Streams[0]);
            files.Add((name, file, workload));
            log.WriteLine($"cli: {name}: {workload.TotalBytes / 1e6:0.0} MB, {workload.EventCount:N0} events -> {file}");
        }

        string sample = Path.Combine(root, "src", "StreamCore.Cli", "sample.sse");

        // Every program prints the same completion for each workload, and the generator's truth.
        foreach ((string name, string file, Workload workload) in files)
        {
            foreach (Program program in programs)
            {
                string output = Path.Combine(work, $"{name}.{program.Name.Split(' ')[0]}-{program.Name.Length}.json");
                int exit = Execute(program, file, output, stats: null);
                string? difference = exit == 0 ? Difference(JsonNode.Parse(File.ReadAllBytes(output))!, workload.Expected![0]) : $"exit code {exit}";
                if (difference is not null)
                {
                    log.WriteLine($"cli: {program.Name} on {name}: {difference}; not measuring.");
                    return 1;
                }
            }
        }

        log.WriteLine("cli: every program prints the generator's completion");

        // Paired rounds: within a round every program runs once per input, the order rotating.
        var inputs = files.Select(f => (f.Name, f.File)).Append(("sample", sample)).ToArray();
        var times = inputs.ToDictionary(i => i.Item1, _ => programs.ToDictionary(p => p.Name, _ => new List<double>()));
        for (int round = -1; round < rounds; round++)
        {
            foreach ((string name, string file) in inputs)
            {
                for (int i = 0; i < programs.Length; i++)
                {
                    Program program = programs[(i + Math.Max(round, 0)) % programs.Length];
                    var clock = Stopwatch.StartNew();
                    Execute(program, file, "/dev/null", stats: null);
                    if (round >= 0)
                    {
                        times[name][program.Name].Add(clock.Elapsed.TotalSeconds);
                    }
                }
            }

            log.WriteLine($"cli: round {round + 1} of {rounds}" + (round < 0 ? " (warm-up: files cached, not counted)" : string.Empty));
        }

        // Allocation of the whole process, from each program's own --stats line.
        var stats = new Dictionary<string, Dictionary<string, JsonNode>>();
        foreach ((string name, string file, _) in files)
        {
            stats[name] = [];
            foreach (Program program in programs)
            {
                string statsFile = Path.Combine(work, "stats.txt");
                Execute(program, file, "/dev/null", statsFile);
                string line = File.ReadAllLines(statsFile).Last(l => l.StartsWith('{'));
                stats[name][program.Name] = JsonNode.Parse(line)!;
            }
        }

        Write(root, rounds, programs, files, times, stats, log);
        return 0;
    }

    private static void Publish(string root, TextWriter log, params string[] args)
    {
        log.WriteLine("cli: dotnet publish " + string.Join(' ', args));
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true };
        start.ArgumentList.Add("publish");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet publish failed:\n" + output);
        }
    }

    /// <summary>Runs <c>sh -c 'exec PROGRAM [assemble] FILE [--stats] &gt; OUTPUT [2&gt; STATS]'</c> and returns its exit code.</summary>
    private static int Execute(Program program, string file, string output, string? stats)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = stats is null };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" > \"$OUT\"" + (stats is null ? " 2> /dev/null" : " 2> \"$STATS\""));
        start.ArgumentList.Add(program.Path);
        foreach (string arg in program.Prefix)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(file);
        if (stats is not null)
        {
            start.ArgumentList.Add("--stats");
            start.Environment["STATS"] = stats;
        }

        start.Environment["OUT"] = output;
        using Process process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Where a printed completion differs from the generator's truth (content, finish reason, tool calls), or null.</summary>
    private static string? Difference(JsonNode completion, AssembledResult expected)
    {
        ChoiceResult truth = expected.Choices[0];
        JsonNode choice = completion["choices"]![0]!;
        JsonNode message = choice["message"]!;
        if ((string?)message["content"] != truth.Content)
        {
            return "content differs";
        }

        if ((string?)choice["finish_reason"] != truth.FinishReason)
        {
            return "finish reason differs";
        }

        JsonArray calls = message["tool_calls"]?.AsArray() ?? [];
        if (calls.Count != truth.ToolCalls.Count)
        {
            return $"{calls.Count} tool calls, not {truth.ToolCalls.Count}";
        }

        for (int i = 0; i < calls.Count; i++)
        {
            JsonNode call = calls[i]!;
            ToolCallResult want = truth.ToolCalls[i];
            if ((string?)call["id"] != want.Id || (string?)call["function"]!["name"] != want.Name || (string?)call["function"]!["arguments"] != want.Arguments)
            {
                return $"tool call {i} differs";
            }
        }

        return null;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Write(
        string root,
        int rounds,
        Program[] programs,
        List<(string Name, string File, Workload Workload)> files,
        Dictionary<string, Dictionary<string, List<double>>> times,
        Dictionary<string, Dictionary<string, JsonNode>> stats,
        TextWriter log)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        var json = new JsonObject { ["rounds"] = rounds, ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", inv), ["runtime"] = Environment.Version.ToString() };
        md.AppendLine("# The command line, timed from outside");
        md.AppendLine();
        md.AppendLine(inv, $"Written by `dotnet run -c Release --project src/StreamCore.Benchmarks -- --cli` on {json["date"]} ({Environment.ProcessorCount} cores, .NET {Environment.Version}).");
        md.AppendLine(inv, $"{rounds} paired rounds after one warm-up round; in each round every program runs once per input, in a rotating order, as");
        md.AppendLine("`sh -c 'exec PROGRAM [assemble] FILE > /dev/null'`, timed from start to exit (wall time). A ratio is taken within each round;");
        md.AppendLine("the table gives the median of the rounds and, in brackets, the lowest and highest.");
        md.AppendLine();
        md.AppendLine("- **streamcore (native)**: `dotnet publish src/StreamCore.Cli -c Release -r linux-x64` (Native AOT), `streamcore assemble FILE`.");
        md.AppendLine("- **OpenAI SDK program**: `src/StreamCore.Benchmarks.OpenAiCli` (OpenAI 2.15.0, Release, framework-dependent): the file served through the SDK's own HTTP pipeline, `CompleteChatStreaming`, content and tool calls accumulated as SDK users do, the completion written with `Utf8JsonWriter`.");
        md.AppendLine("- **streamcore (JIT)**: the same `streamcore` published framework-dependent (`-p:PublishAot=false`), as the command line ran before.");
        md.AppendLine();
        md.AppendLine("Every program is first checked to print the generator's completion (content, finish reason, tool-call ids, names and arguments) for both workloads.");
        md.AppendLine();
        md.AppendLine("## Wall time per run (median of the rounds)");
        md.AppendLine();
        md.AppendLine("| input | " + string.Join(" | ", programs.Select(p => p.Name)) + " | SDK ÷ native (paired) | JIT ÷ native (paired) |");
        md.AppendLine("|---|" + string.Concat(programs.Select(_ => "---:|")) + "---:|---:|");
        var timesJson = new JsonObject();
        foreach ((string input, Dictionary<string, List<double>> byProgram) in times)
        {
            List<double> nativeTimes = byProgram[programs[0].Name];
            double[] sdkRatio = byProgram[programs[1].Name].Zip(nativeTimes, (s, n) => s / n).ToArray();
            double[] jitRatio = byProgram[programs[2].Name].Zip(nativeTimes, (s, n) => s / n).ToArray();
            string label = input == "sample" ? "built-in sample (1 KB: startup)" : $"{input} ({files.First(f => f.Name == input).Workload.TotalBytes / 1e6:0.0} MB)";
            md.Append(inv, $"| {label} | ");
            md.Append(string.Join(" | ", programs.Select(p => FormattableString.Invariant($"{Median(byProgram[p.Name]) * 1000:0.0} ms"))));
            md.AppendLine(inv, $" | **{Median(sdkRatio):0.00}×** ({sdkRatio.Min():0.00}–{sdkRatio.Max():0.00}) | {Median(jitRatio):0.00}× ({jitRatio.Min():0.00}–{jitRatio.Max():0.00}) |");
            var entry = new JsonObject();
            foreach (Program program in programs)
            {
                entry[program.Name] = new JsonArray(byProgram[program.Name].Select(t => (JsonNode)JsonValue.Create(Math.Round(t, 6))).ToArray());
            }

            entry["sdkOverNativeMedian"] = Math.Round(Median(sdkRatio), 3);
            entry["jitOverNativeMedian"] = Math.Round(Median(jitRatio), 3);
            timesJson[input] = entry;
        }

        json["seconds"] = timesJson;
        md.AppendLine();
        md.AppendLine("Throughput of the native program (input bytes ÷ median wall time, startup included): " + string.Join(", ", files.Select(f =>
            FormattableString.Invariant($"{f.Name} {f.Workload.TotalBytes / 1e6 / Median(times[f.Name][programs[0].Name]):0} MB/s"))) + ".");
        md.AppendLine();
        md.AppendLine("## Allocation of the whole process (`--stats`)");
        md.AppendLine();
        md.AppendLine("`allocatedBytes` is `GC.GetTotalAllocatedBytes` at the end of the run: everything the process allocated, startup included.");
        md.AppendLine("`assemblyAllocatedBytes` is what `streamcore` allocated between opening the input and holding the result (before writing it).");
        md.AppendLine("The SDK program reports `allocatedBytes` the same way.");
        md.AppendLine();
        md.AppendLine("| input | events | native: allocated | per event | of which assembly | JIT: allocated | per event | SDK program: allocated | per event |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var statsJson = new JsonObject();
        foreach ((string name, _, Workload workload) in files)
        {
            JsonNode nativeStats = stats[name][programs[0].Name];
            JsonNode jitStats = stats[name][programs[2].Name];
            JsonNode sdkStats = stats[name][programs[1].Name];
            long events = (long)nativeStats["events"]!;
            long nativeAllocated = (long)nativeStats["allocatedBytes"]!;
            long jitAllocated = (long)jitStats["allocatedBytes"]!;
            long sdkAllocated = (long)sdkStats["allocatedBytes"]!;
            md.AppendLine(inv, $"| {name} | {events:N0} | {nativeAllocated:N0} B | **{(double)nativeAllocated / events:0.0} B** | {(long)nativeStats["assemblyAllocatedBytes"]!:N0} B | {jitAllocated:N0} B | {(double)jitAllocated / events:0.0} B | {sdkAllocated:N0} B | {(double)sdkAllocated / events:0} B |");
            statsJson[name] = new JsonObject
            {
                ["events"] = events,
                ["native"] = nativeStats.DeepClone(),
                ["jit"] = jitStats.DeepClone(),
                ["openAiSdk"] = sdkStats.DeepClone(),
            };
        }

        json["stats"] = statsJson;
        string directory = Path.Combine(root, "bench-results");
        File.WriteAllText(Path.Combine(directory, "cli.md"), md.ToString());
        File.WriteAllText(Path.Combine(directory, "cli.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        log.WriteLine(md.ToString());
        log.WriteLine("wrote bench-results/cli.md, cli.json");
    }
}

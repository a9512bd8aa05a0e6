using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StreamCore.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project src/StreamCore.Benchmarks [-- options]</c>
/// <list type="bullet">
/// <item><c>--quick</c>: few, short iterations (a fast look; numbers are rough).</item>
/// <item><c>--merge</c>: keep rows of an earlier bench-results/results.json that this run did not measure.</item>
/// <item><c>--skip-check</c>: skip the correctness self-check; <c>--check-only</c>: run it and stop (exit code 0 or 1).</item>
/// <item><c>--workload a,b</c>: only these workloads (names as in the report; chat and typed-protocol ones).</item>
/// <item><c>--paired</c>: only the target ratios measured in paired rounds (<see cref="PairedRatios"/>).</item>
/// <item><c>--recording-allocation</c>: one stream's allocation, each recording alone (<see cref="RecordingAllocation"/>).</item>
/// <item><c>--cli</c>: only the command line, timed from outside against the OpenAI SDK program (<see cref="CliProcessBenchmark"/>).</item>
/// <item><c>--scenarios</c>: only the latency and concurrency scenarios; <c>--no-scenarios</c>: skip them.</item>
/// <item>anything else goes to BenchmarkDotNet (<c>--filter *Sse*</c>, <c>--job short</c>, <c>--list flat</c>, ...).</item>
/// </list>
/// </summary>
public static class Program
{
    private static readonly string[] OwnFlags = ["--quick", "--merge", "--skip-check", "--check-only", "--scenarios", "--no-scenarios", "--paired", "--cli", "--recording-allocation"];

    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool quick = args.Contains("--quick");
        if (args.Contains("--recording-allocation"))
        {
            // One stream's allocation, recording by recording: no BenchmarkDotNet.
            return RecordingAllocation.Run(Path.Combine(RepositoryRoot(), "bench-results"), Console.Out);
        }

        if (args.Contains("--cli"))
        {
            // The command line timed from outside: no BenchmarkDotNet, no self-check of its methods.
            return CliProcessBenchmark.Run(RepositoryRoot(), rounds: quick ? 3 : 11, Console.Out);
        }

        bool merge = args.Contains("--merge");
        bool skipCheck = args.Contains("--skip-check");
        bool scenariosOnly = args.Contains("--scenarios");
        bool runScenarios = scenariosOnly || !args.Contains("--no-scenarios");
        var bdnArgs = args.Where(a => !OwnFlags.Contains(a)).ToList();
        int workloadFlag = bdnArgs.IndexOf("--workload");
        if (workloadFlag >= 0)
        {
            if (workloadFlag + 1 >= bdnArgs.Count)
            {
                Console.Error.WriteLine("--workload needs a comma-separated list: " + string.Join(",", Workloads.Names));
                return 2;
            }

            string[] chosen = bdnArgs[workloadFlag + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string[] unknown = chosen.Where(name => !Workloads.Names.Contains(name)).ToArray();
            if (chosen.Length == 0 || unknown.Length > 0)
            {
                Console.Error.WriteLine($"Unknown workload '{string.Join(",", unknown)}'. Known: {string.Join(",", Workloads.Names)}.");
                return 2;
            }

            WorkloadBenchmark.Selected = chosen;
            bdnArgs.RemoveRange(workloadFlag, 2);
        }

        bool infoOnly = bdnArgs.Any(a => a is "--list" or "--help" or "-h" or "--version" or "--info");
        bool jobFromCommandLine = bdnArgs.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
        if (!infoOnly && !bdnArgs.Any(a => a is "--filter" or "-f" || a.StartsWith("--filter=", StringComparison.Ordinal)))
        {
            // Without a filter BenchmarkSwitcher asks interactively; the default is to run everything.
            bdnArgs.AddRange(["--filter", "*"]);
        }

        // The self-check checks what this run measures: the chosen workloads and the methods the filter selects.
        BenchmarkSelection selection = BenchmarkSelection.From(WorkloadBenchmark.Selected, bdnArgs);
        if (args.Contains("--check-only"))
        {
            return SelfCheck.Run(Console.Out, selection) ? 0 : 1;
        }

        if (args.Contains("--paired"))
        {
            PairedRatios.Run(Path.Combine(RepositoryRoot(), "bench-results"), WorkloadBenchmark.Selected ?? Workloads.Names, quick, Console.Out);
            return 0;
        }

        if (scenariosOnly)
        {
            Scenarios.RunAsync(Path.Combine(RepositoryRoot(), "bench-results"), quick, Console.Out).GetAwaiter().GetResult();
            return 0;
        }

        if (!infoOnly && !skipCheck && !SelfCheck.Run(Console.Out, selection))
        {
            Console.Error.WriteLine("The self-check failed: a method does not read the workloads correctly; not benchmarking.");
            return 1;
        }

        Summary[] summaries = BenchmarkSwitcher
            .FromAssembly(typeof(Program).Assembly)
            .Run([.. bdnArgs], BenchConfig.Create(quick, jobFromCommandLine))
            .ToArray();

        if (infoOnly || summaries.All(s => s.Reports.IsEmpty))
        {
            return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
        }

        string mode = jobFromCommandLine ? "command-line job" : quick ? "quick" : "default";
        string outputDir = Path.Combine(RepositoryRoot(), "bench-results");
        IReadOnlyList<string> written = ReportWriter.Write(summaries, outputDir, mode, merge, SelfCheck.Notes);
        foreach (string file in written)
        {
            Console.WriteLine("wrote " + file);
        }

        // A filtered run is a partial look; the full run also measures latency and concurrency.
        bool filtered = (bdnArgs.Any(a => a is "--filter" or "-f") && !bdnArgs.Contains("*")) || WorkloadBenchmark.Selected is not null;
        if (!filtered)
        {
            // The same comparisons in paired rounds, which the machine's drift over minutes does not skew.
            PairedRatios.Run(outputDir, Workloads.Names, quick, Console.Out);
        }

        if (runScenarios && !filtered)
        {
            Scenarios.RunAsync(outputDir, quick, Console.Out).GetAwaiter().GetResult();
        }

        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>The directory holding StreamCore.sln, above this program (or the current directory).</summary>
    internal static string RepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "StreamCore.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace StreamCore.Benchmarks;

/// <summary>
/// What a run measures: the workloads (<c>--workload</c>) and the benchmarks BenchmarkDotNet's
/// <c>--filter</c> globs select (matched, as BenchmarkDotNet does, against
/// <c>Namespace.Class.Method</c>, case-insensitively). The self-check checks only these, so that
/// <c>--filter '*Baseline*'</c> can run the baselines while a method they exclude cannot read a
/// workload yet.
/// </summary>
internal sealed class BenchmarkSelection
{
    private readonly Regex[]? _patterns;

    private BenchmarkSelection(IReadOnlyList<string> workloads, Regex[]? patterns)
    {
        Workloads = workloads;
        _patterns = patterns;
    }

    /// <summary>Everything: every workload and every benchmark.</summary>
    public static BenchmarkSelection All { get; } = new(Benchmarks.Workloads.Names, null);

    /// <summary>The selected workloads, in report order.</summary>
    public IReadOnlyList<string> Workloads { get; }

    /// <summary>From the chosen workloads (null: all) and the arguments left for BenchmarkDotNet.</summary>
    public static BenchmarkSelection From(IReadOnlyList<string>? workloads, IReadOnlyList<string> benchmarkDotNetArgs)
    {
        ArgumentNullException.ThrowIfNull(benchmarkDotNetArgs);
        var globs = new List<string>();
        for (int i = 0; i < benchmarkDotNetArgs.Count; i++)
        {
            string arg = benchmarkDotNetArgs[i];
            if (arg.StartsWith("--filter=", StringComparison.Ordinal))
            {
                globs.Add(arg["--filter=".Length..]);
            }
            else if (arg is "--filter" or "-f")
            {
                for (i++; i < benchmarkDotNetArgs.Count && !benchmarkDotNetArgs[i].StartsWith('-'); i++)
                {
                    globs.Add(benchmarkDotNetArgs[i]);
                }

                i--;
            }
        }

        IReadOnlyList<string> chosen = workloads is null ? Benchmarks.Workloads.Names : [.. Benchmarks.Workloads.Names.Where(workloads.Contains)];
        Regex[]? patterns = globs.Count == 0 || globs.Contains("*")
            ? null
            : [.. globs.Select(g => new Regex("^" + Regex.Escape(g).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))];
        return new BenchmarkSelection(chosen, patterns);
    }

    /// <summary>Whether the run measures <paramref name="method"/> of <paramref name="benchmarkClass"/>.</summary>
    public bool Includes(Type benchmarkClass, string method)
    {
        ArgumentNullException.ThrowIfNull(benchmarkClass);
        return _patterns is null || _patterns.Any(p => p.IsMatch(benchmarkClass.FullName + "." + method));
    }
}

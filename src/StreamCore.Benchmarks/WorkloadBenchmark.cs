using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace StreamCore.Benchmarks;

/// <summary>
/// Base for every benchmark class: a <c>Workload</c> parameter over <see cref="Workloads.Names"/>.
/// The report writer keys rows by this parameter's value and the benchmark method's name, so a new
/// class deriving from this one (such as the lead's <c>StreamCore_EndToEnd</c>) appears in the
/// report, the JSON and the chart without further changes.
/// </summary>
public abstract class WorkloadBenchmark
{
    public const string ParameterName = nameof(Workload);

    public static IEnumerable<string> WorkloadNames => Selected ?? Workloads.Names;

    /// <summary>The workloads <c>--workload</c> chose, or null for all of them.</summary>
    public static IReadOnlyList<string>? Selected { get; set; }

    [ParamsSource(nameof(WorkloadNames))]
    public string Workload { get; set; } = Workloads.Content4K;

    /// <summary>The selected workload, loaded in <see cref="LoadWorkload"/>.</summary>
    protected Workload Data { get; private set; } = null!;

    [GlobalSetup]
    public void LoadWorkload()
    {
        Data = Workloads.Get(Workload);
        Setup();
    }

    /// <summary>Per-class setup after the workload is loaded.</summary>
    protected virtual void Setup()
    {
    }
}

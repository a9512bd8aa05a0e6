using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace StreamCore.Benchmarks;

/// <summary>
/// Base for every benchmark class: a <c>Workload</c> parameter over the workloads of the class's
/// <see cref="Family"/> (the chat workloads unless a class says otherwise), narrowed by
/// <c>--workload</c>. The report writer keys rows by this parameter's value and the benchmark
/// method's name, so a new class deriving from this one appears in the report, the JSON and the
/// chart without further changes; classes of different families may share method names
/// (<c>StreamCore_EndToEnd</c> on chat and on typed workloads is one row of the report).
/// </summary>
public abstract class WorkloadBenchmark
{
    public const string ParameterName = nameof(Workload);

    /// <summary>The workloads <c>--workload</c> chose, or null for all of them.</summary>
    public static IReadOnlyList<string>? Selected { get; set; }

    /// <summary>
    /// The parameter's values: the family's workloads that are selected. BenchmarkDotNet reads this
    /// on an instance of the benchmark class; a class none of whose workloads is selected has no
    /// benchmark cases and does not run.
    /// </summary>
    public IEnumerable<string> WorkloadNames => Family.Where(name => Selected is null || Selected.Contains(name));

    [ParamsSource(nameof(WorkloadNames))]
    public string Workload { get; set; } = Workloads.Content4K;

    /// <summary>The selected workload, loaded in <see cref="LoadWorkload"/>.</summary>
    protected Workload Data { get; private set; } = null!;

    /// <summary>The workloads this class measures (<see cref="Workloads.ChatNames"/> by default).</summary>
    protected virtual IReadOnlyList<string> Family => Workloads.ChatNames;

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

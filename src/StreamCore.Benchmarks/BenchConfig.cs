using BenchmarkDotNet.Configs;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;

namespace StreamCore.Benchmarks;

/// <summary>
/// The jobs: a default one sized so the whole suite stays well under 20 minutes on 2 cores, and a
/// quick one for a fast look (<c>--quick</c>). A <c>--job</c> given on the command line replaces both.
/// </summary>
internal static class BenchConfig
{
    public static IConfig Create(bool quick, bool jobFromCommandLine)
    {
        ManualConfig config = ManualConfig.Create(DefaultConfig.Instance);
        if (!jobFromCommandLine)
        {
            config.AddJob(quick ? QuickJob : DefaultJob);
        }

        return config;
    }

    public static Job DefaultJob { get; } = Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(10)
        .WithId("Default");

    public static Job QuickJob { get; } = Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(5)
        .WithIterationTime(TimeInterval.FromMilliseconds(200))
        .WithId("Quick");
}

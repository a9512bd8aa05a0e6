using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using StreamCore.Benchmarks.Baselines;

namespace StreamCore.Benchmarks;

/// <summary>SseParser + System.Text.Json source-generated chunks + StringBuilders (see <see cref="SseParserStjBaseline"/>).</summary>
[MemoryDiagnoser]
public class BaselineSseParserStjBenchmarks : WorkloadBenchmark
{
    [Benchmark]
    public int Baseline_SseParserStj()
    {
        int choices = 0;
        foreach (byte[] body in Data.Streams)
        {
            choices += SseParserStjBaseline.Assemble(new MemoryStream(body, writable: false)).Choices.Count;
        }

        return choices;
    }
}

/// <summary>The OpenAI .NET SDK's streaming chat client fed through an in-memory HTTP handler (see <see cref="OpenAiSdkBaseline"/>).</summary>
[MemoryDiagnoser]
public class BaselineOpenAiSdkBenchmarks : WorkloadBenchmark
{
    private OpenAiSdkBaseline _sdk = null!;

    protected override void Setup() => _sdk = new OpenAiSdkBaseline();

    [Benchmark]
    public int Baseline_OpenAiSdk()
    {
        int choices = 0;
        foreach (byte[] body in Data.Streams)
        {
            try
            {
                choices += _sdk.Assemble(body).Choices.Count;
            }
            catch (ArgumentOutOfRangeException)
            {
                // The SDK rejects content-part kinds it does not know (one corpus stream); a caller gets this exception.
                choices--;
            }
        }

        return choices;
    }
}

using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using StreamCore.Benchmarks.Baselines;

namespace StreamCore.Benchmarks;

/// <summary>
/// StreamCore on the typed-protocol workloads (OpenAI Responses, Anthropic Messages), through the
/// general entry point <see cref="ModelStream"/>, the protocol detected from the first event. Same
/// method names as on chat (<see cref="StreamCoreEndToEndBenchmarks"/>): one row each in the report.
/// </summary>
[MemoryDiagnoser]
public class TypedStreamCoreBenchmarks : WorkloadBenchmark
{
    protected override IReadOnlyList<string> Family => Workloads.TypedNames;

    /// <summary>
    /// <see cref="ModelStream.AssembleAsync(Stream, StreamOptions?, System.Threading.CancellationToken)"/>
    /// over a stream, as over an HTTP body, then the normalized strings a caller keeps (<see cref="Materialize"/>).
    /// </summary>
    [Benchmark]
    public async ValueTask<long> StreamCore_EndToEnd()
    {
        long total = 0;
        foreach (byte[] body in Data.Streams)
        {
            using StreamResult result = await ModelStream.AssembleAsync(new MemoryStream(body, writable: false));
            total += Materialize(result);
        }

        return total;
    }

    /// <summary>The update stream: every update consumed (text and JSON bytes counted), nothing materialized.</summary>
    [Benchmark]
    public async ValueTask<long> StreamCore_Updates()
    {
        long total = 0;
        foreach (byte[] body in Data.Streams)
        {
            PipeReader pipe = PipeReader.Create(new ReadOnlySequence<byte>(body));
            StreamResult? result = null;
            await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(pipe))
            {
                total += update.Utf8Text.Length + update.Json.Length;
                result = update.Result;
            }

            result?.Dispose();
            await pipe.CompleteAsync();
        }

        return total;
    }

    /// <summary>Builds the strings a caller keeps (id, model, text, refusal, reasoning, stop reason, each tool call's id, name and arguments); returns their total length.</summary>
    internal static long Materialize(StreamResult result)
    {
        long length = (result.Id?.Length ?? 0) + (result.Model?.Length ?? 0) + (result.Text?.Length ?? 0) + (result.Refusal?.Length ?? 0)
            + (result.Reasoning?.Length ?? 0) + (result.StopReason?.Length ?? 0);
        foreach (ToolCall call in result.ToolCalls)
        {
            length += (call.Id?.Length ?? 0) + (call.Name?.Length ?? 0) + call.Arguments.Length;
        }

        return length;
    }

    /// <summary>Converts to the self-check's shape.</summary>
    internal static TypedResult ToTypedResult(StreamResult result)
    {
        var typed = new TypedResult { Text = result.Text, Reasoning = result.Reasoning, Refusal = result.Refusal };
        foreach (ToolCall call in result.ToolCalls)
        {
            typed.ToolCalls.Add(new ToolCallResult { Index = call.Position, Id = call.Id, Name = call.Name, Arguments = call.Arguments });
        }

        if (result.HasProviderError)
        {
            typed.Error = System.Text.Encoding.UTF8.GetString(result.ErrorJson.Span);
        }

        return typed;
    }
}

/// <summary>The tokenize floor on the typed workloads: the same definition as on chat (<see cref="FloorBenchmarks.Tokenize(IReadOnlyList{byte[]})"/>).</summary>
[MemoryDiagnoser]
public class TypedFloorBenchmarks : WorkloadBenchmark
{
    protected override IReadOnlyList<string> Family => Workloads.TypedNames;

    [Benchmark]
    public long Floor_Utf8JsonReaderTokenize() => FloorBenchmarks.Tokenize(Data.Streams);
}

/// <summary>The OpenAI .NET SDK 2.15 streaming a Responses body through an in-memory HTTP handler (see <see cref="OpenAiResponsesSdkBaseline"/>).</summary>
[MemoryDiagnoser]
public class BaselineOpenAiResponsesSdkBenchmarks : WorkloadBenchmark
{
    private OpenAiResponsesSdkBaseline _sdk = null!;

    protected override IReadOnlyList<string> Family => Workloads.ResponsesNames;

    [Benchmark]
    public async Task<int> Baseline_OpenAiResponsesSdk()
    {
        int read = 0;
        foreach (byte[] body in Data.Streams)
        {
            try
            {
                read += (await _sdk.AssembleAsync(body)).ToolCalls.Count + 1;
            }
            catch (FormatException)
            {
                // The SDK rejects the corpus's image-generation stream (its partial image is cut short); a caller gets this exception.
                read--;
            }
        }

        return read;
    }

    protected override void Setup() => _sdk = new OpenAiResponsesSdkBaseline();
}

/// <summary>The Anthropic .NET SDK 13.14 streaming a Messages body through an in-memory HTTP handler, then <c>Aggregate()</c> (see <see cref="AnthropicSdkBaseline"/>).</summary>
[MemoryDiagnoser]
public class BaselineAnthropicSdkBenchmarks : WorkloadBenchmark
{
    private AnthropicSdkBaseline _sdk = null!;

    protected override IReadOnlyList<string> Family => Workloads.AnthropicNames;

    [Benchmark]
    public async Task<int> Baseline_AnthropicSdk()
    {
        int read = 0;
        foreach (byte[] body in Data.Streams)
        {
            try
            {
                read += (await _sdk.AssembleAsync(body)).ToolCalls.Count + 1;
            }
            catch (global::Anthropic.Exceptions.AnthropicException)
            {
                // Aggregate() throws on a stream that ends without message_stop (two corpus fixtures) and on error events; a caller gets this exception.
                read--;
            }
        }

        return read;
    }

    protected override void Setup() => _sdk = new AnthropicSdkBaseline();
}

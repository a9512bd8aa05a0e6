using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using StreamCore.Chat;

namespace StreamCore.Benchmarks;

/// <summary>
/// StreamCore from bytes to the assembled result, over the same bodies as the baselines. The
/// strings a caller keeps (content, refusal, reasoning, finish reason, tool-call id, name and
/// arguments) are materialized, as the baselines build them; logprobs stay raw JSON in the result.
/// </summary>
[MemoryDiagnoser]
public class StreamCoreEndToEndBenchmarks : WorkloadBenchmark
{
    /// <summary>One call: <see cref="ChatStream.AssembleAsync(Stream, ChatStreamOptions?, System.Threading.CancellationToken)"/> over a stream, as over an HTTP body.</summary>
    [Benchmark]
    public async ValueTask<long> StreamCore_EndToEnd()
    {
        long total = 0;
        foreach (byte[] body in Data.Streams)
        {
            using ChatCompletionResult result = await ChatStream.AssembleAsync(new MemoryStream(body, writable: false));
            total += Materialize(result);
        }

        return total;
    }

    /// <summary>The update stream: every update consumed (text deltas' bytes counted), nothing materialized.</summary>
    [Benchmark]
    public async ValueTask<long> StreamCore_Updates()
    {
        long total = 0;
        foreach (byte[] body in Data.Streams)
        {
            PipeReader pipe = PipeReader.Create(new ReadOnlySequence<byte>(body));
            ChatCompletionResult? result = null;
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(pipe))
            {
                total += update.Utf8Text.Length;
                result = update.Completion;
            }

            result?.Dispose();
            await pipe.CompleteAsync();
        }

        return total;
    }

    /// <summary>Builds the strings a caller keeps; returns their total length so the work is not dead code.</summary>
    internal static long Materialize(ChatCompletionResult result)
    {
        long length = (result.Id?.Length ?? 0) + (result.Model?.Length ?? 0);
        foreach (ChatChoice choice in result.Choices)
        {
            length += (choice.Role?.Length ?? 0) + (choice.Content?.Length ?? 0) + (choice.Refusal?.Length ?? 0)
                + (choice.Reasoning?.Length ?? 0) + (choice.FinishReason?.Length ?? 0);
            foreach (ChatToolCall call in choice.ToolCalls)
            {
                length += (call.Id?.Length ?? 0) + (call.Name?.Length ?? 0) + call.Arguments.Length;
            }
        }

        return length;
    }

    /// <summary>Converts to the baselines' result shape, for the self-check only.</summary>
    internal static AssembledResult ToAssembledResult(ChatCompletionResult result)
    {
        var assembled = new AssembledResult { Id = result.Id, Model = result.Model };
        foreach (ChatChoice choice in result.Choices)
        {
            var converted = new ChoiceResult
            {
                Role = choice.Role,
                Content = choice.Content,
                Refusal = choice.Refusal,
                Reasoning = choice.Reasoning,
                FinishReason = choice.FinishReason,
            };
            foreach (ChatToolCall call in choice.ToolCalls)
            {
                converted.ToolCalls.Add(new ToolCallResult { Index = call.Position, Id = call.Id, Name = call.Name, Arguments = call.Arguments });
            }

            assembled.Choices[choice.Index] = converted;
        }

        if (result.HasProviderError)
        {
            assembled.Error = System.Text.Encoding.UTF8.GetString(result.ErrorJson.Span);
        }

        return assembled;
    }
}

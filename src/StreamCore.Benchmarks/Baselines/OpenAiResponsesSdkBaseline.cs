using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using OpenAI.Responses;

// The SDK marks its whole Responses API as evaluation-only (OPENAI001); this baseline measures it as shipped.
#pragma warning disable OPENAI001

namespace StreamCore.Benchmarks.Baselines;

/// <summary>
/// The OpenAI .NET SDK (2.15.0) reading a Responses stream through its own HTTP pipeline
/// (<see cref="ResponsesClient.CreateResponseStreamingAsync(string, string, string, System.Threading.CancellationToken)"/>;
/// the SDK has no synchronous streaming call for Responses), with the accumulation its users write:
/// a <see cref="StringBuilder"/> per text, refusal and reasoning part, keyed by output and part
/// index; function calls opened by <c>output_item.added</c>, their argument deltas appended, the
/// <c>.done</c> value kept as final (some servers send arguments only there).
/// </summary>
public sealed class OpenAiResponsesSdkBaseline
{
    private readonly CannedResponseHandler _handler = new();
    private readonly ResponsesClient _client;

    public OpenAiResponsesSdkBaseline()
    {
        var options = new ResponsesClientOptions
        {
            Transport = new HttpClientPipelineTransport(new HttpClient(_handler)),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        _client = new ResponsesClient(new ApiKeyCredential("test"), options);
    }

    /// <summary>Streams <paramref name="body"/> through the SDK and accumulates what it surfaces.</summary>
    public async Task<TypedResult> AssembleAsync(byte[] body)
    {
        _handler.Body = body;
        var text = new SortedDictionary<(int Output, int Part), StringBuilder>();
        var refusal = new SortedDictionary<(int Output, int Part), StringBuilder>();
        var reasoning = new SortedDictionary<(int Output, int Kind, int Part), StringBuilder>();
        var calls = new SortedDictionary<int, FunctionCall>();
        var result = new TypedResult();

        await foreach (StreamingResponseUpdate update in await _client.CreateResponseStreamingAsync("gpt-5.1", "Benchmark prompt"))
        {
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    Part(text, (delta.OutputIndex, delta.ContentIndex)).Append(delta.Delta);
                    break;
                case StreamingResponseOutputTextDoneUpdate done:
                    Part(text, (done.OutputIndex, done.ContentIndex)).Clear().Append(done.Text);
                    break;
                case StreamingResponseRefusalDeltaUpdate delta:
                    Part(refusal, (delta.OutputIndex, delta.ContentIndex)).Append(delta.Delta);
                    break;
                case StreamingResponseRefusalDoneUpdate done:
                    Part(refusal, (done.OutputIndex, done.ContentIndex)).Clear().Append(done.Refusal);
                    break;
                case StreamingResponseReasoningSummaryTextDeltaUpdate delta:
                    Part(reasoning, (delta.OutputIndex, 0, delta.SummaryIndex)).Append(delta.Delta);
                    break;
                case StreamingResponseReasoningSummaryTextDoneUpdate done:
                    Part(reasoning, (done.OutputIndex, 0, done.SummaryIndex)).Clear().Append(done.Text);
                    break;
                case StreamingResponseReasoningTextDeltaUpdate delta:
                    Part(reasoning, (delta.OutputIndex, 1, delta.ContentIndex)).Append(delta.Delta);
                    break;
                case StreamingResponseReasoningTextDoneUpdate done:
                    Part(reasoning, (done.OutputIndex, 1, done.ContentIndex)).Clear().Append(done.Text);
                    break;
                case StreamingResponseOutputItemAddedUpdate { Item: FunctionCallResponseItem item } added:
                    calls[added.OutputIndex] = new FunctionCall(item.CallId, item.FunctionName, calls.Count);
                    break;
                case StreamingResponseFunctionCallArgumentsDeltaUpdate delta when calls.TryGetValue(delta.OutputIndex, out FunctionCall? call):
                    call.Arguments.Append(delta.Delta.ToString());
                    break;
                case StreamingResponseFunctionCallArgumentsDoneUpdate done when calls.TryGetValue(done.OutputIndex, out FunctionCall? call):
                    call.Arguments.Clear().Append(done.FunctionArguments.ToString());
                    break;
                case StreamingResponseErrorUpdate error:
                    result.Error ??= $"{{\"code\":\"{error.Code}\",\"message\":\"{error.Message}\"}}";
                    break;
                case StreamingResponseFailedUpdate failed when failed.Response.Error is { } responseError:
                    result.Error ??= $"{{\"code\":\"{responseError.Code}\",\"message\":\"{responseError.Message}\"}}";
                    break;
            }
        }

        result.Text = Join(text);
        result.Refusal = Join(refusal);
        result.Reasoning = Join(reasoning);
        foreach (FunctionCall call in calls.Values)
        {
            result.ToolCalls.Add(new ToolCallResult { Index = call.Position, Id = call.Id, Name = call.Name, Arguments = call.Arguments.ToString() });
        }

        return result;
    }

    private static StringBuilder Part<TKey>(SortedDictionary<TKey, StringBuilder> parts, TKey key)
        where TKey : notnull
    {
        if (!parts.TryGetValue(key, out StringBuilder? part))
        {
            parts[key] = part = new StringBuilder();
        }

        return part;
    }

    private static string? Join<TKey>(SortedDictionary<TKey, StringBuilder> parts)
        where TKey : notnull
    {
        if (parts.Count == 0)
        {
            return null;
        }

        if (parts.Count == 1)
        {
            foreach (StringBuilder only in parts.Values)
            {
                return only.ToString();
            }
        }

        var all = new StringBuilder();
        foreach (StringBuilder part in parts.Values)
        {
            all.Append(part);
        }

        return all.ToString();
    }

    private sealed class FunctionCall(string id, string name, int position)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public int Position { get; } = position;

        public StringBuilder Arguments { get; } = new();
    }
}

using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OpenAI;
using OpenAI.Chat;

namespace StreamCore.Benchmarks.Baselines;

/// <summary>
/// The OpenAI .NET SDK (2.15.0) reading the workload bytes through its own HTTP pipeline, with the
/// accumulation its users write (there is no tool-call builder in the package in 2.15.0; the one in
/// the SDK's samples is not shipped, so tool calls go into a dictionary keyed by index).
/// </summary>
/// <remarks>
/// Limitation of the SDK, not of this harness: <see cref="StreamingChatCompletionUpdate"/> surfaces
/// only the first entry of each chunk's <c>choices</c> array and does not expose its <c>index</c>,
/// so for n&gt;1 streams every choice's text lands in one accumulator (interleaved). The SDK still
/// parses every chunk, so its time is comparable; its result for n&gt;1 is not.
/// It also throws on content parts of a kind it does not know (Mistral "thinking" parts in the
/// corpus); the benchmark catches that per stream, as a caller would have to.
/// </remarks>
public sealed class OpenAiSdkBaseline
{
    private readonly CannedResponseHandler _handler = new();
    private readonly ChatClient _client;
    private readonly ChatMessage[] _messages = [new UserChatMessage("Benchmark prompt")];

    public OpenAiSdkBaseline()
    {
        var options = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(new HttpClient(_handler)),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        _client = new ChatClient("gpt-4o", new ApiKeyCredential("test"), options);
    }

    /// <summary>Streams <paramref name="body"/> through the SDK (sync API) and accumulates what it surfaces.</summary>
    public AssembledResult Assemble(byte[] body)
    {
        _handler.Body = body;
        var content = new StringBuilder();
        StringBuilder? refusal = null;
        var tools = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        ChatFinishReason? finishReason = null;
        ChatTokenUsage? usage = null;
        string? id = null;
        string? model = null;
        bool sawContent = false;

        foreach (StreamingChatCompletionUpdate update in _client.CompleteChatStreaming(_messages))
        {
            id ??= update.CompletionId;
            model ??= update.Model;
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                content.Append(part.Text);
                sawContent = true;
            }

            if (update.RefusalUpdate is not null)
            {
                (refusal ??= new StringBuilder()).Append(update.RefusalUpdate);
            }

            foreach (StreamingChatToolCallUpdate call in update.ToolCallUpdates)
            {
                if (!tools.TryGetValue(call.Index, out var tool))
                {
                    tool = (null, null, new StringBuilder());
                }

                tool.Id ??= call.ToolCallId;
                tool.Name ??= call.FunctionName;
                if (call.FunctionArgumentsUpdate is { } args && !args.IsEmpty)
                {
                    tool.Arguments.Append(args.ToString());
                }

                tools[call.Index] = tool;
            }

            if (update.FinishReason is { } reason)
            {
                finishReason = reason;
            }

            if (update.Usage is { } u)
            {
                usage = u;
            }
        }

        var choice = new ChoiceResult
        {
            Content = sawContent ? content.ToString() : null,
            Refusal = refusal?.ToString(),
            FinishReason = finishReason switch
            {
                null => null,
                ChatFinishReason.Stop => "stop",
                ChatFinishReason.Length => "length",
                ChatFinishReason.ToolCalls => "tool_calls",
                ChatFinishReason.ContentFilter => "content_filter",
                ChatFinishReason.FunctionCall => "function_call",
                _ => finishReason.ToString(),
            },
        };
        foreach ((int index, var tool) in tools)
        {
            choice.ToolCalls.Add(new ToolCallResult { Index = index, Id = tool.Id, Name = tool.Name, Arguments = tool.Arguments.ToString() });
        }

        var result = new AssembledResult { Id = id, Model = model, TotalTokens = usage?.TotalTokenCount };
        result.Choices[0] = choice;
        return result;
    }
}

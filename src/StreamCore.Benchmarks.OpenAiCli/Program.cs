using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OpenAI;
using OpenAI.Chat;

namespace StreamCore.Benchmarks.OpenAiCli;

/// <summary>
/// <c>openai-assemble FILE [--stats]</c>: reads a chat-completions event stream from FILE through the
/// OpenAI SDK's own HTTP pipeline (a handler answers with the file, streamed), accumulates the updates
/// the way SDK users do (content and refusal in StringBuilders, tool calls by index), and prints the
/// completion as JSON on stdout, like <c>streamcore assemble FILE</c>. <c>--stats</c> adds the events
/// read and the process's allocated bytes on stderr.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: openai-assemble FILE [--stats]");
            return 1;
        }

        var options = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(new HttpClient(new FileResponseHandler(args[0]))),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        var client = new ChatClient("gpt-4o", new ApiKeyCredential("unused"), options);

        var content = new StringBuilder();
        StringBuilder? refusal = null;
        var tools = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        ChatFinishReason? finishReason = null;
        ChatTokenUsage? usage = null;
        string? id = null;
        string? model = null;
        DateTimeOffset? created = null;
        long updates = 0;
        foreach (StreamingChatCompletionUpdate update in client.CompleteChatStreaming([new UserChatMessage("prompt")]))
        {
            updates++;
            id ??= update.CompletionId;
            model ??= update.Model;
            created ??= update.CreatedAt;
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                content.Append(part.Text);
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
                if (call.FunctionArgumentsUpdate is { } arguments && !arguments.IsEmpty)
                {
                    tool.Arguments.Append(arguments.ToString());
                }

                tools[call.Index] = tool;
            }

            finishReason = update.FinishReason ?? finishReason;
            usage = update.Usage ?? usage;
        }

        using (Stream stdout = Console.OpenStandardOutput())
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", created?.ToUnixTimeSeconds() ?? 0);
            writer.WriteString("model", model);
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            writer.WriteString("content", tools.Count > 0 && content.Length == 0 ? null : content.ToString());
            writer.WriteString("refusal", refusal?.ToString());
            if (tools.Count > 0)
            {
                writer.WriteStartArray("tool_calls");
                foreach ((int index, var tool) in tools)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("index", index);
                    writer.WriteString("id", tool.Id);
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    writer.WriteString("name", tool.Name);
                    writer.WriteString("arguments", tool.Arguments.ToString());
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteString("finish_reason", finishReason switch
            {
                null => null,
                ChatFinishReason.Stop => "stop",
                ChatFinishReason.Length => "length",
                ChatFinishReason.ToolCalls => "tool_calls",
                ChatFinishReason.ContentFilter => "content_filter",
                _ => "function_call",
            });
            writer.WriteEndObject();
            writer.WriteEndArray();
            if (usage is not null)
            {
                writer.WriteStartObject("usage");
                writer.WriteNumber("prompt_tokens", usage.InputTokenCount);
                writer.WriteNumber("completion_tokens", usage.OutputTokenCount);
                writer.WriteNumber("total_tokens", usage.TotalTokenCount);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        if (Array.IndexOf(args, "--stats") > 0)
        {
            Console.Error.WriteLine($$"""{"updates":{{updates}},"allocatedBytes":{{GC.GetTotalAllocatedBytes(precise: true)}}}""");
        }

        return 0;
    }

    /// <summary>Answers the request with 200, <c>text/event-stream</c> and the file, read as a stream (as from a server).</summary>
    private sealed class FileResponseHandler(string path) : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(Send(request, cancellationToken));
    }
}

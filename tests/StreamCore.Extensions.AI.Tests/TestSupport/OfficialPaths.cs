using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;

namespace StreamCore.Extensions.AI.Tests.TestSupport;

/// <summary>
/// The official MEAI paths, fed recorded bytes through each SDK's own HTTP transport: OpenAI's
/// <c>ChatClient.AsIChatClient()</c> and <c>ResponsesClient.AsIChatClient()</c>
/// (Microsoft.Extensions.AI.OpenAI 10.11.0 over OpenAI 2.14.0) and Anthropic's
/// <c>AsIChatClient()</c> (Anthropic 13.14.0), each streamed and joined with <c>ToChatResponseAsync</c>.
/// Aitronos has no official MEAI path.
/// </summary>
internal static class OfficialPaths
{
    private static readonly Microsoft.Extensions.AI.ChatMessage[] Prompt = [new(ChatRole.User, "Corpus prompt")];

    /// <summary>The official client for a stream's protocol, answering with <paramref name="body"/>; null when there is none.</summary>
    public static IChatClient? ClientFor(StreamProtocol protocol, byte[] body)
    {
        var handler = new CannedResponseHandler(body);
        return protocol switch
        {
            StreamProtocol.ChatCompletions => new ChatClient("gpt-4o", new ApiKeyCredential("test"), OpenAiOptions(handler)).AsIChatClient(),
            StreamProtocol.Responses => new ResponsesClient(new ApiKeyCredential("test"), new ResponsesClientOptions { Transport = Transport(handler), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) }).AsIChatClient("gpt-5"),
            StreamProtocol.AnthropicMessages => new AnthropicClient { HttpClient = new HttpClient(handler), ApiKey = "test", MaxRetries = 0 }.AsIChatClient("claude-sonnet-4-5", 1024),
            _ => null,
        };
    }

    /// <summary>The official path's response, or the exception it threw.</summary>
    public static async Task<(ChatResponse? Response, Exception? Error)> RunAsync(IChatClient client)
    {
        try
        {
            return (await client.GetStreamingResponseAsync(Prompt).ToChatResponseAsync(), null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }

    private static OpenAIClientOptions OpenAiOptions(HttpMessageHandler handler) => new()
    {
        Transport = Transport(handler),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    };

    private static HttpClientPipelineTransport Transport(HttpMessageHandler handler) => new(new HttpClient(handler));

    /// <summary>Answers every request with 200, <c>text/event-stream</c> and the recorded body.</summary>
    private sealed class CannedResponseHandler(byte[] body) : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }
}

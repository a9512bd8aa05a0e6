using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Chat;

namespace StreamCore.Tests.Transport;

/// <summary>Streams assembled from a real HTTP response of a real Kestrel server over loopback.</summary>
public class TransportTests(LoopbackServer server) : IClassFixture<LoopbackServer>
{
    /// <summary>Every test is bounded by this; it only guards against hangs.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private const string Head = "{\"id\":\"chatcmpl-cut\",\"object\":\"chat.completion.chunk\",\"created\":1700000001,\"model\":\"cut-model\",\"choices\":[";

    /// <summary>A text stream; the test cuts it inside its fourth event (content "wor").</summary>
    public static readonly byte[] TextFixture = Encoding.UTF8.GetBytes(
        Event("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{\"content\":\"lo, \"},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{\"content\":\"wor\"},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{\"content\":\"ld\"},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}")
        + "data: [DONE]\n\n");

    /// <summary>A tool-call stream; the test cuts it inside the event carrying <c>is\"}</c>.</summary>
    public static readonly byte[] ToolFixture = Encoding.UTF8.GetBytes(
        Event("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_cut\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\"\"}}]},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\": \\\"Par\"}}]},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"is\\\"}\"}}]},\"finish_reason\":null}")
        + Event("{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}")
        + "data: [DONE]\n\n");

    private static string Event(string choice) => "data: " + Head + choice + "]}\n\n";

    private async Task<ChatCompletionResult> GetAndAssembleAsync(Uri url, HttpClient? client = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using HttpResponseMessage response = await (client ?? server.Client).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return await ChatStream.AssembleAsync(response, cancellationToken: cancellationToken);
    }

    private static int IndexAfter(byte[] haystack, string needle, int occurrence = 1)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(needle);
        int at = -1;
        for (int i = 0; i < occurrence; i++)
        {
            at = haystack.AsSpan(at + 1).IndexOf(bytes) + at + 1;
            Assert.True(at >= 0 + i, $"'{needle}' not found");
        }

        return at + bytes.Length;
    }

    [Theory]
    [MemberData(nameof(TestCorpus.NameData), MemberType = typeof(TestCorpus))]
    public async Task CorpusStreamOverHttpAssemblesLikeItsBytes(string name)
    {
        byte[] bytes = TestCorpus.Read(name);
        string expected = await TestCorpus.OutcomeAsync(async () => await TestCorpus.AssembleBytesAsync(bytes));
        Uri url = server.StreamUrl(server.Register(bytes), part: 1000);
        string actual = await TestCorpus.OutcomeAsync(() => GetAndAssembleAsync(url)).WaitAsync(HangGuard);
        Assert.Equal(expected, actual);

        // The recorded streams all end properly: the result is never merely incomplete.
        Assert.DoesNotContain("Incomplete", expected.Split('\n')[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mistral-tool-call-1.sse", 3, 1)]
    [InlineData("groq-tool-call-1.sse", 5, 1)]
    [InlineData("ollama-qwen-parallel-tool-calls-1.sse", 4, 1)]
    [InlineData("openai-length-finish-1.sse", 2, 1)]
    [InlineData("openai-parallel-tools-1.sse", 1, 0)]
    [InlineData("deepseek-reasoner-tool-call-1.sse", 7, 0)]
    [InlineData("openai-refusal-logprobs-1.sse", 2, 0)]
    public async Task DrippedBytesAssembleLikeTheWholeBody(string name, int bytesPerWrite, int delayMs)
    {
        byte[] bytes = TestCorpus.Read(name);
        string expected = await TestCorpus.OutcomeAsync(async () => await TestCorpus.AssembleBytesAsync(bytes));
        Uri url = server.StreamUrl(server.Register(bytes), part: bytesPerWrite, delayMs: delayMs);
        string actual = await TestCorpus.OutcomeAsync(() => GetAndAssembleAsync(url)).WaitAsync(HangGuard);
        Assert.Equal(expected, actual);
        Assert.StartsWith("Complete ", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrippedMultiByteTextJoinsAcrossWrites()
    {
        // "é" (2 bytes), "€" (3 bytes) and an emoji (4 bytes) cut by one-byte writes.
        byte[] bytes = Encoding.UTF8.GetBytes(
            Event("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"caf\u00e9 \u20ac\"},\"finish_reason\":null}")
            + Event("{\"index\":0,\"delta\":{\"content\":\" \ud83d\ude00!\"},\"finish_reason\":\"stop\"}"));
        Uri url = server.StreamUrl(server.Register(bytes), part: 1, delayMs: 1);
        using ChatCompletionResult result = await GetAndAssembleAsync(url).WaitAsync(HangGuard);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Equal("caf\u00e9 \u20ac \ud83d\ude00!", result.Choices[0].Content);
        Assert.Null(result.TransportException);
    }

    [Theory]
    [InlineData("\"wor", "Hello, ")] // inside the fourth event's JSON
    [InlineData("\"wor\"},\"finish_reason\":null}]}\n", "Hello, ")] // before the blank line that ends it
    [InlineData("\"ld\"},\"finish_reason\":null}]}\n\n", "Hello, world")] // just after the fifth event
    [InlineData("da", "")] // inside the first field name
    public async Task CutMidEventKeepsEverythingBeforeTheEvent(string cutAfterText, string expectedContent)
    {
        int cut = IndexAfter(TextFixture, cutAfterText);
        Uri url = server.StreamUrl(server.Register(TextFixture), part: 17, cutAfter: cut);
        using ChatCompletionResult result = await GetAndAssembleAsync(url).WaitAsync(HangGuard);

        Assert.Equal(ChatStreamStatus.Incomplete, result.Status);
        Assert.NotNull(result.TransportException);
        Assert.True(result.TransportException is IOException or HttpRequestException, result.TransportException.ToString());
        Assert.False(result.HasProviderError);
        if (expectedContent.Length == 0)
        {
            Assert.Empty(result.Choices);
            Assert.Null(result.Id);
        }
        else
        {
            Assert.Equal("chatcmpl-cut", result.Id);
            Assert.Equal("cut-model", result.Model);
            ChatChoice choice = Assert.Single(result.Choices);
            Assert.Equal("assistant", choice.Role);
            Assert.Equal(expectedContent, choice.Content);
            Assert.Null(choice.FinishReason);
        }

        // The same bytes assembled directly give the same JSON: the cut loses nothing received.
        using ChatCompletionResult direct = await TestCorpus.AssembleBytesAsync(TextFixture[..cut]);
        Assert.Equal(direct.ToJson(), result.ToJson());
        Assert.Equal(direct.EventCount, result.EventCount);
    }

    [Fact]
    public async Task CutMidToolCallKeepsTheArgumentsPrefix()
    {
        int cut = IndexAfter(ToolFixture, "\"arguments\":\"is"); // inside the fifth event
        Uri url = server.StreamUrl(server.Register(ToolFixture), part: 50, cutAfter: cut);
        using ChatCompletionResult result = await GetAndAssembleAsync(url).WaitAsync(HangGuard);

        Assert.Equal(ChatStreamStatus.Incomplete, result.Status);
        Assert.NotNull(result.TransportException);
        Assert.Equal(4, result.EventCount);
        ChatChoice choice = Assert.Single(result.Choices);
        Assert.Null(choice.FinishReason);
        Assert.Null(choice.Content);
        ChatToolCall call = Assert.Single(choice.ToolCalls);
        Assert.Equal("call_cut", call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("function", call.Type);
        Assert.Equal("{\"city\": \"Par", call.Arguments);
        Assert.Contains("\"arguments\":\"{\\\"city\\\": \\\"Par\"", result.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai-parallel-tools-1.sse", 0.3)]
    [InlineData("openai-parallel-tools-1.sse", 0.77)]
    [InlineData("openai-n3-choices-1.sse", 0.5)]
    [InlineData("deepseek-reasoner-tool-call-1.sse", 0.9)]
    public async Task CutCorpusStreamEqualsItsPrefixAssembled(string name, double fraction)
    {
        byte[] bytes = TestCorpus.Read(name);
        int cut = (int)(bytes.Length * fraction);
        Uri url = server.StreamUrl(server.Register(bytes), part: 333, cutAfter: cut);
        using ChatCompletionResult result = await GetAndAssembleAsync(url).WaitAsync(HangGuard);
        using ChatCompletionResult direct = await TestCorpus.AssembleBytesAsync(bytes[..cut]);

        Assert.Equal(ChatStreamStatus.Incomplete, result.Status);
        Assert.NotNull(result.TransportException);
        Assert.Equal(ChatStreamStatus.Incomplete, direct.Status);
        Assert.Equal(direct.ToJson(), result.ToJson());
        Assert.True(result.EventCount > 0);
    }

    [Fact]
    public async Task StalledServerEndsPromptlyWhenTheTokenIsCancelled()
    {
        int stallAfter = IndexAfter(TextFixture, "\"lo, \"},\"finish_reason\":null}]}\n\n");
        Uri url = server.StreamUrl(server.Register(TextFixture), stallAfter: stallAfter);
        int stallsBefore = server.AbortedStalls;
        using var cts = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using HttpResponseMessage response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).WaitAsync(HangGuard);

        // Read the updates up to the stall, then cancel: the pending read must end with cancellation.
        var text = new StringBuilder();
        Task reading = Task.Run(async () =>
        {
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(response, cancellationToken: cts.Token))
            {
                if (update.Kind == ChatUpdateKind.ContentDelta)
                {
                    text.Append(update.GetText());
                    if (text.ToString() == "Hello, ")
                    {
                        cts.CancelAfter(TimeSpan.FromMilliseconds(100));
                    }
                }
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(HangGuard));
        Assert.Equal("Hello, ", text.ToString());

        // The server sees its client go away (bounded wait, not a timing assertion).
        using var wait = new CancellationTokenSource(HangGuard);
        while (server.AbortedStalls == stallsBefore)
        {
            await Task.Delay(20, wait.Token);
        }
    }

    [Fact]
    public async Task StalledServerEndsPromptlyWhenAssembleIsCancelled()
    {
        Uri url = server.StreamUrl(server.Register(ToolFixture), stallAfter: 300);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Exception error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GetAndAssembleAsync(url, cancellationToken: cts.Token).WaitAsync(HangGuard));
        Assert.True(cts.IsCancellationRequested, error.ToString());
    }

    [Fact]
    public async Task ServerStalledBeforeHeadersEndsByHttpClientTimeout()
    {
        using HttpClient client = server.CreateClient(TimeSpan.FromMilliseconds(300));
        Exception error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GetAndAssembleAsync(server.Url("stall-headers"), client).WaitAsync(HangGuard));
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task BodyStalledUnderHttpClientTimeoutWithBufferedContent()
    {
        // Without ResponseHeadersRead the client buffers the body under its timeout.
        Uri url = server.StreamUrl(server.Register(TextFixture), stallAfter: 100);
        using HttpClient client = server.CreateClient(TimeSpan.FromMilliseconds(300));
        Exception error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync(url).WaitAsync(HangGuard));
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task ErrorStatusThrowsProviderErrorWithTheErrorObject(int status)
    {
        var error = await Assert.ThrowsAsync<ChatProviderErrorException>(() => GetAndAssembleAsync(server.Url($"error/{status}")).WaitAsync(HangGuard));
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(LoopbackServer.ErrorObject(status), error.ErrorJson);
        Assert.Null(error.PartialResult);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonErrorBodyWithStatus200ThrowsProviderError()
    {
        var error = await Assert.ThrowsAsync<ChatProviderErrorException>(() => GetAndAssembleAsync(server.Url("json-error")).WaitAsync(HangGuard));
        Assert.Equal(200, error.StatusCode);
        Assert.Equal(LoopbackServer.ErrorObject(200), error.ErrorJson);
    }

    [Fact]
    public async Task ErrorStatusThrowsFromReadUpdatesToo()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("error/429"));
        using HttpResponseMessage response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(HangGuard);
        var error = await Assert.ThrowsAsync<ChatProviderErrorException>(async () =>
        {
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(response))
            {
                Assert.Fail($"no update expected, got {update}");
            }
        }).WaitAsync(HangGuard);
        Assert.Equal(429, error.StatusCode);
        Assert.Equal(LoopbackServer.ErrorObject(429), error.ErrorJson);
    }

    [Fact]
    public async Task AThousandConcurrentStreamsFromOneClientAssembleExactly()
    {
        const int Streams = 1000;
        var failures = new ConcurrentQueue<string>();
        int completed = 0;
        int requestsBefore = server.RequestCount;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Streams),
            new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (n, cancellationToken) =>
            {
                using ChatCompletionResult result = await GetAndAssembleAsync(server.Url($"generated/{n}"), cancellationToken: cancellationToken);
                ChatChoice choice = result.Choices.Single();
                ChatToolCall call = choice.ToolCalls.Single();
                if (result.Status != ChatStreamStatus.Complete || result.Id != $"chatcmpl-gen-{n}" || result.Created != 1700000000 + n
                    || choice.Content != $"stream number {n} of many" || call.Id != $"call_{n}" || call.Arguments != $"{{\"n\":{n}}}"
                    || choice.FinishReason != "tool_calls")
                {
                    failures.Enqueue($"stream {n}: {result.Status} {result.ToJson()}");
                }
                else
                {
                    Interlocked.Increment(ref completed);
                }
            }).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Empty(failures);
        Assert.Equal(Streams, completed);
        Assert.True(server.RequestCount - requestsBefore >= Streams);

        // And the JSON of one is exactly that of its bytes assembled directly.
        using ChatCompletionResult over = await GetAndAssembleAsync(server.Url("generated/777")).WaitAsync(HangGuard);
        using ChatCompletionResult direct = await TestCorpus.AssembleBytesAsync(LoopbackServer.GeneratedStream(777));
        Assert.Equal(direct.ToJson(), over.ToJson());
    }
}

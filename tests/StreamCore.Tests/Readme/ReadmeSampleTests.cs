using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Anthropic;
using OpenAI;
using OpenAI.Chat;
using StreamCore.Chat;
using StreamCore.Responses;
using StreamCore.Tests.TestSupport;
using ChatCompletion = OpenAI.Chat.ChatCompletion;

namespace StreamCore.Tests.Readme;

/// <summary>
/// The README's C# samples, compiled and run as written: each sample's lines stand below verbatim,
/// in a method whose parameters are the sample's free names, and a test checks that the README still
/// says exactly this. <c>Console</c> is a recorder here, so that what a sample prints is asserted.
/// </summary>
public class ReadmeSampleTests
{
    private static readonly Regex UsingDirective = new(@"^using [A-Za-z.]+;$");

    private static string Readme => File.ReadAllText(Path.Combine(CorpusFiles.Root, "README.md"));

    [Fact]
    public void EverySampleInTheReadmeIsInThisFileAsWritten()
    {
        string source = File.ReadAllText(Path.Combine(CorpusFiles.Root, "tests", "StreamCore.Tests", "Readme", "ReadmeSampleTests.cs"));
        string[] code = source.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        MatchCollection samples = Regex.Matches(Readme, "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.Equal(8, samples.Count);
        foreach (Match sample in samples)
        {
            if (sample.Value.Contains("using StreamCore.Extensions.AI;", StringComparison.Ordinal))
            {
                continue; // the Microsoft.Extensions.AI sample: compiled and run by that package's tests
            }

            // A sample's using directives stand at the top of this file, not in its method.
            string[] lines = sample.Groups[1].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !UsingDirective.IsMatch(l)).ToArray();
            bool found = Enumerable.Range(0, code.Length).Any(start => IsAt(code, start, lines));
            Assert.True(found, $"the README sample starting '{lines[0]}' is not in ReadmeSampleTests.cs as written");
        }
    }

    [Fact]
    public async Task OneCallAnyProtocol()
    {
        Console.Clear();
        using HttpResponseMessage response = EventStream(Sample);
        await OneCall(response);
        string printed = Console.Text;
        Assert.Contains("ChatCompletions: Complete, stopped by ToolCalls", printed, StringComparison.Ordinal);
        Assert.Contains("I'll check the weather in Paris and Tōkyō for you.", printed, StringComparison.Ordinal);
        Assert.Contains("get_weather({\"city\": \"Paris\", \"unit\": \"celsius\"}) Valid", printed, StringComparison.Ordinal);
        Assert.Matches("[0-9]+ tokens in, [0-9]+ out", printed);
    }

    [Fact]
    public async Task AwaitForeachOverUpdates()
    {
        Console.Clear();
        using var stream = new MemoryStream(Sample);
        using var stop = new CancellationTokenSource();
        await Updates(stream, stop);
        Assert.StartsWith("I'll check the weather in Paris and Tōkyō for you.", Console.Text, StringComparison.Ordinal);
        Assert.EndsWith("\nComplete\n", Console.Text.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(["get_weather", "get_weather"], _ran);
    }

    [Fact]
    public async Task PushWithAConsumerOnAnotherTask()
    {
        byte[] recording = TypedCorpus("anthropic", "sdk-tool-use-1.sse").Concat("\n\n"u8.ToArray()).ToArray();
        var transport = new Transport(recording);
        await Push(transport);
        Assert.Equal("I'll check the current weather in Paris for you.", string.Concat(_shown));
    }

    [Fact]
    public async Task ChatTypedEntryPoint()
    {
        Console.Clear();
        using HttpResponseMessage response = EventStream(Sample);
        await Chat(response);
        Assert.Equal("0: I'll check the weather in Paris and Tōkyō for you. (tool_calls)\n", Console.Text.Replace("\r", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResponsesSample()
    {
        Console.Clear();
        using var body = new MemoryStream(TypedCorpus("openai-responses", "azure-function-call-1.sse"));
        await Responses(body);
        Assert.Equal("completed : \ncall_H5DxLSFnsGhiROnUiDHmgyc8 weather({\"location\":\"San Francisco\"})\n", Console.Text.Replace("\r", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnthropicSample()
    {
        Console.Clear();
        using var body = new MemoryStream([.. TypedCorpus("anthropic", "sdk-tool-use-1.sse"), .. "\n\n"u8.ToArray()]);
        await Anthropic(body);
        Assert.Equal("0: text\n1: tool_use\ntool_use, 377 tokens in (cache reads and writes included)\n", Console.Text.Replace("\r", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnderTheOpenAiSdk()
    {
        Console.Clear();
        var options = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(new HttpClient(new EventStreamHandler(Sample))),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        await OpenAiSdk(new ChatClient("gpt-4o", new ApiKeyCredential("unused"), options));
        Assert.Equal("ToolCalls: 2 tool calls, the first get_weather\n", Console.Text);
    }

    // ---- The samples, as the README writes them. ----

    private static async Task OneCall(HttpResponseMessage response)
    {
        using StreamResult result = await ModelStream.AssembleAsync(response);
        Console.WriteLine($"{result.Protocol}: {result.Status}, stopped by {result.StopKind}");
        Console.WriteLine(result.Text);
        foreach (ToolCall call in result.ToolCalls)
            Console.WriteLine($"{call.Name}({call.Arguments}) {call.ArgumentsStatus}");
        Console.WriteLine($"{result.Usage.Input} tokens in, {result.Usage.Output} out");
        string json = result.ToJson(indented: true); // the protocol's own non-streaming JSON
        Assert.StartsWith("{", json, StringComparison.Ordinal);
    }

    private async Task Updates(Stream stream, CancellationTokenSource stop)
    {
        StreamResult? result = null;
        await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(stream, cancellationToken: stop.Token))
        {
            result = update.Result;
            switch (update.Kind)
            {
                case StreamUpdateKind.ContentDelta: Console.Write(update.GetText()); break;
                case StreamUpdateKind.ReasoningDelta: ShowThinking(update.GetText()); break;
                case StreamUpdateKind.ToolCallCompleted: Run(update.ToolCall!); break;
            }
        }

        using (result) Console.WriteLine($"\n{result?.Status}");
    }

    private async Task Push(Transport transport)
    {
        using var assembler = new StreamAssembler(new StreamOptions { Protocol = StreamProtocol.AnthropicMessages }, publishUpdates: true);
        Task shown = Task.Run(async () =>
        {
            await foreach (StreamUpdate update in assembler.Updates.ReadAllAsync())
                if (update.Kind == StreamUpdateKind.ContentDelta) Show(update.GetText());
        });
        foreach ((string name, byte[] data) in transport.Events) assembler.AppendEvent(name, data);
        using StreamResult result = assembler.Complete();
        await shown;
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal("get_weather", result.ToolCalls[0].Name);
    }

    private static async Task Chat(HttpResponseMessage response)
    {
        using ChatCompletionResult completion = await ChatStream.AssembleAsync(response);
        foreach (ChatChoice choice in completion.Choices)
            Console.WriteLine($"{choice.Index}: {choice.Content} ({choice.FinishReason})");
    }

    private static async Task Responses(Stream body)
    {
        using var answer = (ResponsesResult)await ModelStream.AssembleAsync(body, new StreamOptions { Protocol = StreamProtocol.Responses });
        Console.WriteLine($"{answer.ResponseStatus} {answer.IncompleteReason}: {answer.Text}");
        foreach (ToolCall call in answer.ToolCalls)
            Console.WriteLine($"{call.Id} {call.Name}({call.Arguments})");
    }

    private static async Task Anthropic(Stream body)
    {
        using var message = (AnthropicMessageResult)await ModelStream.AssembleAsync(body);
        foreach (AnthropicContentBlock block in message.Blocks)
            Console.WriteLine($"{block.Index}: {block.Type}");
        Console.WriteLine($"{message.StopReason}, {message.Usage.Input} tokens in (cache reads and writes included)");
    }

    private static async Task OpenAiSdk(ChatClient client)
    {
        BinaryContent request = BinaryContent.Create(BinaryData.FromString("""
            {"model": "gpt-4o", "stream": true, "stream_options": {"include_usage": true},
             "messages": [{"role": "user", "content": "What's the weather in Paris and Tokyo?"}]}
            """));
        ClientResult answer = await client.CompleteChatAsync(request, new RequestOptions { BufferResponse = false });
        using PipelineResponse response = answer.GetRawResponse();
        using StreamResult result = await ModelStream.AssembleAsync(response.ContentStream!);
        if (result.Status == StreamStatus.Complete)
        {
            ChatCompletion completion = ModelReaderWriter.Read<ChatCompletion>(BinaryData.FromBytes(result.ToJsonUtf8()))!;
            Console.WriteLine($"{completion.FinishReason}: {completion.ToolCalls.Count} tool calls, the first {completion.ToolCalls[0].FunctionName}");
        }
    }

    // ---- What the samples name. ----

    private readonly List<string?> _ran = [];
    private readonly List<string> _shown = [];

    private static byte[] Sample
    {
        get
        {
            using Stream resource = typeof(ReadmeSampleTests).Assembly.GetManifestResourceStream("StreamCore.Cli.sample.sse")!;
            using var copy = new MemoryStream();
            resource.CopyTo(copy);
            return copy.ToArray();
        }
    }

    private static void ShowThinking(string text) => Assert.NotNull(text);

    private void Run(ToolCall call) => _ran.Add(call.Name);

    private void Show(string text) => _shown.Add(text);

    private static HttpResponseMessage EventStream(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content };
    }

    private static byte[] TypedCorpus(string protocol, string file) => File.ReadAllBytes(Path.Combine(CorpusFiles.Directory, "..", "corpus-typed", protocol, file));

    private static bool IsAt(string[] code, int start, string[] lines)
    {
        if (start + lines.Length > code.Length)
        {
            return false;
        }

        for (int i = 0; i < lines.Length; i++)
        {
            if (code[start + i] != lines[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Answers every request with 200 and the event stream, as OpenAI's server would.</summary>
    private sealed class EventStreamHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(EventStream(body));
    }

    /// <summary>A transport that hands over recorded events one at a time, as an SDK's own transport would.</summary>
    private sealed class Transport(byte[] recording)
    {
        public IEnumerable<(string Name, byte[] Data)> Events
        {
            get
            {
                using var reader = StreamCore.Sse.SseEventReader.Create(new MemoryStream(recording));
                while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    yield return (reader.Current.EventType, reader.Current.Data.ToArray());
                }
            }
        }
    }

    /// <summary>Stands for <see cref="System.Console"/> in the samples: records what they print.</summary>
    private static class Console
    {
        private static readonly AsyncLocal<StringBuilder> Output = new();

        public static string Text => Output.Value?.ToString() ?? string.Empty;

        public static void Clear() => Output.Value = new StringBuilder();

        public static void Write(string? text) => Output.Value!.Append(text);

        public static void WriteLine(string? text) => Output.Value!.Append(text).Append('\n');
    }
}

using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Cli;
using StreamCore.Tests.Transport;

namespace StreamCore.Tests.Cli;

/// <summary><c>assemble</c>, <c>updates</c> and <c>post</c> on every protocol: detected or forced, and known from a request's URL.</summary>
public sealed class TypedProtocolCommandTests(LoopbackServer server) : IClassFixture<LoopbackServer>
{
    private static string Typed(string protocol, string file) => Path.Combine(TestSupport.CorpusFiles.Directory, "..", "corpus-typed", protocol, file);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdin = new MemoryStream();
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = await CommandLine.RunAsync(args, stdin, stdout, stderr, CancellationToken.None).WaitAsync(TransportTests.HangGuard);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    private static async Task<string> ExpectedJsonAsync(string path, StreamProtocol protocol = StreamProtocol.Auto)
    {
        await using FileStream file = File.OpenRead(path);
        try
        {
            using StreamResult result = await ModelStream.AssembleAsync(file, new StreamOptions { Protocol = protocol });
            return result.ToJson();
        }
        catch (StreamFormatException e)
        {
            using (e.PartialResult)
            {
                return e.PartialResult.ToJson();
            }
        }
    }

    [Theory]
    [InlineData("openai-responses", "azure-text-1.sse", 0, "response")]
    [InlineData("openai-responses", "openai-error-quota-failed-1.sse", 4, "response")]
    [InlineData("anthropic", "sdk-tool-use-1.sse", 3, "message")] // no blank line after message_stop: a cut stream
    [InlineData("anthropic", "refusal-no-blocks-1.sse", 0, "message")]
    public async Task AssembleDetectsTheProtocolAndPrintsItsOwnJson(string protocol, string file, int exitCode, string objectType)
    {
        (int exit, string stdout, _) = await RunAsync("assemble", Typed(protocol, file));
        Assert.Equal(exitCode, exit);
        Assert.Equal(await ExpectedJsonAsync(Typed(protocol, file)) + "\n", stdout);
        Assert.Equal(objectType, (string?)JsonNode.Parse(stdout)![objectType == "response" ? "object" : "type"]);
    }

    [Fact]
    public async Task AssembleWithAForcedProtocolReadsThatProtocolOnly()
    {
        (int exit, string stdout, string stderr) = await RunAsync("assemble", "--protocol", "anthropic", Typed("openai-responses", "azure-text-1.sse"));
        Assert.Equal(2, exit);
        Assert.Contains("OpenAI Responses event", stderr, StringComparison.Ordinal);
        Assert.Contains("event 1", stderr, StringComparison.Ordinal);
        Assert.Equal("message", (string?)JsonNode.Parse(stdout)!["type"]); // the (empty) partial Message

        (exit, stdout, _) = await RunAsync("assemble", "--protocol=responses", Typed("openai-responses", "azure-text-1.sse"));
        Assert.Equal(0, exit);
        Assert.Equal("Hello", (string?)JsonNode.Parse(stdout)!["output"]![0]!["content"]![0]!["text"]);

        (exit, _, stderr) = await RunAsync("assemble", "--protocol", "grpc", Typed("openai-responses", "azure-text-1.sse"));
        Assert.Equal(1, exit);
        Assert.Contains("unknown protocol 'grpc'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdatesShowItemsTextToolCallsAndTheEndOfATypedStream()
    {
        (int exit, string stdout, _) = await RunAsync("updates", Typed("openai-responses", "azure-function-call-1.sse"));
        Assert.Equal(0, exit);
        JsonNode[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal("itemStarted", (string?)lines[0]["kind"]);
        JsonNode completed = lines.Single(l => (string?)l["kind"] == "toolCallCompleted");
        Assert.Equal("weather", (string?)completed["name"]);
        Assert.Equal("{\"location\":\"San Francisco\"}", (string?)completed["arguments"]);
        Assert.Equal("valid", (string?)completed["argumentsStatus"]);
        Assert.Equal("""{"kind":"end","protocol":"responses","status":"complete"}""", lines[^1].ToJsonString());
    }

    [Theory]
    [InlineData("openai-responses", "azure-text-1.sse", "v1/responses", StreamProtocol.Responses)]
    [InlineData("anthropic", "refusal-no-blocks-1.sse", "v1/messages", StreamProtocol.AnthropicMessages)]
    public async Task PostKnowsTheProtocolFromTheUrlAndAsksChatOnlyForUsage(string protocol, string file, string path, StreamProtocol expected)
    {
        string key = server.Register(File.ReadAllBytes(Typed(protocol, file)));
        string body = Path.Combine(Path.GetTempPath(), $"streamcore-typed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(body, """{"model":"m","input":"hi","stream_options":{"other":1}}""");
        try
        {
            Assert.Equal(expected, PostCommand.ProtocolOfUrl(server.Url($"typed/{key}/{path}").ToString()));
            (int exit, string stdout, _) = await RunAsync("post", server.Url($"typed/{key}/{path}").ToString(), "--body", body);
            Assert.Equal(0, exit);
            Assert.Equal(await ExpectedJsonAsync(Typed(protocol, file), expected) + "\n", stdout);
            using JsonDocument sent = JsonDocument.Parse(server.LastPost!.Value.Body);
            Assert.Equal(JsonValueKind.True, sent.RootElement.GetProperty("stream").ValueKind);
            Assert.False(sent.RootElement.GetProperty("stream_options").TryGetProperty("include_usage", out _)); // chat requests only
        }
        finally
        {
            File.Delete(body);
        }
    }

    [Theory]
    [InlineData("https://api.openai.com/v1/responses", StreamProtocol.Responses)]
    [InlineData("https://api.anthropic.com/v1/messages/", StreamProtocol.AnthropicMessages)]
    [InlineData("https://api.nexos.ai/v1/chat/completions", StreamProtocol.ChatCompletions)]
    [InlineData("https://api.aitronos.com/v1/model/response", StreamProtocol.Auto)]
    public void ProtocolOfAUrl(string url, StreamProtocol protocol) => Assert.Equal(protocol, PostCommand.ProtocolOfUrl(url));
}

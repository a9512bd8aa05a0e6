using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Cli;
using StreamCore.Tests.Transport;

namespace StreamCore.Tests.Cli;

/// <summary><c>streamcore post URL --body FILE --header ...</c> run in process against the loopback server.</summary>
public sealed class PostCommandTests(LoopbackServer server) : IClassFixture<LoopbackServer>, IDisposable
{
    private readonly string _bodyFile = WriteBody();

    public void Dispose() => File.Delete(_bodyFile);

    private static string WriteBody()
    {
        string path = Path.Combine(Path.GetTempPath(), $"streamcore-post-{Guid.NewGuid():N}.json");

        // The request says "stream": false and has stream_options without include_usage: the command must fix both.
        File.WriteAllText(path, """{"model":"loop-1","messages":[{"role":"user","content":"hi"}],"stream":false,"stream_options":{"other":1}}""");
        return path;
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdin = new MemoryStream();
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = await CommandLine.RunAsync(args, stdin, stdout, stderr, CancellationToken.None).WaitAsync(TransportTests.HangGuard);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    [Fact]
    public async Task PostsAStreamingRequestAndPrintsTheAssembledResponse()
    {
        Uri url = server.Url("v1/chat/completions");
        (int exit, string stdout, string stderr) = await RunAsync("post", url.ToString(), "--body", _bodyFile, "--header", "Authorization:Bearer x");

        // The server saw the header and a streaming request with usage; other members are kept.
        (string body, string? authorization) = server.LastPost!.Value;
        Assert.Equal(LoopbackServer.ExpectedAuthorization, authorization);
        using (var request = JsonDocument.Parse(body))
        {
            JsonElement root = request.RootElement;
            Assert.Equal(JsonValueKind.True, root.GetProperty("stream").ValueKind);
            Assert.Equal(JsonValueKind.True, root.GetProperty("stream_options").GetProperty("include_usage").ValueKind);
            Assert.Equal(1, root.GetProperty("stream_options").GetProperty("other").GetInt32());
            Assert.Equal("loop-1", root.GetProperty("model").GetString());
            Assert.Equal("hi", root.GetProperty("messages")[0].GetProperty("content").GetString());
        }

        using ChatCompletionResult expected = await TestCorpus.AssembleBytesAsync(LoopbackServer.PostStream);
        Assert.Equal(0, exit);
        Assert.Equal(expected.ToJson() + "\n", stdout);
        Assert.Contains("\"content\":\"Hello over loopback\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}", stdout, StringComparison.Ordinal);
        Assert.Equal("Hello over loopback\n", stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ShowsReasoningTextAndToolCallsLiveUnderALabelEach()
    {
        // An Anthropic answer: thinking, text, then a tool call whose input arrives in fragments.
        static string Event(string type, string data) => $"event: {type}\ndata: {data}\n\n";
        string stream = string.Concat(
            Event("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}"""),
            Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"""),
            Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Paris, "}}"""),
            Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"so ask the tool."}}"""),
            Event("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            Event("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"""),
            Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Checking."}}"""),
            Event("content_block_stop", """{"type":"content_block_stop","index":1}"""),
            Event("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}"""),
            Event("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"city\": "}}"""),
            Event("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}"""),
            Event("content_block_stop", """{"type":"content_block_stop","index":2}"""),
            Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":20}}"""),
            Event("message_stop", """{"type":"message_stop"}"""));
        string key = server.Register(Encoding.UTF8.GetBytes(stream));

        (int exit, string stdout, string stderr) = await RunAsync("post", server.Url($"typed/{key}/v1/messages").ToString(), "--body", _bodyFile);

        Assert.Equal(0, exit);
        Assert.Contains("\"stop_reason\":\"tool_use\"", stdout, StringComparison.Ordinal);
        Assert.Equal(
            "[reasoning]\nParis, so ask the tool.\n[answer]\nChecking.\n[tool call get_weather]\n{\"city\": \"Paris\"}\n",
            stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task UnauthorizedAnswerExitsFourWithTheErrorJson()
    {
        Uri url = server.Url("v1/chat/completions");
        (int exit, string stdout, string stderr) = await RunAsync("post", url.ToString(), "--body", _bodyFile, "--header", "Authorization: Bearer wrong");

        Assert.Equal(AssembleCommand.ExitProviderError, exit);
        Assert.Equal(4, exit);
        Assert.Equal("Bearer wrong", server.LastPost!.Value.Authorization);
        Assert.Equal($"{{\"error\":{LoopbackServer.ErrorObject(401)}}}\n", stdout);
        using (var printed = JsonDocument.Parse(stdout))
        {
            Assert.Equal("status_401", printed.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.Contains("HTTP 401", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingBodyIsAUsageError()
    {
        (int exit, string stdout, string stderr) = await RunAsync("post", server.Url("v1/chat/completions").ToString());
        Assert.Equal(CommandLine.ExitUsage, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("--body", stderr, StringComparison.Ordinal);
    }
}

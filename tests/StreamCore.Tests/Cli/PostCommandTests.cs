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

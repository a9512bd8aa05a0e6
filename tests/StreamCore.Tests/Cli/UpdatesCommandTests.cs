using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Cli;

namespace StreamCore.Tests.Cli;

/// <summary><c>streamcore updates</c>, run in process: one JSON line per typed update.</summary>
public class UpdatesCommandTests
{
    private static async Task<(int ExitCode, string[] Lines, string Errors)> RunAsync(string input, params string[] args)
    {
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(input));
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = await CommandLine.RunAsync(args.Length == 0 ? ["updates", "-"] : args, stdin, stdout, stderr, CancellationToken.None);
        string text = Encoding.UTF8.GetString(stdout.ToArray());
        return (exit, text.Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr.ToString());
    }

    [Fact]
    public async Task PrintsEachUpdateAsAJsonLine()
    {
        string input = string.Concat(
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi \\u00e9\"}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],\"usage\":{\"total_tokens\":9}}\n\n",
            "data: [DONE]\n\n");
        (int exit, string[] lines, string errors) = await RunAsync(input);
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, errors);
        Assert.Equal(
            [
                """{"kind":"contentDelta","index":0,"text":"Hi é"}""",
                """{"kind":"toolCallStarted","index":0,"toolCall":0,"id":"call_1","name":"f"}""",
                """{"kind":"toolCallArgumentsDelta","index":0,"toolCall":0,"text":"{\"a\":"}""",
                """{"kind":"toolCallArgumentsDelta","index":0,"toolCall":0,"text":"1}"}""",
                """{"kind":"toolCallCompleted","index":0,"toolCall":0,"id":"call_1","name":"f","arguments":"{\"a\":1}","argumentsStatus":"valid"}""",
                """{"kind":"stop","index":0,"stop":"toolCalls","reason":"tool_calls"}""",
                """{"kind":"usage","json":{"total_tokens":9}}""",
                """{"kind":"end","protocol":"chatCompletions","status":"complete"}""",
            ],
            lines);
        Assert.All(lines, l => JsonNode.Parse(l));
    }

    [Fact]
    public async Task IncompleteStreamEndsWithIncompleteAndExitsThree()
    {
        (int exit, string[] lines, string errors) = await RunAsync("data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n");
        Assert.Equal(3, exit);
        Assert.Equal("""{"kind":"end","protocol":"chatCompletions","status":"incomplete"}""", lines[^1]);
        Assert.Contains("incomplete", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderErrorExitsFour()
    {
        (int exit, string[] lines, _) = await RunAsync("event: error\ndata: {\"error\":{\"code\":\"x\"}}\n\n");
        Assert.Equal(4, exit);
        Assert.Equal(["""{"kind":"providerError","json":{"code":"x"}}""", """{"kind":"end","protocol":"chatCompletions","status":"failed"}"""], lines);
    }

    [Fact]
    public async Task MalformedStreamExitsTwoAfterTheUpdatesBeforeIt()
    {
        (int exit, string[] lines, string errors) = await RunAsync("data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\ndata: nope\n\n");
        Assert.Equal(2, exit);
        Assert.Equal(["""{"kind":"contentDelta","index":0,"text":"x"}"""], lines);
        Assert.Contains("event 2", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOptionExitsOne()
    {
        (int exit, string[] lines, _) = await RunAsync(string.Empty, "updates", "--indent");
        Assert.Equal(1, exit);
        Assert.Empty(lines);
    }

    [Fact]
    public async Task SampleStreamHasTwoCompletedToolCallsWithValidArguments()
    {
        string sample;
        using (Stream resource = typeof(CommandLine).Assembly.GetManifestResourceStream("StreamCore.Cli.sample.sse")!)
        using (var reader = new StreamReader(resource))
        {
            sample = await reader.ReadToEndAsync();
        }

        (int exit, string[] lines, _) = await RunAsync(sample);
        Assert.Equal(0, exit);
        JsonNode[] completed = lines.Select(l => JsonNode.Parse(l)!).Where(n => (string?)n["kind"] == "toolCallCompleted").ToArray();
        Assert.Equal(["call_paris_01", "call_tokyo_02"], completed.Select(n => (string?)n["id"]));
        Assert.All(completed, n => Assert.Equal("valid", (string?)n["argumentsStatus"]));
        Assert.Equal("I'll check the weather in Paris and Tōkyō for you.", string.Concat(lines.Select(l => JsonNode.Parse(l)!).Where(n => (string?)n["kind"] == "contentDelta").Select(n => (string?)n["text"])));
    }
}

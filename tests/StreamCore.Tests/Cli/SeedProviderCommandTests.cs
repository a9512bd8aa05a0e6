using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Cli;
using StreamCore.Tests.Aitronos;

namespace StreamCore.Tests.Cli;

/// <summary>The seed providers through the command line: every Aitronos generation detected without a flag, with its exit code; WorkflowAI's cumulative content.</summary>
public class SeedProviderCommandTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = await CommandLine.RunAsync(args, input, stdout, stderr, CancellationToken.None);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    public static TheoryData<string, string, int, string?> AitronosStreams() => new()
    {
        { "current", AitronosFixtures.Current, 0, "stop" },
        { "previous (E3)", AitronosFixtures.E3, 0, "stop" },
        { "oldest (E2)", AitronosFixtures.E2, 0, "stop" },
        { "cancelled", AitronosFixtures.Cancelled, 3, null },
        { "cut", AitronosFixtures.Cut, 3, null },
        { "error", AitronosFixtures.ErrorWithMessage, 4, null },
    };

    [Theory]
    [MemberData(nameof(AitronosStreams))]
    public async Task AssembleTurnsEveryAitronosGenerationIntoTheSeedObject(string generation, string stream, int exitCode, string? finishReason)
    {
        (int exit, string stdout, _) = await RunAsync(stream, "assemble");
        Assert.True(exitCode == exit, $"{generation}: exit {exit}");
        JsonNode response = JsonNode.Parse(stdout)!;
        Assert.Equal("response", (string?)response["object"]);
        Assert.Equal(finishReason, (string?)response["choices"]![0]!["finishReason"]);
        Assert.True(response.AsObject().ContainsKey("createdAt")); // the seed's camelCase shape
    }

    [Fact]
    public async Task UpdatesShowAitronosTextReasoningAndToolCallsLive()
    {
        (int exit, string stdout, _) = await RunAsync(AitronosFixtures.Current, "updates", "--protocol", "aitronos");
        Assert.Equal(0, exit);
        JsonNode[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Contains(lines, l => (string?)l["kind"] == "contentDelta");
        Assert.Contains(lines, l => (string?)l["kind"] == "reasoningDelta");
        Assert.Contains(lines, l => (string?)l["kind"] == "toolCallCompleted" && (string?)l["name"] == "get_weather");
        int reasoning = Array.FindIndex(lines, l => (string?)l["kind"] == "reasoningDelta");
        int tool = Array.FindIndex(lines, l => (string?)l["kind"] == "toolCallCompleted");
        int content = Array.FindIndex(lines, l => (string?)l["kind"] == "contentDelta");
        Assert.True(reasoning < tool && tool < content, "live: in the order they arrived");
        Assert.Equal("aitronos", (string?)lines[^1]["protocol"]);
    }

    [Fact]
    public async Task CumulativeContentIsAnOptionOfAssembleAndUpdates()
    {
        string stream = string.Concat(
            "data: {\"id\":\"default/1\",\"choices\":[{\"delta\":{\"content\":\"{\\\"a\\\": 1\",\"role\":\"assistant\"},\"index\":0}],\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"id\":\"default/1\",\"choices\":[{\"delta\":{\"content\":\"{\\\"a\\\": 12}\",\"role\":\"assistant\"},\"index\":0}],\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"id\":\"default/1\",\"choices\":[{\"delta\":{\"role\":\"assistant\"},\"index\":0,\"finish_reason\":\"stop\"}],\"object\":\"chat.completion.chunk\"}\n\n");
        (int exit, string stdout, _) = await RunAsync(stream, "assemble", "--cumulative-content");
        Assert.Equal(0, exit);
        Assert.Equal("{\"a\": 12}", (string?)JsonNode.Parse(stdout)!["choices"]![0]!["message"]!["content"]);

        (_, stdout, _) = await RunAsync(stream, "assemble");
        Assert.Equal("{\"a\": 1{\"a\": 12}", (string?)JsonNode.Parse(stdout)!["choices"]![0]!["message"]!["content"]);

        (exit, stdout, _) = await RunAsync(stream, "updates", "--cumulative-content");
        Assert.Equal(0, exit);
        Assert.Equal(["{\"a\": 1", "2}"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).Where(l => (string?)l["kind"] == "contentDelta").Select(l => (string?)l["text"]));
    }
}

using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Cli;

namespace StreamCore.Tests.Cli;

/// <summary><c>streamcore assemble</c> and the no-argument sample, run in process.</summary>
public class AssembleCommandTests
{
    private const string Complete = "data: {\"id\":\"c1\",\"created\":7,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"total_tokens\":3}}\n\ndata: [DONE]\n\n";
    private const string CompleteJson = """{"id":"c1","object":"chat.completion","created":7,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"total_tokens":3}}""";

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string input, params string[] args)
    {
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(input));
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = await CommandLine.RunAsync(args, stdin, stdout, stderr, CancellationToken.None);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    [Fact]
    public async Task CompleteStreamExitsZeroAndPrintsTheCompactResult()
    {
        (int exit, string output, string errors) = await RunAsync(Complete, "assemble", "-");
        Assert.Equal(0, exit);
        Assert.Equal(CompleteJson + "\n", output);
        Assert.Equal(string.Empty, errors);
    }

    [Fact]
    public async Task StandardInputIsTheDefault()
    {
        (int exit, string output, _) = await RunAsync(Complete, "assemble");
        Assert.Equal(0, exit);
        Assert.Equal(CompleteJson + "\n", output);
    }

    [Fact]
    public async Task FileArgumentIsRead()
    {
        string path = Path.Combine(Path.GetTempPath(), $"streamcore-assemble-{Guid.NewGuid():N}.sse");
        await File.WriteAllTextAsync(path, Complete);
        try
        {
            (int exit, string output, _) = await RunAsync(string.Empty, "assemble", path);
            Assert.Equal(0, exit);
            Assert.Equal(CompleteJson + "\n", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task MalformedStreamExitsTwoAndPrintsThePartialResult()
    {
        string input = "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"part\"}}]}\n\ndata: [1,2]\n\n";
        (int exit, string output, string errors) = await RunAsync(input, "assemble", "-");
        Assert.Equal(2, exit);
        Assert.Equal("""{"id":"c1","object":"chat.completion","created":null,"model":null,"choices":[{"index":0,"message":{"role":null,"content":"part","refusal":null},"logprobs":null,"finish_reason":null}]}""" + "\n", output);
        Assert.Contains("malformed", errors, StringComparison.Ordinal);
        Assert.Contains("event 2", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncompleteStreamExitsThreeAndPrintsWhatArrived()
    {
        (int exit, string output, string errors) = await RunAsync("data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"cut\"}}]}\n\n", "assemble");
        Assert.Equal(3, exit);
        Assert.Equal("cut", (string?)JsonNode.Parse(output)!["choices"]![0]!["message"]!["content"]);
        Assert.Contains("incomplete", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderErrorExitsFourAndPrintsTheResultWithTheError()
    {
        string input = "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\nevent: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n";
        (int exit, string output, string errors) = await RunAsync(input, "assemble");
        Assert.Equal(4, exit);
        JsonNode json = JsonNode.Parse(output)!;
        Assert.Equal("overloaded", (string?)json["error"]!["message"]);
        Assert.Equal("x", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Contains("provider error", errors, StringComparison.Ordinal);
        Assert.Contains("overloaded", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("assemble", "--bogus")]
    [InlineData("assemble", "a.sse", "b.sse")]
    [InlineData("assemble", "/nonexistent/streamcore/input.sse")]
    [InlineData("frobnicate")]
    public async Task UsageOrIoErrorExitsOneAndPrintsNothing(params string[] args)
    {
        (int exit, string output, string errors) = await RunAsync(Complete, args);
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("streamcore: ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IndentPrintsTheSameDocumentIndented()
    {
        (int exit, string output, _) = await RunAsync(Complete, "assemble", "--indent", "-");
        Assert.Equal(0, exit);
        Assert.Contains("\n  \"id\": \"c1\",\n", output, StringComparison.Ordinal);
        Assert.Equal(CompleteJson, JsonNode.Parse(output)!.ToJsonString());
    }

    [Fact]
    public async Task StatsPrintsExactlyOneJsonLineOnStandardError()
    {
        (int exit, string output, string errors) = await RunAsync(Complete, "assemble", "--stats", "-");
        Assert.Equal(0, exit);
        Assert.Equal(CompleteJson + "\n", output);
        string[] lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        string line = Assert.Single(lines);
        using JsonDocument stats = JsonDocument.Parse(line);
        JsonElement root = stats.RootElement;
        Assert.Equal(["events", "bytes", "seconds", "allocatedBytes", "assemblyAllocatedBytes"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, root.GetProperty("events").GetInt64());
        Assert.Equal(Encoding.UTF8.GetByteCount(Complete), root.GetProperty("bytes").GetInt64());
        Assert.InRange(root.GetProperty("seconds").GetDouble(), 0, 60);
        Assert.True(root.GetProperty("allocatedBytes").GetInt64() > 0);
        Assert.InRange(root.GetProperty("assemblyAllocatedBytes").GetInt64(), 1, root.GetProperty("allocatedBytes").GetInt64());
    }

    [Fact]
    public async Task NoArgumentsPrintsTheSampleWithTwoToolCallsAndUsage()
    {
        (int exit, string output, string errors) = await RunAsync(string.Empty);
        Assert.Equal(0, exit);
        Assert.Contains("sample", errors, StringComparison.Ordinal);
        Assert.Contains("\n  ", output, StringComparison.Ordinal); // indented
        JsonNode json = JsonNode.Parse(output)!;
        JsonArray calls = json["choices"]![0]!["message"]!["tool_calls"]!.AsArray();
        Assert.Equal(2, calls.Count);
        Assert.Equal(["call_paris_01", "call_tokyo_02"], calls.Select(c => (string?)c!["id"]));
        Assert.All(calls, c => Assert.Equal("get_weather", (string?)c!["function"]!["name"]));
        Assert.Equal("Tōkyō", (string?)JsonNode.Parse((string)calls[1]!["function"]!["arguments"]!)!["city"]);
        Assert.Equal(146, (int)json["usage"]!["total_tokens"]!);
        Assert.Equal("tool_calls", (string?)json["choices"]![0]!["finish_reason"]);
        Assert.Equal("I'll check the weather in Paris and Tōkyō for you.", (string?)json["choices"]![0]!["message"]!["content"]);
    }
}

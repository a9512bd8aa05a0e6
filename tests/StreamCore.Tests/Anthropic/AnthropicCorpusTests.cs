using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Anthropic;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Anthropic.AnthropicTestSupport;

namespace StreamCore.Tests.Anthropic;

/// <summary>
/// Every recorded Anthropic stream: assembled whole and through a real pipe cut anywhere, always
/// the same JSON, and the JSON the independent oracle computes; plus facts pinned per recording.
/// </summary>
public class AnthropicCorpusTests
{
    private const int SmallFileLimit = 8 * 1024;

    public static TheoryData<string> Files() => CorpusTheory();

    public static TheoryData<string> SmallFiles()
    {
        var data = new TheoryData<string>();
        foreach (string name in CorpusNames.Where(n => ReadCorpus(n).Length < SmallFileLimit))
        {
            data.Add(name);
        }

        return data;
    }

    public static TheoryData<string> LargeFiles()
    {
        var data = new TheoryData<string>();
        foreach (string name in CorpusNames.Where(n => ReadCorpus(n).Length >= SmallFileLimit))
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void TheCorpusHasTheElevenRecordings() => Assert.Equal(11, CorpusNames.Count);

    [Theory]
    [MemberData(nameof(Files))]
    public void RecordingIsDetectedAndAssembledAsTheOracleSays(string file)
    {
        foreach (bool complete in new[] { false, true })
        {
            byte[] bytes = ReadCorpus(file, completeSdkFixtures: complete);
            AnthropicOracle oracle = AnthropicOracle.Read(bytes);

            // Detected, not named: the general entry point finds the protocol from the first event.
            using AnthropicMessageResult result = Assemble(bytes);
            Assert.Equal(StreamProtocol.AnthropicMessages, result.Protocol);
            Assert.Equal(oracle.Status, result.Status);
            Assert.Equal(oracle.ToJson(), Normalize(result.ToJson()));
            Assert.Equal(Normalize(result.ToJson()), Normalize(result.ToJson(indented: true)));

            Assert.Equal(oracle.ToolCalls.Count, result.ToolCalls.Count);
            for (int i = 0; i < oracle.ToolCalls.Count; i++)
            {
                ToolCall call = result.ToolCalls[i];
                Assert.Equal(oracle.ToolCalls[i].Id, call.Id);
                Assert.Equal(oracle.ToolCalls[i].Name, call.Name);
                Assert.Equal(oracle.ToolCalls[i].Valid, call.ArgumentsStatus == Json.JsonTextStatus.Valid);
                Assert.Equal(Normalize(oracle.ToolCalls[i].Arguments), Normalize(call.Arguments));
                Assert.True(call.IsCompleted);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void TheSdkFixturesReadAsCutStreamsAndAsCompleteOnesWithTheirBlankLine(string file)
    {
        using AnthropicMessageResult asRecorded = Assemble(ReadCorpus(file));
        using AnthropicMessageResult completed = Assemble(ReadCorpus(file, completeSdkFixtures: true));
        Assert.Equal(IsCutSdkFixture(file) ? StreamStatus.Incomplete : StreamStatus.Complete, asRecorded.Status);
        Assert.Equal(StreamStatus.Complete, completed.Status);

        // Only the undispatched message_stop differs: everything before it is kept.
        Assert.Equal(completed.ToJson(), asRecorded.ToJson());
    }

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public async Task SmallRecordingGivesTheSameResultThroughAPipeCutAtEveryByte(string file)
    {
        byte[] bytes = ReadCorpus(file, completeSdkFixtures: true);
        string expected = Outcome(bytes);
        Assert.StartsWith("Complete|", expected, StringComparison.Ordinal);
        foreach (SplitCase split in Splits.EveryTwoWaySplit(bytes).Append(Splits.Bytewise(bytes)))
        {
            Assert.True(expected == await OutcomeThroughPipeAsync(split.Parts), split.Name);
        }
    }

    [Theory]
    [MemberData(nameof(LargeFiles))]
    public async Task LargeRecordingGivesTheSameResultThroughAPipeCutAtManyRandomPoints(string file)
    {
        byte[] bytes = ReadCorpus(file);
        string expected = Outcome(bytes);
        Assert.StartsWith("Complete|", expected, StringComparison.Ordinal);
        IEnumerable<SplitCase> splits = Splits.Random(bytes, count: 24, points: 32, seed: file.Length * 7919)
            .Append(new SplitCase("7-byte reads", Splits.Chunks(bytes, 7)));
        foreach (SplitCase split in splits)
        {
            Assert.True(expected == await OutcomeThroughPipeAsync(split.Parts), split.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void CutAtEveryEventBoundaryIsIncompleteWithEverythingBeforeTheCut(string file)
    {
        byte[] bytes = ReadCorpus(file, completeSdkFixtures: true);
        List<int> boundaries = [];
        for (int i = 1; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n' && bytes[i - 1] == (byte)'\n')
            {
                boundaries.Add(i + 1);
            }
        }

        int last = boundaries[^1];
        foreach (int cut in boundaries.Where(b => b < last))
        {
            byte[] prefix = bytes[..cut];
            using AnthropicMessageResult result = Assemble(prefix);
            Assert.Equal(StreamStatus.Incomplete, result.Status);
            Assert.Equal(AnthropicOracle.Read(prefix).ToJson(), Normalize(result.ToJson()));

            // Every block the prefix opened is closed: a tool's input is written, as JSON or as text.
            Assert.All(result.Blocks, b => Assert.True(b.IsClosed));
            Assert.All(result.ToolCalls, c => Assert.True(c.IsCompleted));
        }
    }

    public static TheoryData<string, string?, int, int, string?, long?, long?> PinnedFacts => new()
    {
        // file, stop reason, text length (UTF-16), blocks, first text, usage input (cache included), usage output
        { "code-execution-server-tools-1.sse", "end_turn", 795, 7, "I'll create a Python script to calculate Fibonacci numbers", 8050, 771 },
        { "compaction-1.sse", "end_turn", 8518, 2, "Based on the conversation history, you asked me to summarize", 612, 2819 },
        { "fallback-block-1.sse", "end_turn", 66, 2, "The printing press was invented by Johannes Gutenberg around 1440.", 412, 264 },
        { "json-output-format-1.sse", "end_turn", 1267, 1, "{\"characters\":[{\"name\":\"Theron Ironheart\",\"class\":\"warrior\",", 313, 305 },
        { "mcp-connector-1.sse", "end_turn", 112, 3, "The echo tool responded back with: **hello world**\n\nIt simply", 1250, 83 },
        { "refusal-no-blocks-1.sse", "refusal", 0, 0, null, 18, 5 },
        { "sdk-basic-text-1.sse", "end_turn", 12, 1, "Hello there!", 11, 6 },
        { "sdk-tool-use-1.sse", "tool_use", 48, 2, "I'll check the current weather in Paris for you.", 377, 65 },
        { "thinking-signature-1.sse", "end_turn", 362, 2, "# 25 × 37\n\nLet me break this down step by step:", 50, 485 },
        { "tool-no-args-1.sse", "tool_use", 35, 2, "I'll update the issue list for you.", 565, 48 },
        { "web-search-citations-1.sse", "end_turn", 2402, 21, "Based on my search results, here are the key tech news devel", 15665, 795 },
    };

    [Theory]
    [MemberData(nameof(PinnedFacts))]
    public void RecordingHasItsPinnedFacts(string file, string? stopReason, int textLength, int blocks, string? textStart, long? input, long? output)
    {
        using AnthropicMessageResult result = Assemble(ReadCorpus(file, completeSdkFixtures: true));
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal(stopReason, result.StopReason);
        Assert.Equal(blocks, result.Blocks.Count);
        Assert.Equal(textLength, result.Text?.Length ?? 0);
        if (textStart is null)
        {
            Assert.Null(result.Text);
        }
        else
        {
            Assert.StartsWith(textStart, result.Text, StringComparison.Ordinal);
        }

        Assert.Equal(input, result.Usage.Input);
        Assert.Equal(output, result.Usage.Output);
        Assert.Equal(input + output, result.Usage.Total);
        Assert.False(result.HasProviderError);
    }

    [Fact]
    public void ToolUseRecordingsHaveTheirCallsAndValidity()
    {
        using AnthropicMessageResult tool = Assemble(ReadCorpus("sdk-tool-use-1.sse", completeSdkFixtures: true));
        ToolCall call = Assert.Single(tool.ToolCalls);
        Assert.Equal(("toolu_01NRLabsLyVHZPKxbKvkfSMn", "get_weather", "{\"location\": \"Paris\"}", "tool_use"), (call.Id, call.Name, call.Arguments, call.Type));
        Assert.Equal(Json.JsonTextStatus.Valid, call.ArgumentsStatus);
        Assert.Equal(StopKind.ToolCalls, tool.StopKind);

        // The first input_json_delta is "": no change. The caller member of the seed is kept.
        JsonObject block = (JsonObject)JsonNode.Parse(tool.Blocks[1].ToJson())!;
        Assert.Equal("""{"type":"direct"}""", block["caller"]!.ToJsonString());
        Assert.Equal("Paris", block["input"]!["location"]!.GetValue<string>());

        using AnthropicMessageResult noArgs = Assemble(ReadCorpus("tool-no-args-1.sse"));
        ToolCall empty = Assert.Single(noArgs.ToolCalls);
        Assert.Equal(("toolu_01QE1WLsSVp5hy5Q3GmGTmjP", "updateIssueList", "{}"), (empty.Id, empty.Name, empty.Arguments));
        Assert.Equal(Json.JsonTextStatus.Valid, empty.ArgumentsStatus);
        Assert.Equal("{}", JsonNode.Parse(noArgs.ToJson())!["content"]![1]!["input"]!.ToJsonString());
    }

    [Fact]
    public void ServerToolInputIsAssembledAndValidatedButIsNoToolCall()
    {
        using AnthropicMessageResult code = Assemble(ReadCorpus("code-execution-server-tools-1.sse"));
        Assert.Empty(code.ToolCalls);
        AnthropicContentBlock[] servers = code.Blocks.Where(b => b.Type == "server_tool_use").ToArray();
        Assert.Equal([1, 4], servers.Select(b => b.Index));
        Assert.All(servers, b => Assert.Equal(Json.JsonTextStatus.Valid, b.InputStatus));
        JsonNode input = JsonNode.Parse(servers[0].ToJson())!["input"]!;
        Assert.Equal("create", input["command"]!.GetValue<string>());
        Assert.Equal("/tmp/fibonacci.py", input["path"]!.GetValue<string>());

        // Result blocks arrive complete at start and get no deltas: written as they came.
        Assert.Null(code.Blocks.Single(b => b.Type == "bash_code_execution_tool_result").InputStatus);
        JsonNode container = JsonNode.Parse(code.GetMemberJson("container").ToArray())!;
        Assert.Equal("container_011CU6pTr2hLT47seQ5Xs4yj", container["id"]!.GetValue<string>());

        using AnthropicMessageResult mcp = Assemble(ReadCorpus("mcp-connector-1.sse"));
        Assert.Empty(mcp.ToolCalls);
        Assert.Contains(""","input":{"message": "hello world"},"server_name":"echo"}""", mcp.ToJson(), StringComparison.Ordinal); // the input text, verbatim
    }

    [Fact]
    public void ThinkingKeepsItsSignatureVerbatimAndContextManagementIsKept()
    {
        byte[] bytes = ReadCorpus("thinking-signature-1.sse");
        using AnthropicMessageResult result = Assemble(bytes);
        Assert.Equal(563, result.Reasoning!.Length);
        Assert.StartsWith("I need to calculate 25 * 37 step by step.", result.Reasoning, StringComparison.Ordinal);
        string json = result.ToJson();
        JsonObject thinking = (JsonObject)JsonNode.Parse(json)!["content"]![0]!;
        Assert.Equal(["type", "thinking", "signature"], thinking.Select(m => m.Key));
        string signature = thinking["signature"]!.GetValue<string>();
        Assert.StartsWith("EtQFCkYICxgCKkC6mX3q5F227lNUFReMQGWY0Vfr33jLdTeIs1jqrtSjwH4/", signature, StringComparison.Ordinal);
        Assert.Contains($"\"signature\":\"{signature}\"", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal("""{"applied_edits":[]}""", System.Text.Encoding.UTF8.GetString(result.GetMemberJson("context_management").Span));
    }

    [Fact]
    public void CompactionKeepsItsSummaryAndUsageReplacedNotSummed()
    {
        using AnthropicMessageResult result = Assemble(ReadCorpus("compaction-1.sse"));
        JsonObject compaction = (JsonObject)JsonNode.Parse(result.ToJson())!["content"]![0]!;
        Assert.Equal("compaction", compaction["type"]!.GetValue<string>());
        Assert.StartsWith("## Summary of Conversation", compaction["content"]!.GetValue<string>(), StringComparison.Ordinal);

        // The start said 60385 input tokens; compaction lowered it to 612, and 612 it is.
        Assert.Equal(612, result.Usage.Input);
        JsonNode usage = JsonNode.Parse(result.UsageJson.ToArray())!;
        Assert.Equal("global", usage["inference_geo"]!.GetValue<string>()); // kept from the start: the delta did not send it
        Assert.Equal(2, usage["iterations"]!.AsArray().Count);
    }

    [Fact]
    public void WebSearchCitationsArriveBeforeTheirTextAndAreKeptInOrder()
    {
        using AnthropicMessageResult result = Assemble(ReadCorpus("web-search-citations-1.sse"));
        JsonArray content = JsonNode.Parse(result.ToJson())!["content"]!.AsArray();
        int citations = content.Sum(b => b!["citations"] is JsonArray a ? a.Count : 0);
        Assert.Equal(14, citations);
        JsonObject cited = (JsonObject)content[3]!;
        Assert.Equal(["citations", "type", "text"], cited.Select(m => m.Key)); // the seed's order, verbatim
        Assert.Equal("web_search_result_location", cited["citations"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("web_search_tool_result", content[1]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void FallbackNamesTheModelThatAnsweredWhileTheMessageKeepsTheOneAskedFor()
    {
        using AnthropicMessageResult result = Assemble(ReadCorpus("fallback-block-1.sse"));
        Assert.Equal("claude-opus-4-8", result.Model);
        Assert.Equal("claude-fable-5", result.RequestedModel);
        Assert.Equal("claude-fable-5", JsonNode.Parse(result.ToJson())!["model"]!.GetValue<string>());
        Assert.Equal("The printing press was invented by Johannes Gutenberg around 1440.", result.Text);
    }

    [Fact]
    public void RefusalWithoutBlocksHasItsExplanationAsTheRefusal()
    {
        using AnthropicMessageResult result = Assemble(ReadCorpus("refusal-no-blocks-1.sse"));
        Assert.Equal(StopKind.Refusal, result.StopKind);
        Assert.Equal("This request triggered restrictions on violative cyber content and was blocked under Anthropic's Usage Policy.", result.Refusal);
        Assert.Null(result.Text);
        Assert.Null(result.Reasoning);
        Assert.Empty(result.Blocks);
        Assert.Equal("cyber", JsonNode.Parse(result.StopDetailsJson.ToArray())!["category"]!.GetValue<string>());
        Assert.Null(result.StopSequence);
    }
}

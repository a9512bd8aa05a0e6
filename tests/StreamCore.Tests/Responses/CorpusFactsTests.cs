using System;
using System.Linq;
using System.Text.Json.Nodes;
using StreamCore.Responses;
using static StreamCore.Tests.Responses.ResponsesTestSupport;

namespace StreamCore.Tests.Responses;

/// <summary>What each Responses recording says, pinned (text, reasoning, tool calls and their validity, status, usage counts), as a plain reading of its terminal event gives them.</summary>
public class CorpusFactsTests
{
    [Theory]
    [InlineData("azure-function-call-1.sse", "Complete", "ToolCalls", "completed", 1, -1, null, null, 0, 45L, 0L, 24L, 0L, 69L)]
    [InlineData("azure-text-1.sse", "Complete", "Stop", "completed", 1, 5, "Hello", "Hello", 0, 11L, 0L, 11L, 0L, 22L)]
    [InlineData("lmstudio-reasoning-text-function-call-1.sse", "Complete", "ToolCalls", "completed", 3, 67, "I'll get the current weather", "San Francisco for you.", 242, 182L, 2L, 61L, 48L, 243L)]
    [InlineData("openai-code-interpreter-1.sse", "Complete", "Stop", "completed", 8, 596, "Here’s a simulation of rolling two fair six-sided", "(JSON, Excel, etc.).", 0, 6047L, 2944L, 1623L, 1408L, 7670L)]
    [InlineData("openai-error-quota-failed-1.sse", "Failed", "Error", "failed", 0, -1, null, null, 0, null, null, null, null, null)]
    [InlineData("openai-file-search-annotations-1.sse", "Complete", "Stop", "completed", 4, 383, "According to the document, an embedding model", "odels or NLP tasks .", 0, 3737L, 2304L, 621L, 512L, 4358L)]
    [InlineData("openai-image-generation-1.sse", "Complete", "Stop", "completed", 3, 0, "", "", 0, 2941L, 1920L, 1249L, 1024L, 4190L)]
    [InlineData("openai-mcp-call-1.sse", "Complete", "Stop", "completed", 3, 221, "Done — here’s your shortened link:\n\nhttps://zip1.io/UDKvlw", "or password protection added?", 0, 779L, 0L, 69L, 0L, 848L)]
    [InlineData("openai-reasoning-summary-function-calls-1.sse", "Complete", "ToolCalls", "completed", 2, -1, null, null, 163, 134L, 0L, 28L, 0L, 162L)]
    [InlineData("openai-web-search-annotations-1.sse", "Complete", "Stop", "completed", 14, 3645, "I checked today’s tech headlines (today = December", "ut more details now?", 0, 31073L, 3712L, 4416L, 3712L, 35489L)]
    [InlineData("xai-reasoning-summary-1.sse", "Complete", "Stop", "completed", 2, 2849, "### Overview of Sonoran Cuisine\nSonoran food origi", "rkets in Hermosillo.", 766, 216L, 192L, 923L, 323L, 1139L)]
    public void TheRecordingSaysWhatItSays(string file, string status, string stopKind, string stopReason, int items, int textLength, string? textStart, string? textEnd, int reasoningLength,
        long? input, long? cached, long? output, long? reasoning, long? total)
    {
        using ResponsesResult result = Assemble(ReadCorpus(file));
        Assert.Equal(Enum.Parse<StreamStatus>(status), result.Status);
        Assert.Equal(Enum.Parse<StopKind>(stopKind), result.StopKind);
        Assert.Equal(stopReason, result.StopReason);
        Assert.Equal(items, result.OutputItemCount);
        if (textLength < 0)
        {
            Assert.Null(result.Text);
        }
        else
        {
            Assert.Equal(textLength, result.Text!.Length);
            Assert.StartsWith(textStart!, result.Text, StringComparison.Ordinal);
            Assert.EndsWith(textEnd!, result.Text, StringComparison.Ordinal);
        }

        Assert.Equal(reasoningLength, result.Reasoning?.Length ?? 0);
        Assert.Null(result.Refusal);
        Assert.Equal(new UsageCounts(input, cached, output, reasoning, total), result.Usage);
        Assert.Equal(0, result.SequenceGaps);
        Assert.Equal(0, result.SequenceRepeats);
    }

    [Theory]
    [InlineData("azure-function-call-1.sse", "call_H5DxLSFnsGhiROnUiDHmgyc8", "weather", "{\"location\":\"San Francisco\"}")]
    [InlineData("lmstudio-reasoning-text-function-call-1.sse", "call_2025306790300011", "weather", "{\"location\":\"San Francisco\"}")]
    [InlineData("openai-reasoning-summary-function-calls-1.sse", "call_AB6AaRZ1FYZB2RwS6A5vbdqn", "calculator", "{\"a\":12,\"b\":7,\"op\":\"add\"}")]
    public void TheToolCallOfTheRecordingIsCompleteAndValid(string file, string id, string name, string arguments)
    {
        using ResponsesResult result = Assemble(ReadCorpus(file));
        ToolCall call = Assert.Single(result.ToolCalls);
        Assert.Equal((id, name, arguments, "function_call"), (call.Id, call.Name, call.Arguments, call.Type));
        Assert.Equal(Json.JsonTextStatus.Valid, call.ArgumentsStatus);
        Assert.True(call.IsCompleted);
    }

    [Fact]
    public void TheQuotaErrorIsTheNestedErrorAndTheFailedEnvelopeIsKept()
    {
        using ResponsesResult result = Assemble(ReadCorpus("openai-error-quota-failed-1.sse"));
        JsonNode error = JsonNode.Parse(result.ErrorJson.Span)!;
        Assert.Equal(("insufficient_quota", "insufficient_quota"), ((string?)error["type"], (string?)error["code"]));
        Assert.True(result.HasProviderError);
        Assert.Equal("failed", result.ResponseStatus);
        JsonObject json = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal("failed", (string?)json["status"]);
        Assert.Equal("insufficient_quota", (string?)json["error"]!["code"]);
        Assert.Empty(json["output"]!.AsArray());
        Assert.Throws<StreamProviderErrorException>(() => result.EnsureSuccess());
    }

    [Fact]
    public void HostedToolsAreItemsNotToolCallsAndKeepWhatTheirFinalJsonSays()
    {
        using ResponsesResult web = Assemble(ReadCorpus("openai-web-search-annotations-1.sse"));
        Assert.Empty(web.ToolCalls);
        JsonArray output = JsonNode.Parse(web.ToJson())!["output"]!.AsArray();
        Assert.Equal(13, output.Count(i => (string?)i!["type"] == "web_search_call" || (string?)i!["type"] == "reasoning"));
        Assert.Equal(12, output[^1]!["content"]![0]!["annotations"]!.AsArray().Count);

        using ResponsesResult mcp = Assemble(ReadCorpus("openai-mcp-call-1.sse"));
        Assert.Empty(mcp.ToolCalls);
        JsonObject call = JsonNode.Parse(mcp.ToJson())!["output"]![1]!.AsObject();
        Assert.Equal(("mcp_call", "completed"), ((string?)call["type"], (string?)call["status"]));

        using ResponsesResult code = Assemble(ReadCorpus("openai-code-interpreter-1.sse"));
        Assert.Empty(code.ToolCalls);
        Assert.Equal(3, JsonNode.Parse(code.ToJson())!["output"]!.AsArray().Count(i => (string?)i!["type"] == "code_interpreter_call" && ((string?)i["code"])!.Length > 0));
    }
}

using System;
using System.Linq;
using System.Text.Json.Nodes;
using StreamCore.Anthropic;
using StreamCore.Json;
using static StreamCore.Tests.Anthropic.AnthropicTestSupport;

namespace StreamCore.Tests.Anthropic;

/// <summary><c>typed-protocols.md</c>, section 2: a small hand-written stream per rule.</summary>
public class AnthropicRulesTests
{
    // Rule 1: "message_start sets the message: message's members verbatim, including a non-empty content and its usage."
    [Fact]
    public void MessageStartSetsTheMessageVerbatimWithItsCompleteContent()
    {
        const string start = """{"type":"message_start","message":{"id":"msg_c","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"pre"},{"type":"tool_use","id":"t0","name":"f","input":{"a": [1, 2.50]}}],"stop_reason":null,"stop_sequence":null,"container":{"id":"c1"},"usage":{"input_tokens":3,"output_tokens":1},"extra":null}}""";
        using AnthropicMessageResult result = Assemble(Events(start, BlockStart(2, """{"type":"text","text":""}"""), TextDelta(2, "\"post\""), BlockStop(2), Stop));
        Assert.Equal(
            """{"id":"msg_c","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"pre"},{"type":"tool_use","id":"t0","name":"f","input":{"a": [1, 2.50]}},{"type":"text","text":"post"}],"stop_reason":null,"stop_sequence":null,"container":{"id":"c1"},"usage":{"input_tokens":3,"output_tokens":1},"extra":null}""",
            result.ToJson());
        Assert.Equal("prepost", result.Text);
        ToolCall call = Assert.Single(result.ToolCalls);
        Assert.Equal(("t0", "f", """{"a": [1, 2.50]}"""), (call.Id, call.Name, call.Arguments));
        Assert.True(call.IsCompleted);
        Assert.Equal(StreamStatus.Complete, result.Status);
    }

    [Fact]
    public void TheMessageIsWrittenWithItsLeadingMembersFirstThenTheRestInArrivalOrder()
    {
        const string start = """{"type":"message_start","message":{"usage":{"input_tokens":1},"model":"m","stop_sequence":null,"zeta":1,"id":"msg_o","alpha":2}}""";
        JsonObject message = AssembleNode(Events(start, MessageDelta("""{"stop_reason":"end_turn","beta":3}""", """{"output_tokens":2}"""), Stop));
        Assert.Equal(["id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage", "zeta", "alpha", "beta"], message.Select(m => m.Key));
        Assert.Equal("message", message["type"]!.GetValue<string>()); // absent: the Message's own value
        Assert.Equal("assistant", message["role"]!.GetValue<string>());
    }

    [Fact]
    public void ARepeatedMessageStartChangesNothing()
    {
        string repeated = Start.Replace("claude-test", "other-model", StringComparison.Ordinal).Replace("\"input_tokens\":10", "\"input_tokens\":99", StringComparison.Ordinal);
        using AnthropicMessageResult once = Assemble(Events(Start, BlockStart(0, """{"type":"text","text":""}"""), TextDelta(0, "\"a\""), Stop));
        using AnthropicMessageResult twice = Assemble(Events(Start, BlockStart(0, """{"type":"text","text":""}"""), repeated, TextDelta(0, "\"a\""), Stop));
        Assert.Equal(once.ToJson(), twice.ToJson());
        Assert.Equal("claude-test", twice.Model);
        Assert.Equal(10, twice.Usage.Input);
    }

    [Fact]
    public void ASplicedMessageStartIsMalformedAndTheFirstMessageIsKept()
    {
        string spliced = Start.Replace("msg_1", "msg_2", StringComparison.Ordinal);
        StreamFormatException e = AssembleMalformed(Events(Start, BlockStart(0, """{"type":"text","text":""}"""), TextDelta(0, "\"first\""), spliced, TextDelta(0, "\"second\""), Stop));
        using StreamResult partial = e.PartialResult;
        Assert.Equal(4, e.EventNumber);
        Assert.Contains("\"msg_2\" after \"msg_1\"", e.Message, StringComparison.Ordinal);
        Assert.Equal(StreamStatus.Failed, partial.Status);
        Assert.Equal("msg_1", partial.Id);
        Assert.Equal("first", partial.Text);
    }

    // Rule 2: "content_block_start places its content_block at index as the block's seed."
    [Fact]
    public void ResultBlocksArriveCompleteAtStartAndAreKeptVerbatim()
    {
        const string result = """{"type":"web_search_tool_result","tool_use_id":"s1","content":[{"type":"web_search_result","url":"https://x","encrypted_content":"QUJD+/=="}]}""";
        JsonObject message = AssembleNode(Events(Start, BlockStart(0, result), BlockStop(0), Stop));
        Assert.Equal(result, message["content"]![0]!.ToJsonString(Compact));
    }

    // Rule 3.
    [Fact]
    public void EachDeltaTypeWritesItsMember()
    {
        string input = Events(
            Start,
            BlockStart(0, """{"type":"thinking","thinking":"","signature":""}"""),
            Delta(0, """{"type":"thinking_delta","thinking":"Let me "}"""),
            Delta(0, """{"type":"thinking_delta","thinking":"think."}"""),
            Delta(0, """{"type":"signature_delta","signature":"c2ln+/=="}"""),
            BlockStop(0),
            BlockStart(1, """{"type":"text","text":""}"""),
            TextDelta(1, "\"Hello\""),
            TextDelta(1, "\", \\\"world\\\"\""),
            BlockStop(1),
            BlockStart(2, """{"type":"compaction","content":null}"""),
            Delta(2, """{"type":"compaction_delta","content":"summary","encrypted_content":"ZW5j"}"""),
            BlockStop(2),
            Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(
            """[{"type":"thinking","thinking":"Let me think.","signature":"c2ln+/=="},{"type":"text","text":"Hello, \"world\""},{"type":"compaction","content":"summary","encrypted_content":"ZW5j"}]""",
            JsonNode.Parse(result.ToJson())!["content"]!.ToJsonString(Compact));
        Assert.Equal("Let me think.", result.Reasoning);
        Assert.Equal("Hello, \"world\"", result.Text);
    }

    [Fact]
    public void ASignatureIsCarriedAsTheBytesItArrivedAs()
    {
        // Escapes inside an opaque payload are not decoded and re-encoded: the bytes go through.
        using AnthropicMessageResult result = Assemble(Events(Start, BlockStart(0, """{"type":"thinking","thinking":"","signature":""}"""), Delta(0, """{"type":"signature_delta","signature":"a\/b\u002B=="}"""), Stop));
        Assert.Contains("\"signature\":\"a\\/b\\u002B==\"", result.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void CitationsMayArriveBeforeTheTextAndAreCreatedWhenAbsentOrNull()
    {
        const string citation = """{"type":"char_location","cited_text":"x","document_index":0,"start_char_index":0,"end_char_index":1}""";
        string input = Events(
            Start,
            BlockStart(0, """{"type":"text","text":""}"""),
            Delta(0, $$"""{"type":"citations_delta","citation":{{citation}}}"""),
            TextDelta(0, "\"cited\""),
            BlockStart(1, """{"citations":null,"type":"text","text":""}"""),
            Delta(1, $$"""{"type":"citations_delta","citation":{{citation}}}"""),
            Delta(1, $$"""{"type":"citations_delta","citation":{{citation}}}"""),
            BlockStart(2, """{"citations":[{"type":"old"}],"type":"text","text":""}"""),
            Delta(2, $$"""{"type":"citations_delta","citation":{{citation}}}"""),
            Stop);
        JsonArray content = AssembleNode(input)["content"]!.AsArray();
        Assert.Equal($$"""{"type":"text","text":"cited","citations":[{{citation}}]}""", content[0]!.ToJsonString(Compact));
        Assert.Equal($$"""{"citations":[{{citation}},{{citation}}],"type":"text","text":""}""", content[1]!.ToJsonString(Compact));
        Assert.Equal($$"""{"citations":[{"type":"old"},{{citation}}],"type":"text","text":""}""", content[2]!.ToJsonString(Compact));
    }

    [Fact]
    public void InputJsonAppendsOnAnyBlockTypeAndAnEmptyFragmentIsNoChange()
    {
        string input = Events(
            Start,
            BlockStart(0, """{"type":"server_tool_use","id":"s","name":"web_search","input":{}}"""),
            InputDelta(0, "\"\""),
            InputDelta(0, "\"{\\\"query\\\": \""),
            InputDelta(0, "\"\""),
            InputDelta(0, "\"\\\"news\\\"}\""),
            BlockStop(0),
            BlockStart(1, """{"type":"mcp_tool_use","id":"m","name":"echo","input":{},"server_name":"e"}"""),
            InputDelta(1, "\"[1,\""),
            InputDelta(1, "\"2]\""),
            BlockStop(1),
            Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(
            """[{"type":"server_tool_use","id":"s","name":"web_search","input":{"query":"news"}},{"type":"mcp_tool_use","id":"m","name":"echo","input":[1,2],"server_name":"e"}]""",
            JsonNode.Parse(result.ToJson())!["content"]!.ToJsonString(Compact));
        Assert.Contains("\"input\":{\"query\": \"news\"}", result.ToJson(), StringComparison.Ordinal);
        Assert.Empty(result.ToolCalls); // the provider runs these tools
        Assert.All(result.Blocks, b => Assert.Equal(JsonTextStatus.Valid, b.InputStatus));
    }

    [Fact]
    public void ADeltaForABlockNeverStartedOpensOneOfItsKind()
    {
        string input = DataOnly(
            Start,
            TextDelta(3, "\"orphan text\""),
            Delta(5, """{"type":"thinking_delta","thinking":"hm"}"""),
            Delta(6, """{"type":"signature_delta","signature":"sig"}"""),
            InputDelta(7, "\"{\\\"k\\\":1}\""),
            Delta(8, """{"type":"citations_delta","citation":{"type":"c"}}"""),
            Delta(9, """{"type":"compaction_delta","content":"s"}"""),
            Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(
            """[{"type":"text","text":"orphan text"},{"type":"thinking","thinking":"hm"},{"type":"thinking","signature":"sig"},{"type":"tool_use","input":{"k":1}},{"type":"text","citations":[{"type":"c"}]},{"type":"compaction","content":"s"}]""",
            JsonNode.Parse(result.ToJson())!["content"]!.ToJsonString(Compact));
        Assert.Equal([3, 5, 6, 7, 8, 9], result.Blocks.Select(b => b.Index));
        ToolCall call = Assert.Single(result.ToolCalls);
        Assert.Equal(("""{"k":1}""", (string?)null), (call.Arguments, call.Id));
        Assert.Equal("orphan text", result.Text);
    }

    [Fact]
    public void AStartAfterDeltasLaysItsSeedUnderWhatTheDeltasBuilt()
    {
        string input = Events(
            Start,
            TextDelta(0, "\"early\""),
            BlockStart(0, """{"type":"text","text":"","citations":null}"""),
            TextDelta(0, "\" late\""),
            BlockStop(0),
            Stop);
        Assert.Equal("""[{"type":"text","text":"early late","citations":null}]""", AssembleNode(input)["content"]!.ToJsonString(Compact));
    }

    // Rule 4.
    [Fact]
    public void AToolWithoutArgumentsKeepsItsEmptyObject()
    {
        string input = Events(Start, BlockStart(0, """{"type":"tool_use","id":"t","name":"noArgs","input":{}}"""), InputDelta(0, "\"\""), BlockStop(0), Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal("""{"type":"tool_use","id":"t","name":"noArgs","input":{}}""", JsonNode.Parse(result.ToJson())!["content"]![0]!.ToJsonString(Compact));
        ToolCall call = Assert.Single(result.ToolCalls);
        Assert.Equal("{}", call.Arguments);
        Assert.Equal(JsonTextStatus.Valid, call.ArgumentsStatus);
    }

    [Fact]
    public void TheCompleteInputGivenAtStartIsKeptWhenNoInputTextArrives()
    {
        string input = Events(Start, BlockStart(0, """{"type":"tool_use","id":"t","name":"f","input":{"city":"Oslo","n":[1,2]}}"""), BlockStop(0), Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal("""{"city":"Oslo","n":[1,2]}""", Assert.Single(result.ToolCalls).Arguments);
        Assert.Equal("""{"city":"Oslo","n":[1,2]}""", JsonNode.Parse(result.ToJson())!["content"]![0]!["input"]!.ToJsonString(Compact));
    }

    [Fact]
    public void ToolInputCutAtMaxTokensIsKeptAsTextAndReportedInvalid()
    {
        string input = Events(
            Start,
            BlockStart(0, """{"type":"tool_use","id":"t","name":"write","input":{}}"""),
            InputDelta(0, "\"{\\\"path\\\": \\\"a.txt\\\", \\\"body\\\": \\\"Once upon a ti\""),
            BlockStop(0),
            MessageDelta("""{"stop_reason":"max_tokens","stop_sequence":null}""", """{"output_tokens":4096}"""),
            Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal(StopKind.Length, result.StopKind);
        ToolCall call = Assert.Single(result.ToolCalls);
        Assert.Equal("""{"path": "a.txt", "body": "Once upon a ti""", call.Arguments);
        Assert.NotEqual(JsonTextStatus.Valid, call.ArgumentsStatus);
        Assert.Equal(JsonTextStatus.Incomplete, result.Blocks[0].InputStatus);

        // Never a silent {}: the text is the input, as a string.
        Assert.Equal("""{"path": "a.txt", "body": "Once upon a ti""", JsonNode.Parse(result.ToJson())!["content"]![0]!["input"]!.GetValue<string>());
    }

    [Fact]
    public void InvalidInputTextIsKeptAsTextAndReportedInvalid()
    {
        string input = Events(Start, BlockStart(0, """{"type":"tool_use","id":"t","name":"f","input":{}}"""), InputDelta(0, "\"{\\\"a\\\": tru}\""), BlockStop(0), Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(JsonTextStatus.Invalid, Assert.Single(result.ToolCalls).ArgumentsStatus);
        Assert.Equal("""{"a": tru}""", JsonNode.Parse(result.ToJson())!["content"]![0]!["input"]!.GetValue<string>());
    }

    [Fact]
    public void ABlockNeverStoppedIsClosedAtTheEndOfInput()
    {
        string input = Events(Start, BlockStart(0, """{"type":"tool_use","id":"t","name":"f","input":{}}"""), InputDelta(0, "\"{\\\"a\\\":\""), InputDelta(0, "\"1}\""));
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(StreamStatus.Incomplete, result.Status);
        ToolCall call = Assert.Single(result.ToolCalls);
        Assert.True(call.IsCompleted);
        Assert.Equal(JsonTextStatus.Valid, call.ArgumentsStatus);
        Assert.Equal("""{"a":1}""", JsonNode.Parse(result.ToJson())!["content"]![0]!["input"]!.ToJsonString(Compact));
    }

    // Rule 5.
    [Fact]
    public void UsageIsLaidOverMemberByMemberAndNeverSummed()
    {
        const string start = """{"type":"message_start","message":{"id":"msg_u","usage":{"input_tokens":100,"cache_creation_input_tokens":7,"cache_read_input_tokens":20,"output_tokens":1,"service_tier":"standard"}}}""";
        string input = Events(
            start,
            MessageDelta("""{"stop_reason":null}""", """{"output_tokens":50}"""),
            MessageDelta("""{"stop_reason":"end_turn","stop_sequence":null}""", """{"input_tokens":140,"cache_read_input_tokens":null,"output_tokens":80,"server_tool_use":{"web_search_requests":1}}"""),
            Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(
            """{"input_tokens":140,"cache_creation_input_tokens":7,"cache_read_input_tokens":20,"output_tokens":80,"service_tier":"standard","server_tool_use":{"web_search_requests":1}}""",
            System.Text.Encoding.UTF8.GetString(result.UsageJson.Span));
        Assert.Equal(new UsageCounts(140 + 7 + 20, 20, 80, null, 140 + 7 + 20 + 80), result.Usage);
        Assert.Equal(result.UsageJson.ToArray(), result.GetMemberJson("usage").ToArray());
    }

    [Fact]
    public void CompactionLowersInputTokensAndTheStartValueIsGone()
    {
        string input = Events(
            """{"type":"message_start","message":{"id":"m","usage":{"input_tokens":60000,"output_tokens":5}}}""",
            MessageDelta("""{"stop_reason":"end_turn"}""", """{"input_tokens":600,"output_tokens":900}"""),
            Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(600, result.Usage.Input);
        Assert.Equal(900, result.Usage.Output);
    }

    [Fact]
    public void MessageDeltaSetsTheStopMembersAndKeepsContextManagement()
    {
        string input = Events(
            Start,
            """{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"###","stop_details":{"type":"x"},"container":{"id":"c","expires_at":"2025"}},"usage":{"output_tokens":3},"context_management":{"applied_edits":[{"type":"clear"}]}}""",
            Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal("stop_sequence", result.StopReason);
        Assert.Equal(StopKind.Stop, result.StopKind);
        Assert.Equal("###", result.StopSequence);
        Assert.Null(result.Refusal); // stop details without a refusal
        JsonObject message = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal("###", message["stop_sequence"]!.GetValue<string>());
        Assert.Equal("""{"type":"x"}""", message["stop_details"]!.ToJsonString());
        Assert.Equal("""{"id":"c","expires_at":"2025"}""", message["container"]!.ToJsonString());
        Assert.Equal("""{"applied_edits":[{"type":"clear"}]}""", message["context_management"]!.ToJsonString());
    }

    [Theory]
    [InlineData("end_turn", StopKind.Stop)]
    [InlineData("max_tokens", StopKind.Length)]
    [InlineData("tool_use", StopKind.ToolCalls)]
    [InlineData("pause_turn", StopKind.Paused)]
    [InlineData("refusal", StopKind.Refusal)]
    [InlineData("model_context_window_exceeded", StopKind.Length)]
    [InlineData("something_new", StopKind.Other)]
    public void StopReasonsMapToStopKinds(string reason, StopKind kind)
    {
        using AnthropicMessageResult result = Assemble(Events(Start, MessageDelta($$"""{"stop_reason":"{{reason}}"}""", """{"output_tokens":1}"""), Stop));
        Assert.Equal(reason, result.StopReason);
        Assert.Equal(kind, result.StopKind);
    }

    // Rule 6.
    [Fact]
    public void MessageStopCompletesAndNothingAfterItIsRead()
    {
        using AnthropicMessageResult result = Assemble(Events(Start, BlockStart(0, """{"type":"text","text":""}"""), TextDelta(0, "\"a\""), Stop, TextDelta(0, "\"b\"")) + "data: not json\n\n");
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal("a", result.Text);
        Assert.Equal(4, result.EventCount);
    }

    // Rule 7.
    [Fact]
    public void AMidStreamErrorFailsTheStreamAndKeepsThePartialMessage()
    {
        string input = Events(
            Start,
            BlockStart(0, """{"type":"text","text":""}"""),
            TextDelta(0, "\"partial\""),
            BlockStart(1, """{"type":"tool_use","id":"t","name":"f","input":{}}"""),
            InputDelta(1, "\"{\\\"a\\\":\""),
            """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""",
            TextDelta(0, "\" ignored\""));
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(StreamStatus.Failed, result.Status);
        Assert.True(result.HasProviderError);
        Assert.Equal(StopKind.Error, result.StopKind);
        Assert.Equal("partial", result.Text);
        Assert.Equal("""{"type":"overloaded_error","message":"Overloaded"}""", System.Text.Encoding.UTF8.GetString(result.ErrorJson.Span));
        JsonObject message = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal("overloaded_error", message["error"]!["type"]!.GetValue<string>());
        Assert.Equal("{\"a\":", message["content"]![1]!["input"]!.GetValue<string>()); // closed at the end, invalid, kept
        Assert.True(Assert.Single(result.ToolCalls).IsCompleted);
        StreamProviderErrorException thrown = Assert.Throws<StreamProviderErrorException>(() => result.EnsureSuccess());
        Assert.Contains("Overloaded", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}\n\n", """{"type":"api_error"}""")]
    [InlineData("event: error\ndata: {\"message\":\"no type, no error member\"}\n\n", """{"message":"no type, no error member"}""")]
    [InlineData("data: {\"type\":\"error\",\"message\":\"flat\"}  \n\n", """{"type":"error","message":"flat"}""")]
    [InlineData("event: error\ndata: Service Unavailable\n\n", "\"Service Unavailable\"")]
    public void TheErrorIsTheErrorMemberElseTheDataElseTheDataAsAString(string errorEvent, string error)
    {
        using AnthropicMessageResult result = Assemble(Events(Start) + errorEvent, AnthropicOptions);
        Assert.Equal(StreamStatus.Failed, result.Status);
        Assert.Equal(error, System.Text.Encoding.UTF8.GetString(result.ErrorJson.Span));
        Assert.Equal("msg_1", result.Id);
    }

    // Rule 8.
    [Fact]
    public void InputEndingWithoutMessageStopIsIncomplete()
    {
        using AnthropicMessageResult result = Assemble(Events(Start, BlockStart(0, """{"type":"text","text":""}"""), TextDelta(0, "\"so far\""), MessageDelta("""{"stop_reason":"end_turn"}""", """{"output_tokens":2}""")));
        Assert.Equal(StreamStatus.Incomplete, result.Status);
        Assert.Equal("so far", result.Text);
        Assert.Equal("end_turn", result.StopReason);
    }

    [Fact]
    public void CutAtEveryEventBoundaryIsIncompleteWithEverythingBeforeIt()
    {
        string[] events =
        [
            Start,
            BlockStart(0, """{"type":"thinking","thinking":"","signature":""}"""),
            Delta(0, """{"type":"thinking_delta","thinking":"hmm"}"""),
            Delta(0, """{"type":"signature_delta","signature":"s"}"""),
            BlockStop(0),
            BlockStart(1, """{"type":"tool_use","id":"t","name":"f","input":{}}"""),
            InputDelta(1, "\"{\\\"q\\\":\""),
            InputDelta(1, "\"\\\"x\\\"}\""),
            BlockStop(1),
            MessageDelta("""{"stop_reason":"tool_use"}""", """{"output_tokens":9}"""),
            Stop,
        ];
        for (int cut = 1; cut < events.Length; cut++)
        {
            byte[] prefix = Utf8(Events(events[..cut]));
            using AnthropicMessageResult result = Assemble(prefix);
            Assert.Equal(StreamStatus.Incomplete, result.Status);
            Assert.Equal(AnthropicOracle.Read(prefix).ToJson(), Normalize(result.ToJson()));
        }
    }

    // The input text is validated as it arrives; in the JSON it is unescaped once, so escapes split across fragments join.
    [Fact]
    public void SurrogatePairsSplitAcrossDeltasJoinIntoOneCharacter()
    {
        string input = Events(
            Start,
            BlockStart(0, """{"type":"text","text":""}"""),
            TextDelta(0, "\"a\\ud83d\""),
            TextDelta(0, "\"\\ude00b\""),
            BlockStart(1, """{"type":"thinking","thinking":""}"""),
            Delta(1, """{"type":"thinking_delta","thinking":"\ud83e"}"""),
            Delta(1, """{"type":"thinking_delta","thinking":"\udd14"}"""),
            BlockStart(2, """{"type":"tool_use","id":"t","name":"f","input":{}}"""),
            InputDelta(2, "\"{\\\"e\\\":\\\"\\\\ud83d\""),
            InputDelta(2, "\"\\\\ude00\\\"}\""),
            Stop);
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal("a\U0001F600b", result.Text);
        Assert.Equal("\U0001F914", result.Reasoning);
        Assert.Equal("\U0001F600", JsonNode.Parse(Assert.Single(result.ToolCalls).Arguments)!["e"]!.GetValue<string>());
        Assert.Contains("\"text\":\"a\\uD83D\\uDE00b\"", result.ToJson(), StringComparison.Ordinal); // one pair, not two U+FFFD
    }
}

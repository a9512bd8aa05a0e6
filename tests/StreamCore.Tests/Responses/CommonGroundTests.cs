using System;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using StreamCore.Responses;
using static StreamCore.Tests.Responses.Fixtures;
using static StreamCore.Tests.Responses.ResponsesTestSupport;
using static StreamCore.Tests.Responses.RuleTests;

namespace StreamCore.Tests.Responses;

/// <summary>Section 0 for Responses, and section 1's dispatch: which event is what, other protocols, unknown events, keep-alives, limits.</summary>
public class CommonGroundTests
{
    private static readonly StreamOptions Forced = new() { Protocol = StreamProtocol.Responses };

    [Fact]
    public void DispatchIsOnTheSseNameElseOnTheTypeWhereverItStands()
    {
        // No event: lines, type last: the data's type decides.
        string unnamed = Unnamed(
            """{"sequence_number":0,"response":{"id":"r","status":"in_progress"},"type":"response.created"}""",
            """{"output_index":0,"content_index":0,"delta":"hi","sequence_number":1,"type":"response.output_text.delta"}""");
        using ResponsesResult result = Assemble(unnamed);
        Assert.Equal(("r", "hi"), (result.Id, result.Text));

        // An SSE name other than message wins over the data's type.
        string renamed = Named(Created) + "event: response.output_text.delta\ndata: {\"type\":\"something.else\",\"output_index\":0,\"content_index\":0,\"delta\":\"named\"}\n\n";
        using ResponsesResult byName = Assemble(renamed);
        Assert.Equal("named", byName.Text);

        // An event named "message" is dispatched on its type.
        using ResponsesResult message = Assemble(Named(Created) + "event: message\ndata: " + TextDelta(1, "\"m\"") + "\n\n");
        Assert.Equal("m", message.Text);
    }

    [Fact]
    public void ARelaysDoneEmptyDataPingsAndKeepalivesChangeNothing()
    {
        string baseline = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"a\""), TextDelta(5, "\"b\""));
        string noisy = Named(Created) + "data: [DONE]\n\n" + ": comment\n\n" + "data:\n\n" + "event: ping\ndata: {\"type\":\"ping\"}\n\n"
            + Named(MessageAdded) + "data: {\"type\":\"keepalive\",\"sequence_number\":3}\n\n" + "event: keepalive\ndata: \n\n" + "data:   \n\n"
            + Named(PartAdded, TextDelta(4, "\"a\"")) + "data: [DONE]\n\n" + Named(TextDelta(5, "\"b\""));
        Assert.Equal(JsonNode.Parse(AssembleNode(baseline).ToJsonString())!.ToJsonString(), AssembleNode(noisy).ToJsonString());
        (var updates, ResponsesResult result) = Updates(noisy);
        using (result)
        {
            Assert.DoesNotContain(updates, u => u.Kind == StreamUpdateKind.UnknownEvent);
            Assert.Equal(StreamStatus.Incomplete, result.Status); // [DONE] is not the protocol's end
            Assert.Equal(1, result.SequenceRepeats); // the keepalive's number counts: 3 after 3, and the part added repeats it
        }
    }

    [Theory]
    [InlineData("""{"type":"message_start","message":{"id":"m"}}""", "message")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}""", "message")]
    [InlineData("""{"type":"message_stop"}""", "message_stop")]
    [InlineData("""{"delta":"x"}""", "content_block_start")]
    [InlineData("""{"event":"response.content_delta","delta":"x"}""", "message")]
    [InlineData("""{"type":"response.output_text.delta","event":"reasoning.started"}""", "message")]
    public void AnEventOfAnotherProtocolIsMalformedInputThatNamesItsEvent(string data, string eventType)
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"kept\"")) + $"event: {eventType}\ndata: {data}\n\n" + Named(TextDelta(5, "\"never\""));
        StreamFormatException e = AssembleMalformed(input);
        Assert.Equal(5, e.EventNumber);
        Assert.Contains("in an OpenAI Responses stream", e.Message, StringComparison.Ordinal);
        Assert.Contains(data.Contains("\"event\"", StringComparison.Ordinal) ? "Aitronos" : "Anthropic", e.Message, StringComparison.Ordinal);
        using StreamResult partial = e.PartialResult;
        Assert.Equal(StreamStatus.Failed, partial.Status);
        Assert.Equal("kept", partial.Text);
        Assert.True(partial.ToolCalls.Count == 0);
    }

    [Fact]
    public void EventsThatNameNoProtocolAreNotMalformed()
    {
        // An error without a sequence number, a ping, an unknown type, an event member that is no Aitronos name.
        string input = Named(Created) + Unnamed("""{"type":"ping"}""", """{"type":"response.future_thing","x":1}""", """{"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"ok","event":"click"}""");
        using ResponsesResult result = Assemble(input);
        Assert.Equal("ok", result.Text);
    }

    [Fact]
    public void UnknownEventsChangeNothingAndReachConsumersRawWithTheirName()
    {
        string baseline = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"a\""));
        string input = Named(Created, MessageAdded) + "event: response.audio.delta\ndata: {\"type\":\"response.audio.delta\",\"delta\":\"AAAA\",\"output_index\":0}\n\n"
            + Unnamed("""{"type":"response.brand_new","output_index":0,"content_index":0,"delta":"not text"}""", """{"no_type":true}""")
            + Named(PartAdded, TextDelta(4, "\"a\""));
        Assert.Equal(AssembleNode(baseline).ToJsonString(), AssembleNode(input).ToJsonString());
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            StreamUpdate[] unknown = updates.Where(u => u.Kind == StreamUpdateKind.UnknownEvent).ToArray();
            Assert.Equal(["response.audio.delta", "response.brand_new", "message"], unknown.Select(u => u.GetEventName()));
            Assert.Equal("""{"type":"response.brand_new","output_index":0,"content_index":0,"delta":"not text"}""", Encoding.UTF8.GetString(unknown[1].Json.Span));
            Assert.All(unknown, u => Assert.Equal(-1, u.ItemIndex));
        }
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":\"response.output_text.delta\",")]
    [InlineData("{\"type\":\"response.output_text.delta\"} {}")]
    [InlineData("{\"type\":5}")]
    [InlineData("{\"type\":\"response.output_text.delta\",\"output_index\":-1,\"content_index\":0,\"delta\":\"x\"}")]
    [InlineData("{\"type\":\"response.output_text.delta\",\"output_index\":2147483648,\"content_index\":0,\"delta\":\"x\"}")]
    [InlineData("{\"type\":\"response.output_text.delta\",\"content_index\":0,\"delta\":\"x\"}")]
    [InlineData("{\"type\":\"response.output_text.delta\",\"output_index\":0,\"delta\":\"x\"}")]
    [InlineData("{\"type\":\"response.created\",\"response\":[]}")]
    [InlineData("{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":\"x\"}")]
    public void MalformedDataNamesItsEventAndKeepsWhatCameBefore(string data)
    {
        StreamFormatException e = AssembleMalformed(Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"kept\"")) + $"data: {data}\n\n" + Named(TextDelta(6, "\"never\"")), Forced);
        Assert.Equal(5, e.EventNumber);
        using StreamResult partial = e.PartialResult;
        Assert.Equal("kept", partial.Text);
        Assert.Equal(StreamStatus.Failed, partial.Status);
    }

    [Fact]
    public void TheLimitsAreMalformedInputThatNamesThem()
    {
        var options = new StreamOptions { Protocol = StreamProtocol.Responses, MaxOutputItems = 2, MaxPartsPerItem = 2, MaxAnnotations = 2 };
        StreamFormatException items = AssembleMalformed(Named(Created, TextDelta(1, "\"a\"", output: 0), TextDelta(2, "\"b\"", output: 7), TextDelta(3, "\"c\"", output: 9)), options);
        Assert.Contains("MaxOutputItems", items.Message, StringComparison.Ordinal);
        Assert.Equal(4, items.EventNumber);
        using (StreamResult partial = items.PartialResult)
        {
            Assert.Equal("ab", partial.Text);
        }

        StreamFormatException parts = AssembleMalformed(Named(Created,
            """{"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":0,"delta":"s"}""",
            """{"type":"response.reasoning_text.delta","output_index":0,"content_index":5,"delta":"t"}""",
            """{"type":"response.reasoning_text.delta","output_index":0,"content_index":6,"delta":"u"}"""), options);
        Assert.Contains("MaxPartsPerItem", parts.Message, StringComparison.Ordinal);
        Assert.Equal(4, parts.EventNumber);

        string Annotation(int index) => $$$"""{"type":"response.output_text.annotation.added","output_index":0,"content_index":0,"annotation_index":{{{index}}},"annotation":{"i":{{{index}}}}}""";
        StreamFormatException annotations = AssembleMalformed(Named(Created, Annotation(0), Annotation(1000), Annotation(1000), Annotation(3)), options);
        Assert.Contains("MaxAnnotations", annotations.Message, StringComparison.Ordinal);
        Assert.Equal(5, annotations.EventNumber); // the same index twice is one annotation

        StreamFormatException loaded = AssembleMalformed(Named(Created,
            """{"type":"response.content_part.done","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[1,2,3]}}"""), options);
        Assert.Contains("MaxAnnotations", loaded.Message, StringComparison.Ordinal);

        StreamFormatException terminal = AssembleMalformed(Named(Created, Completed(1, "[{\"type\":\"message\"},{\"type\":\"message\"},{\"type\":\"message\"}]")), options);
        Assert.Contains("MaxOutputItems", terminal.Message, StringComparison.Ordinal);

        StreamFormatException seeded = AssembleMalformed(Named(Created,
            """{"type":"response.output_item.added","output_index":0,"item":{"type":"message","content":[{"type":"output_text","text":"a"},{"type":"output_text","text":"b"},{"type":"output_text","text":"c"}]}}"""), options);
        Assert.Contains("MaxPartsPerItem", seeded.Message, StringComparison.Ordinal);
        Assert.Equal(2, seeded.EventNumber);
    }

    [Fact]
    public void MaxResultBytesBoundsWhatAccumulates()
    {
        var options = new StreamOptions { Protocol = StreamProtocol.Responses, MaxResultBytes = 1000 };
        string[] deltas = Enumerable.Range(0, 40).Select(i => TextDelta(i + 4, "\"0123456789012345678901234567890123456789\"")).ToArray();
        StreamFormatException e = AssembleMalformed(Named([Created, MessageAdded, PartAdded, .. deltas]), options);
        Assert.Contains("MaxResultBytes", e.Message, StringComparison.Ordinal);
        using StreamResult partial = e.PartialResult;
        Assert.InRange(partial.Text!.Length, 800, 1000);
    }

    [Fact]
    public void SurrogatePairsEscapedAcrossTwoDeltasJoinIntoOneCharacter()
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"a\\ud83d\""), TextDelta(5, "\"\\ude00b\""),
            FunctionAdded(6, 1), ArgumentsDelta(7, 1, "\"{\\\"e\\\":\\\"\\ud83d\""), ArgumentsDelta(8, 1, "\"\\ude00\\\"}\""));
        using ResponsesResult result = Assemble(input);
        Assert.Equal("a\U0001F600b", result.Text);
        Assert.Equal("{\"e\":\"\U0001F600\"}", result.ToolCalls[0].Arguments);
        Assert.Equal(Json.JsonTextStatus.Valid, result.ToolCalls[0].ArgumentsStatus);
        Assert.Equal("a\U0001F600b", (string?)JsonNode.Parse(result.ToJson())!["output"]![0]!["content"]![0]!["text"]);
    }

    [Fact]
    public void ForcedOrDetectedTheProtocolIsTheSame()
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"a\""), Completed(5));
        Assert.Equal(AssembleNode(input).ToJsonString(), AssembleNode(input, Forced).ToJsonString());
        using ResponsesResult result = Assemble(input);
        Assert.Equal(StreamProtocol.Responses, result.Protocol);
    }

    [Theory]
    [InlineData("response.created", "Lifecycle")]
    [InlineData("response.queued", "Lifecycle")]
    [InlineData("response.in_progress", "Lifecycle")]
    [InlineData("response.completed", "Completed")]
    [InlineData("response.incomplete", "Incomplete")]
    [InlineData("response.failed", "Failed")]
    [InlineData("error", "Error")]
    [InlineData("ping", "KeepAlive")]
    [InlineData("keepalive", "KeepAlive")]
    [InlineData("response.output_item.added", "ItemAdded")]
    [InlineData("response.output_item.done", "ItemDone")]
    [InlineData("response.content_part.added", "ContentPartAdded")]
    [InlineData("response.content_part.done", "ContentPartDone")]
    [InlineData("response.reasoning_summary_part.added", "SummaryPartAdded")]
    [InlineData("response.reasoning_summary_part.done", "SummaryPartDone")]
    [InlineData("response.output_text.delta", "OutputTextDelta")]
    [InlineData("response.output_text.done", "OutputTextDone")]
    [InlineData("response.refusal.delta", "RefusalDelta")]
    [InlineData("response.refusal.done", "RefusalDone")]
    [InlineData("response.reasoning_text.delta", "ReasoningTextDelta")]
    [InlineData("response.reasoning_text.done", "ReasoningTextDone")]
    [InlineData("response.reasoning_summary_text.delta", "SummaryTextDelta")]
    [InlineData("response.reasoning_summary_text.done", "SummaryTextDone")]
    [InlineData("response.function_call_arguments.delta", "FunctionArgumentsDelta")]
    [InlineData("response.function_call_arguments.done", "FunctionArgumentsDone")]
    [InlineData("response.mcp_call_arguments.delta", "McpArgumentsDelta")]
    [InlineData("response.mcp_call_arguments.done", "McpArgumentsDone")]
    [InlineData("response.custom_tool_call_input.delta", "CustomInputDelta")]
    [InlineData("response.custom_tool_call_input.done", "CustomInputDone")]
    [InlineData("response.code_interpreter_call_code.delta", "CodeDelta")]
    [InlineData("response.code_interpreter_call_code.done", "CodeDone")]
    [InlineData("response.output_text.annotation.added", "AnnotationAdded")]
    [InlineData("response.image_generation_call.partial_image", "Unknown")] // "passed to consumers, not stored": as an unknown event is
    [InlineData("response.web_search_call.searching", "ToolStatus")]
    [InlineData("response.file_search_call.completed", "ToolStatus")]
    [InlineData("response.code_interpreter_call.interpreting", "ToolStatus")]
    [InlineData("response.image_generation_call.generating", "ToolStatus")]
    [InlineData("response.mcp_call.failed", "ToolStatus")]
    [InlineData("response.mcp_list_tools.completed", "ToolStatus")]
    [InlineData("response.web_search_call.delta", "Unknown")]
    [InlineData("response.rate_limits.updated", "Unknown")]
    [InlineData("response.audio.delta", "Unknown")]
    [InlineData("message_start", "OtherProtocol")]
    [InlineData("content_block_stop", "OtherProtocol")]
    [InlineData("message", "Unknown")]
    public void EveryNameTheContractUsesIsClassified(string name, string expected)
    {
        var kind = Enum.Parse<ResponsesEventKind>(expected);
        Assert.Equal(kind, ResponsesEventNames.Classify(name));
        Assert.Equal(kind, ResponsesEventNames.Classify(Encoding.UTF8.GetBytes(name)));
    }
}

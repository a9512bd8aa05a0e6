using System;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using StreamCore.Responses;
using static StreamCore.Tests.Responses.Fixtures;
using static StreamCore.Tests.Responses.ResponsesTestSupport;
using static StreamCore.Tests.Responses.RuleTests;

namespace StreamCore.Tests.Responses;

/// <summary>Section 1, rules 9 to 13: how a Responses stream ends, fails, is cut, and what its sequence numbers say.</summary>
public class StreamEndTests
{
    private static readonly string[] Streamed = [Created, MessageAdded, PartAdded, TextDelta(4, "\"streamed\"")];

    private const string FinalMessage = """{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"text":"from the terminal"}],"role":"assistant"}""";

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("absent")]
    public void Rule9ATerminalOutputThatIsNullEmptyOrAbsentLeavesTheAssembledItems(string output)
    {
        string completed = output == "absent"
            ? """{"type":"response.completed","sequence_number":5,"response":{"id":"resp_1","status":"completed","usage":{"input_tokens":1,"output_tokens":2}}}"""
            : Completed(5, output);
        string input = Named([.. Streamed, completed]);
        JsonObject json = AssembleChecked(input);
        Assert.Equal("streamed", (string?)json["output"]![0]!["content"]![0]!["text"]);
        if (output == "absent")
        {
            Assert.Equal(["id", "status", "usage", "output"], json.Select(p => p.Key)); // appended after the envelope's members
        }

        using ResponsesResult result = Assemble(input);
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal("streamed", result.Text);
        Assert.True(result.HasTerminalEvent);
    }

    [Fact]
    public void Rule9ATerminalOutputShorterThanWhatWasStreamedLeavesTheAssembledItems()
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"one\""), FunctionAdded(5, 1), ArgumentsDone(6, 1, "\"{}\""), Completed(7, $"[{FinalMessage}]"));
        JsonObject json = AssembleChecked(input);
        Assert.Equal(2, json["output"]!.AsArray().Count);
        using ResponsesResult result = Assemble(input);
        Assert.Equal("one", result.Text);
        Assert.Single(result.ToolCalls);
    }

    [Fact]
    public void Rule9ATerminalOutputWithAtLeastTheStreamedItemsIsTheOutputAndTheViewReadsIt()
    {
        const string Call = """{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"x\":1}","call_id":"call_9","name":"late"}""";
        string input = Named([.. Streamed, Completed(5, $"[{FinalMessage},{Call}]")]);
        JsonObject json = AssembleChecked(input);
        OrderedJson.AssertEqual(JsonNode.Parse($"[{FinalMessage},{Call}]"), json["output"]);
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal("from the terminal", result.Text);
            ToolCall call = Assert.Single(result.ToolCalls);
            Assert.Equal(("call_9", "late", "{\"x\":1}"), (call.Id, call.Name, call.Arguments));
            Assert.Equal(StopKind.ToolCalls, result.StopKind);
            Assert.Equal(2, result.OutputItemCount);

            // The terminal's text replaced what was announced, and the new call was announced whole.
            Assert.Equal("from the terminal", AnnouncedTexts(updates)[(StreamUpdateKind.ContentDelta, 0, 0)]);
            Assert.Equal("{\"x\":1}", AnnouncedArguments(updates)[1]);
            Assert.Equal(
                [StreamUpdateKind.ContentDelta, StreamUpdateKind.ItemCompleted, StreamUpdateKind.ItemStarted, StreamUpdateKind.ToolCallStarted, StreamUpdateKind.ToolCallArgumentsDelta, StreamUpdateKind.ToolCallCompleted, StreamUpdateKind.ItemCompleted, StreamUpdateKind.Usage, StreamUpdateKind.Stop, StreamUpdateKind.End],
                updates.SkipWhile(u => u.Kind != StreamUpdateKind.ContentDelta).Skip(1).Select(u => u.Kind));
        }
    }

    [Fact]
    public void Rule9CompletedIsStopOrToolCallsWithUsageAndTheRawStatus()
    {
        using ResponsesResult text = Assemble(Named([.. Streamed, Completed(5)]));
        Assert.Equal((StreamStatus.Complete, StopKind.Stop, "completed"), (text.Status, text.StopKind, text.StopReason));
        Assert.Equal(new UsageCounts(5, null, 7, null, 12), text.Usage);
        Assert.Equal("completed", text.ResponseStatus);
        Assert.Null(text.IncompleteReason);

        using ResponsesResult tools = Assemble(Named(Created, FunctionAdded(1, 0), ArgumentsDone(2, 0, "\"{}\""), Completed(3)));
        Assert.Equal((StreamStatus.Complete, StopKind.ToolCalls, "completed"), (tools.Status, tools.StopKind, tools.StopReason));
    }

    [Fact]
    public void UsageCountsSurviveANameEscapedIntoALoneSurrogate()
    {
        using ResponsesResult result = Assemble(Named([.. Streamed, Completed(5, usage: """{"input_tokens":5,"\ud800 a name long enough to be compared":1,"output_tokens":7}""")]));
        UsageCounts usage = result.Usage; // counts are a convenience: what cannot be read is left out
        Assert.Equal(5, usage.Input);
        Assert.Contains("ud800", System.Text.Encoding.UTF8.GetString(result.UsageJson.Span), StringComparison.Ordinal);
        Assert.Contains("\"output_tokens\":7", result.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_output_tokens", StopKind.Length)]
    [InlineData("content_filter", StopKind.ContentFilter)]
    [InlineData("something_new", StopKind.Other)]
    public void Rule9IncompleteIsCompleteWithTheStopKindItsReasonGives(string reason, StopKind kind)
    {
        string incomplete = """{"type":"response.incomplete","sequence_number":5,"response":{"id":"resp_1","status":"incomplete","output":null,"incomplete_details":{"reason":"REASON"},"usage":{"input_tokens":3,"output_tokens":9}}}""".Replace("REASON", reason, StringComparison.Ordinal);
        (var updates, ResponsesResult result) = Updates(Named([.. Streamed, incomplete]));
        using (result)
        {
            Assert.Equal(StreamStatus.Complete, result.Status);
            Assert.Equal(kind, result.StopKind);
            Assert.Equal(reason, result.StopReason);
            Assert.Equal(reason, result.IncompleteReason);
            Assert.Equal("incomplete", result.ResponseStatus);
            StreamUpdate stop = Assert.Single(updates, u => u.Kind == StreamUpdateKind.Stop);
            Assert.Equal((kind, reason), (stop.StopKind, stop.StopReason));
            Assert.Equal(9, result.Usage.Output);
        }
    }

    [Fact]
    public void Rule9FailedIsFailedWithTheResponseError()
    {
        const string Failed = """{"type":"response.failed","sequence_number":5,"response":{"id":"resp_1","status":"failed","output":[],"error":{"code":"server_error","message":"boom"}}}""";
        (var updates, ResponsesResult result) = Updates(Named([.. Streamed, Failed]));
        using (result)
        {
            Assert.Equal(StreamStatus.Failed, result.Status);
            Assert.Equal(StopKind.Error, result.StopKind);
            Assert.True(result.HasProviderError);
            Assert.Equal("""{"code":"server_error","message":"boom"}""", Encoding.UTF8.GetString(result.ErrorJson.Span));
            Assert.Equal("streamed", result.Text); // everything received is kept
            Assert.Single(updates, u => u.Kind == StreamUpdateKind.ProviderError);
            Assert.Throws<StreamProviderErrorException>(() => result.EnsureSuccess());
        }

        AssembleChecked(Named([.. Streamed, Failed]));
    }

    [Fact]
    public void Rule10TheNestedErrorIsTheErrorMemberAndAFailedAfterItStillUpdatesTheEnvelope()
    {
        const string Error = """{"type":"error","sequence_number":5,"error":{"type":"insufficient_quota","code":"insufficient_quota","message":"quota","param":null}}""";
        const string Failed = """{"type":"response.failed","sequence_number":6,"response":{"id":"resp_1","status":"failed","output":[],"error":{"code":"insufficient_quota","message":"quota"},"usage":null}}""";
        string input = Named([.. Streamed, Error, Failed]);
        JsonObject json = AssembleChecked(input);
        Assert.Equal("failed", (string?)json["status"]); // the envelope of response.failed
        Assert.Equal("""{"code":"insufficient_quota","message":"quota"}""", json["error"]!.ToJsonString()); // the terminal set one
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal(StreamStatus.Failed, result.Status);
            Assert.Equal("""{"type":"insufficient_quota","code":"insufficient_quota","message":"quota","param":null}""", Encoding.UTF8.GetString(result.ErrorJson.Span));
            Assert.Single(updates, u => u.Kind == StreamUpdateKind.ProviderError); // one failure, announced once
            Assert.Equal("failed", result.ResponseStatus);
            Assert.Equal(StopKind.Error, result.StopKind);
        }
    }

    [Fact]
    public void Rule10TheFlatErrorIsTheDataItselfAndIsWrittenIntoTheResponseWhenNoTerminalSetsOne()
    {
        const string Error = """{"type":"error","code":"rate_limit_exceeded","message":"slow down","param":null,"sequence_number":5}""";
        string input = Named([.. Streamed, Error]);
        JsonObject json = AssembleChecked(input);
        RuleTests.AssertJson(Error, json["error"]); // in the envelope's place for error (it was null)
        Assert.Equal(5, Array.IndexOf(json.Select(p => p.Key).ToArray(), "error"));
        using ResponsesResult result = Assemble(input);
        Assert.Equal(StreamStatus.Failed, result.Status);
        Assert.Equal(StopKind.Error, result.StopKind);
        Assert.False(result.HasTerminalEvent);
        Assert.Null(result.StopReason);
        RuleTests.AssertJson(Error, JsonNode.Parse(result.ErrorJson.Span));
    }

    [Fact]
    public void Rule10AnErrorEventWhoseDataIsNotJsonIsTheErrorAsAString()
    {
        using ResponsesResult result = Assemble(Named(Created) + "event: error\ndata: upstream timed out\n\n");
        Assert.Equal(StreamStatus.Failed, result.Status);
        Assert.Equal("\"upstream timed out\"", Encoding.UTF8.GetString(result.ErrorJson.Span));
    }

    [Fact]
    public void Rule11NothingAfterTheTerminalEventIsReadNotEvenMalformedData()
    {
        string input = Named([.. Streamed, Completed(5)])
            + "event: response.rate_limits.updated\ndata: {\"type\":\"response.rate_limits.updated\",\"rate_limits\":[]}\n\n"
            + Named(TextDelta(7, "\"late\""))
            + "data: this is not json\n\n"
            + "event: message_start\ndata: {\"type\":\"message_start\"}\n\n";
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal(StreamStatus.Complete, result.Status);
            Assert.Equal("streamed", result.Text);
            Assert.DoesNotContain(updates, u => u.Kind == StreamUpdateKind.UnknownEvent);
            Assert.Equal(5, result.EventCount);
        }

        // The push assembler ignores them too.
        using var assembler = new StreamAssembler(new StreamOptions { Protocol = StreamProtocol.Responses });
        foreach (string data in Streamed.Append(Completed(5)))
        {
            assembler.AppendEvent((string)JsonNode.Parse(data)!["type"]!, Utf8(data));
        }

        Assert.True(assembler.IsEnded);
        assembler.AppendData("not json"u8);
        assembler.AppendEvent("message_start", """{"type":"message_start"}"""u8);
        using StreamResult pushed = assembler.Complete();
        Assert.Equal("streamed", pushed.Text);
        Assert.Equal(StreamStatus.Complete, pushed.Status);
    }

    [Fact]
    public void Rule12InputThatEndsWithoutATerminalEventIsIncompleteWithTheLastEnvelopeAndTheAssembledOutput()
    {
        string input = Named(Created, InProgress, MessageAdded, PartAdded, TextDelta(4, "\"partial\""), FunctionAdded(5, 1), ArgumentsDelta(6, 1, "\"{\\\"a\\\":\""));
        JsonObject json = AssembleChecked(input);
        Assert.Equal("v", (string?)json["metadata"]!["k"]);
        Assert.Equal("in_progress", (string?)json["status"]);
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal(StreamStatus.Incomplete, result.Status);
            Assert.Equal(StopKind.None, result.StopKind);
            Assert.Null(result.StopReason);
            Assert.Equal("partial", result.Text);
            Assert.Equal(Json.JsonTextStatus.Incomplete, result.ToolCalls[0].ArgumentsStatus);
            Assert.True(result.ToolCalls[0].IsCompleted);
            Assert.DoesNotContain(updates, u => u.Kind == StreamUpdateKind.Stop);
            Assert.Equal(StreamUpdateKind.ToolCallCompleted, updates[^2].Kind); // at the end
        }
    }

    [Fact]
    public void Rule12CutAtEveryEventBoundaryIsIncompleteWithEverythingBeforeIt()
    {
        string[] events =
        [
            Created, InProgress, MessageAdded, PartAdded, TextDelta(4, "\"Hel\""), TextDelta(5, "\"lo\""), TextDone(6, "\"Hello\""),
            """{"type":"response.output_text.annotation.added","sequence_number":7,"item_id":"msg_1","output_index":0,"content_index":0,"annotation_index":0,"annotation":{"type":"url_citation","url":"u"}}""",
            """{"type":"response.output_item.done","sequence_number":8,"output_index":0,"item":{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[{"type":"url_citation","url":"u"}],"text":"Hello"}],"role":"assistant"}}""",
            FunctionAdded(9, 1), ArgumentsDelta(10, 1, "\"{\\\"q\\\"\""), ArgumentsDelta(11, 1, "\":1}\""), ArgumentsDone(12, 1, "\"{\\\"q\\\":1}\""),
            """{"type":"error","sequence_number":13,"error":{"code":"server_error","message":"oops"}}""",
            Completed(14, "null"),
        ];
        for (int cut = 0; cut <= events.Length; cut++)
        {
            string input = Named(events[..cut]);
            ResponsesOracle oracle = ResponsesOracle.Read(Utf8(input));
            using ResponsesResult result = Assemble(input, new StreamOptions { Protocol = StreamProtocol.Responses });
            StreamStatus expected = cut == events.Length ? StreamStatus.Failed : cut > 13 ? StreamStatus.Failed : StreamStatus.Incomplete;
            Assert.True(expected == result.Status, $"cut after {cut} events: {result.Status}");
            Assert.Equal(oracle.Status, result.Status);
            OrderedJson.AssertEqual(oracle.Response(), JsonNode.Parse(result.ToJson()));
            Assert.Equal(cut switch { < 4 => null, 4 => string.Empty, 5 => "Hel", _ => "Hello" }, result.Text);
        }
    }

    [Fact]
    public void Rule12ACutInsideAnEventKeepsEverythingBeforeThatEvent()
    {
        string whole = Named(Created, MessageAdded, PartAdded, TextDelta(3, "\"Hel\""), TextDelta(4, "\"lo\""));
        string cut = whole[..(whole.Length - 20)]; // the last event has no blank line: never dispatched
        using ResponsesResult result = Assemble(cut);
        Assert.Equal(StreamStatus.Incomplete, result.Status);
        Assert.Equal("Hel", result.Text);
    }

    [Fact]
    public void Rule13SequenceGapsAndRepeatsAreCountedNeverFatalNeverUsedToReorder()
    {
        string input = Named(Created, InProgress, MessageAdded, PartAdded,
            TextDelta(4, "\"a\""), TextDelta(8, "\"b\""), TextDelta(8, "\"c\""), TextDelta(6, "\"d\""), TextDelta(9, "\"e\""), TextDelta(11, "\"f\""));
        using ResponsesResult result = Assemble(input);
        Assert.Equal("abcdef", result.Text);
        Assert.Equal(2, result.SequenceGaps); // 4 → 8, 9 → 11
        Assert.Equal(2, result.SequenceRepeats); // 8 again, 6 after 8
        Assert.Equal(11, result.LastSequenceNumber);

        using ResponsesResult none = Assemble(Unnamed("""{"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"x"}"""));
        Assert.Null(none.LastSequenceNumber);
        Assert.Equal(0, none.SequenceGaps);
    }
}

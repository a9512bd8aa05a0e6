using System;
using System.Linq;
using System.Text.Json.Nodes;
using StreamCore.Responses;
using static StreamCore.Tests.Responses.Fixtures;
using static StreamCore.Tests.Responses.ResponsesTestSupport;
using static StreamCore.Tests.Responses.RuleTests;

namespace StreamCore.Tests.Responses;

/// <summary>
/// The two places where bytes are compared instead of read (a run of deltas against the last one read
/// in full; a terminal output against the items' final JSON) give what a full read gives, and leave
/// malformed input to a full read that reports it.
/// </summary>
public class ShortcutTests
{
    private static readonly StreamOptions Forced = new() { Protocol = StreamProtocol.Responses };

    private static string Obfuscated(int sequence, string delta, string padding)
        => $$"""{"type":"response.output_text.delta","sequence_number":{{sequence}},"item_id":"msg_1","output_index":0,"content_index":0,"delta":{{delta}},"logprobs":[],"obfuscation":"{{padding}}"}""";

    [Fact]
    public void ARunOfDeltasWithChangingHolesMergesAsAFullReadWould()
    {
        string[] deltas =
        [
            Obfuscated(8, "\"plain \"", "abc"),
            Obfuscated(9, "\"quote \\\" and backslash \\\\ \"", ""),
            Obfuscated(10, "\"\\u00e9\\n\\t\\/ \"", "a much longer padding than before"),
            Obfuscated(100, "\"\"", "x"),
            Obfuscated(1000000, "\"ünïcödé \"", "\\u0041"),
            Obfuscated(0, "\"end\"", "q\\\"q"),
        ];
        string input = Named([Created, MessageAdded, PartAdded, .. deltas]);
        JsonObject json = AssembleChecked(input);
        Assert.Equal("plain quote \" and backslash \\ é\n\t/ ünïcödé end", (string?)json["output"]![0]!["content"]![0]!["text"]);
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal(5, updates.Count(u => u.Kind == StreamUpdateKind.ContentDelta)); // the empty delta announces nothing
            Assert.Equal(result.Text, AnnouncedTexts(updates)[(StreamUpdateKind.ContentDelta, 0, 0)]);
            Assert.Equal(4, result.SequenceGaps); // 0 → 2, 3 → 8, 10 → 100, 100 → 1000000
            Assert.Equal(1, result.SequenceRepeats); // 0 after 1000000
        }
    }

    [Theory]
    [InlineData("\"tab\there\"")] // a control character
    [InlineData("\"bad \\x escape\"")]
    [InlineData("\"short \\u12\"")]
    [InlineData("\"unterminated")]
    public void ADeltaThatIsNotValidStringContentIsMalformedWhereverItStands(string delta)
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"ok\""), TextDelta(5, "\"fine\"")) + $"event: response.output_text.delta\ndata: {TextDelta(6, delta)}\n\n";
        StreamFormatException e = AssembleMalformed(input);
        Assert.Equal(6, e.EventNumber);
        using StreamResult partial = e.PartialResult;
        Assert.Equal("okfine", partial.Text);
    }

    [Theory]
    [InlineData("07")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("\"7\"")]
    public void ASequenceNumberThatIsNoPlainIntegerIsReadInFull(string sequence)
    {
        string odd = TextDelta(5, "\"b\"").Replace("\"sequence_number\":5", $"\"sequence_number\":{sequence}", StringComparison.Ordinal);
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"a\"")) + $"event: response.output_text.delta\ndata: {odd}\n\n" + Named(TextDelta(6, "\"c\""));
        if (sequence == "07")
        {
            Assert.Equal(5, AssembleMalformed(input).EventNumber); // not JSON
            return;
        }

        using ResponsesResult result = Assemble(input);
        Assert.Equal("abc", result.Text);
    }

    [Fact]
    public void AnythingBeyondTheRepeatedBytesIsReadInFull()
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"a\""),
            TextDelta(5, "\"b\"", content: 1), // another part
            TextDelta(6, "\"c\"", output: 1, itemId: "msg_1"), // another item
            TextDelta(7, "\"d\""),
            """{"type":"response.output_text.delta","sequence_number":8,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"e","logprobs":[{"token":"e","logprob":-1}]}""",
            """{"type":"response.output_text.delta","sequence_number":9,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"f","logprobs":[{"token":"e","logprob":-1}]}""",
            TextDelta(10, "\"g\"") + " ");
        JsonObject json = AssembleChecked(input);
        JsonArray content = json["output"]![0]!["content"]!.AsArray();
        Assert.Equal("adefg", (string?)content[0]!["text"]);
        Assert.Equal(2, content[0]!["logprobs"]!.AsArray().Count); // the same entries twice are two entries
        Assert.Equal("b", (string?)content[1]!["text"]);
        Assert.Equal("c", (string?)json["output"]![1]!["content"]![0]!["text"]);

        StreamFormatException e = AssembleMalformed(Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"a\"")) + $"event: response.output_text.delta\ndata: {TextDelta(5, "\"b\"")}x\n\n");
        Assert.Equal(5, e.EventNumber);
    }

    [Fact]
    public void TheSameBytesUnderAnotherEventNameAreThatEvent()
    {
        string delta = """{"sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"x"}""";
        string input = Named(Created, MessageAdded)
            + $"event: response.output_text.delta\ndata: {delta}\n\n"
            + $"event: response.refusal.delta\ndata: {delta.Replace(":4,", ":5,", StringComparison.Ordinal)}\n\n"
            + $"event: response.output_text.delta\ndata: {delta.Replace(":4,", ":6,", StringComparison.Ordinal)}\n\n";
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal(["ContentDelta", "RefusalDelta", "ContentDelta"], updates.Where(u => u.Utf8Text.Length > 0).Select(u => u.Kind.ToString()));
        }
    }

    [Fact]
    public void DeltasToAPartThatAFinalValueDroppedOpenItAgain()
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"a\""),
            TextDelta(5, "\"second\"", content: 1), TextDelta(6, "\"part\"", content: 1),
            """{"type":"response.output_item.done","sequence_number":7,"output_index":0,"item":{"id":"msg_1","type":"message","content":[{"type":"output_text","text":"a"}]}}""",
            TextDelta(8, "\"again\"", content: 1));
        JsonObject json = AssembleChecked(input);
        Assert.Equal("again", (string?)json["output"]![0]!["content"]![1]!["text"]);
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal("aagain", result.Text);
            Assert.Equal("again", AnnouncedTexts(updates)[(StreamUpdateKind.ContentDelta, 0, 1)]); // dropped (replaced by nothing), then new text
        }
    }

    private static string MessageDone(int sequence, string text)
        => $$$"""{"type":"response.output_item.done","sequence_number":{{{sequence}}},"output_index":0,"item":{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"text":"{{{text}}}"}],"role":"assistant"}}""";

    private const string CallDone = """{"type":"response.output_item.done","sequence_number":7,"output_index":1,"item":{"id":"fc_1","type":"function_call","status":"completed","arguments":"{}","call_id":"call_1","name":"f"}}""";

    private const string FinalMessage = """{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"text":"Hi"}],"role":"assistant"}""";
    private const string FinalCall = """{"id":"fc_1","type":"function_call","status":"completed","arguments":"{}","call_id":"call_1","name":"f"}""";

    [Theory]
    [InlineData($"[{FinalMessage},{FinalCall}]", "")] // the items' bytes: compared
    [InlineData($"[{FinalMessage}, {FinalCall}]", "")] // white space between: read
    [InlineData($"[\n  {FinalMessage},\n  {FinalCall}\n]", "")]
    [InlineData($"[{FinalMessage},{FinalCall}]", ",\"after\":[1,{\"x\":null}]")] // members after the output
    [InlineData($"[{FinalMessage},{FinalCall},{{\"id\":\"extra\",\"type\":\"message\",\"content\":[{{\"type\":\"output_text\",\"text\":\"!\"}}]}}]", "")] // one more item
    [InlineData($"[{FinalMessage},{{\"id\":\"fc_1\",\"type\":\"function_call\",\"arguments\":\"{{\\\"changed\\\":1}}\",\"call_id\":\"call_1\",\"name\":\"f\"}}]", "")]
    public void ATerminalOutputGivesWhatAFullReadGives(string output, string extra)
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"Hi\""), MessageDone(5, "Hi"), FunctionAdded(6, 1, "call_1", "f"), CallDone,
            Completed(8, output, extra: extra));
        JsonObject json = AssembleChecked(input);
        OrderedJson.AssertEqual(JsonNode.Parse(output), json["output"]);
        using ResponsesResult result = Assemble(input);
        Assert.Equal(new UsageCounts(5, null, 7, null, 12), result.Usage); // usage lies after the output
        Assert.Equal(output.Contains("extra", StringComparison.Ordinal) ? "Hi!" : "Hi", result.Text);
        Assert.Equal(output.Contains("changed", StringComparison.Ordinal) ? "{\"changed\":1}" : "{}", result.ToolCalls[0].Arguments);
        Assert.Equal(StreamStatus.Complete, result.Status);
    }

    [Fact]
    public void ATerminalOutputThatIsTheLastMemberOrIsFollowedByEventMembersIsReadOn()
    {
        string last = $$$"""{"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{"input_tokens":1,"output_tokens":1},"output":[{{{FinalMessage}}}]},"sequence_number":6}""";
        string input = Named(Created, InProgress, MessageAdded, PartAdded, TextDelta(4, "\"Hi\""), MessageDone(5, "Hi"), last);
        JsonObject json = AssembleChecked(input);
        Assert.Equal(["id", "status", "usage", "output"], json.Select(p => p.Key));
        using ResponsesResult result = Assemble(input);
        Assert.Equal(6, result.LastSequenceNumber);
        Assert.Equal(0, result.SequenceGaps);
        Assert.Equal(2, result.Usage.Total);
    }

    [Theory]
    [InlineData("]garbage}}")]
    [InlineData("],\"a\":}}")]
    [InlineData("],\"a\":1}")]
    [InlineData("],\"a\":1}}}")]
    public void WhatFollowsAComparedOutputIsStillJudged(string rest)
    {
        string terminal = """{"type":"response.completed","sequence_number":6,"response":{"id":"resp_1","output":[""" + FinalMessage + rest;
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"Hi\""), MessageDone(5, "Hi")) + $"event: response.completed\ndata: {terminal}\n\n";
        StreamFormatException e = AssembleMalformed(input);
        Assert.Equal(6, e.EventNumber);
        using StreamResult partial = e.PartialResult;
        Assert.Equal("Hi", partial.Text);
    }

    [Fact]
    public void AnItemChangedAfterItsFinalJsonIsNotTakenForTheTerminalsCopy()
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"Hi\""), MessageDone(5, "Hi"),
            """{"type":"response.output_item.added","sequence_number":6,"output_index":1,"item":{"id":"ws_1","type":"web_search_call","status":"in_progress"}}""",
            """{"type":"response.output_item.done","sequence_number":7,"output_index":1,"item":{"id":"ws_1","type":"web_search_call","status":"completed"}}""",
            """{"type":"response.web_search_call.searching","sequence_number":8,"output_index":1,"item_id":"ws_1"}""",
            Completed(9, $"[{FinalMessage},{{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"completed\"}}]"));
        JsonObject json = AssembleChecked(input);
        Assert.Equal("completed", (string?)json["output"]![1]!["status"]);
    }
}

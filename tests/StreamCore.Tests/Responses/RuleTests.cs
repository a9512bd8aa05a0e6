using System.Linq;
using System.Text.Json.Nodes;
using StreamCore.Responses;
using static StreamCore.Tests.Responses.Fixtures;
using static StreamCore.Tests.Responses.ResponsesTestSupport;

namespace StreamCore.Tests.Responses;

/// <summary>Section 1, rules 1 to 8, each on a small fixture; every JSON result is also checked against the oracle.</summary>
public class RuleTests
{
    /// <summary>Assembles, checks the JSON against the independent oracle, and returns it.</summary>
    internal static JsonObject AssembleChecked(string input, StreamOptions? options = null)
    {
        JsonObject actual = AssembleNode(input, options);
        OrderedJson.AssertEqual(ResponsesOracle.Read(Utf8(input)).Response(), actual);
        return actual;
    }

    /// <summary>Parses the expected JSON and compares, members in order.</summary>
    internal static void AssertJson(string expected, JsonNode? actual) => OrderedJson.AssertEqual(JsonNode.Parse(expected), actual);

    [Fact]
    public void Rule1TheEnvelopeIsTheLastLifecycleResponseVerbatimWithTheAssembledOutput()
    {
        JsonObject json = AssembleChecked(Named(Created, InProgress, MessageAdded, PartAdded, TextDelta(4, "\"Hi\"")));
        Assert.Equal(["id", "object", "status", "model", "output", "error", "incomplete_details", "usage", "metadata"], json.Select(p => p.Key));
        Assert.Equal("v", (string?)json["metadata"]!["k"]); // in_progress replaced created
        Assert.Equal("Hi", (string?)json["output"]![0]!["content"]![0]!["text"]);
    }

    [Fact]
    public void Rule1EventsBeforeAnyEnvelopeGetAnEmptyOne()
    {
        using ResponsesResult result = Assemble(Named(MessageAdded, PartAdded, TextDelta(4, "\"Hi\"")));
        JsonObject json = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal(["output"], json.Select(p => p.Key));
        Assert.Null(result.Id);
        Assert.Null(result.Model);
        Assert.Equal("Hi", result.Text);
        Assert.Equal(StreamStatus.Incomplete, result.Status);
    }

    [Fact]
    public void Rule2RoutesByIndexesNeverByItemIdEvenWhenItChangesOnEveryEvent()
    {
        string input = Named(Created, MessageAdded, PartAdded,
            TextDelta(4, "\"Hel\"", itemId: "rotating_a"),
            TextDelta(5, "\"lo\"", itemId: "rotating_b"),
            TextDelta(6, "\" world\"", itemId: "rotating_c"));
        JsonObject json = AssembleChecked(input);
        JsonArray output = json["output"]!.AsArray();
        Assert.Single(output);
        Assert.Equal("Hello world", (string?)output[0]!["content"]![0]!["text"]);
        Assert.Equal("msg_1", (string?)output[0]!["id"]);
    }

    [Fact]
    public void Rule2AnIndexThatSkipsAheadKeepsTheListSparseInIndexOrder()
    {
        string input = Named(Created,
            """{"type":"response.output_item.added","sequence_number":2,"output_index":5,"item":{"id":"msg_5","type":"message","content":[],"role":"assistant"}}""",
            TextDelta(3, "\"five\"", output: 5, itemId: "msg_5"),
            MessageAdded,
            TextDelta(5, "\"zero\"", output: 0),
            TextDelta(6, "\"three\"", output: 3, content: 2, itemId: "msg_3"));
        JsonObject json = AssembleChecked(input);
        JsonArray output = json["output"]!.AsArray();
        Assert.Equal(["msg_1", "msg_3", "msg_5"], output.Select(i => (string?)i!["id"]));
        using ResponsesResult result = Assemble(input);
        Assert.Equal("zerothreefive", result.Text); // output order, not arrival order
        Assert.Equal(3, result.OutputItemCount);
    }

    [Fact]
    public void Rule2TheLargestIndexCostsWhatASmallOneCosts()
    {
        string input = Named(Created, TextDelta(2, "\"x\"", output: int.MaxValue, content: int.MaxValue));
        JsonObject json = AssembleChecked(input);
        Assert.Equal("x", (string?)json["output"]![0]!["content"]![0]!["text"]);
        byte[] largeInput = Utf8(input);
        byte[] smallInput = Utf8(Named(Created, TextDelta(2, "\"x\"", output: 3, content: 3)));
        static long Measure(byte[] bytes)
        {
            Assemble(bytes).Dispose(); // warm
            long before = System.GC.GetAllocatedBytesForCurrentThread();
            Assemble(bytes).Dispose();
            return System.GC.GetAllocatedBytesForCurrentThread() - before;
        }

        long large = Measure(largeInput);
        long three = Measure(smallInput);
        Assert.Equal(three, large); // the same objects, whatever the index says
    }

    [Fact]
    public void Rule3ADeltaForAPartOrItemNeverOpenedOpensOneOfTheKindTheEventNames()
    {
        string input = Named(Created,
            TextDelta(1, "\"text\"", output: 0, itemId: "msg_a"),
            """{"type":"response.reasoning_summary_text.delta","sequence_number":2,"item_id":"rs_b","output_index":1,"summary_index":0,"delta":"think"}""",
            ArgumentsDelta(3, 2, "\"{}\""),
            """{"type":"response.custom_tool_call_input.delta","sequence_number":4,"item_id":"ct_3","output_index":3,"delta":"raw input"}""",
            """{"type":"response.code_interpreter_call_code.delta","sequence_number":5,"item_id":"ci_4","output_index":4,"delta":"print(1)"}""",
            """{"type":"response.mcp_call_arguments.delta","sequence_number":6,"item_id":"mcp_5","output_index":5,"delta":"{\"a\":1}"}""",
            """{"type":"response.refusal.delta","sequence_number":7,"item_id":"msg_6","output_index":6,"content_index":0,"delta":"no"}""",
            """{"type":"response.reasoning_text.delta","sequence_number":8,"item_id":"rs_7","output_index":7,"content_index":0,"delta":"hmm"}""");
        JsonArray output = AssembleChecked(input)["output"]!.AsArray();
        AssertJson("""{"id":"msg_a","type":"message","content":[{"type":"output_text","text":"text"}]}""", output[0]!);
        AssertJson("""{"id":"rs_b","type":"reasoning","summary":[{"type":"summary_text","text":"think"}]}""", output[1]!);
        AssertJson("""{"id":"fc_2","type":"function_call","arguments":"{}"}""", output[2]!);
        AssertJson("""{"id":"ct_3","type":"custom_tool_call","input":"raw input"}""", output[3]!);
        AssertJson("""{"id":"ci_4","type":"code_interpreter_call","code":"print(1)"}""", output[4]!);
        AssertJson("""{"id":"mcp_5","type":"mcp_call","arguments":"{\"a\":1}"}""", output[5]!);
        AssertJson("""{"id":"msg_6","type":"message","content":[{"type":"refusal","refusal":"no"}]}""", output[6]!);
        AssertJson("""{"id":"rs_7","type":"reasoning","content":[{"type":"reasoning_text","text":"hmm"}]}""", output[7]!);

        using ResponsesResult result = Assemble(input);
        Assert.Equal("text", result.Text);
        Assert.Equal("no", result.Refusal);
        Assert.Equal("think\n\nhmm", result.Reasoning);
        Assert.Equal(["function_call", "custom_tool_call"], result.ToolCalls.Select(c => c.Type));
        Assert.Equal(["{}", "raw input"], result.ToolCalls.Select(c => c.Arguments));
        Assert.Equal(Json.JsonTextStatus.Valid, result.ToolCalls[0].ArgumentsStatus);
        Assert.Equal(Json.JsonTextStatus.Invalid, result.ToolCalls[1].ArgumentsStatus); // free-form input is what it is
    }

    [Fact]
    public void Rule3SeedsKeepTheirMembersAndOrderWithTheAssembledTextWrittenIn()
    {
        string input = Named(Created,
            """{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant","extra":{"kept":[1,2]}}}""",
            """{"type":"response.content_part.added","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"text":"","custom":true}}""",
            TextDelta(3, "\"a\\u00e9\""), TextDelta(4, "\"b\""));
        JsonObject item = AssembleChecked(input)["output"]![0]!.AsObject();
        AssertJson("""{"id":"msg_1","type":"message","status":"in_progress","content":[{"type":"output_text","annotations":[],"text":"aéb","custom":true}],"role":"assistant","extra":{"kept":[1,2]}}""", item);
    }

    [Fact]
    public void Rule4OutputTextLogprobEntriesAreJoinedAndObfuscationIsDropped()
    {
        string input = Named(Created, MessageAdded, PartAdded,
            """{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"a","logprobs":[{"token":"a","logprob":-0.1}],"obfuscation":"XYZ"}""",
            """{"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"b","logprobs":[{"token":"b","logprob":-0.2},{"token":"","logprob":0}],"obfuscation":"Q"}""");
        JsonObject part = AssembleChecked(input)["output"]![0]!["content"]![0]!.AsObject();
        AssertJson("""[{"token":"a","logprob":-0.1},{"token":"b","logprob":-0.2},{"token":"","logprob":0}]""", part["logprobs"]);
        Assert.DoesNotContain("obfuscation", AssembleNode(input).ToJsonString(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void Rule5DoneWinsOverDeltasThatDoNotAddUp()
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"Helo\""), TextDone(5, "\"Hello\""));
        Assert.Equal("Hello", (string?)AssembleChecked(input)["output"]![0]!["content"]![0]!["text"]);
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            StreamUpdate[] text = updates.Where(u => u.Kind == StreamUpdateKind.ContentDelta).ToArray();
            Assert.Equal(2, text.Length);
            Assert.False(text[0].IsReplacement);
            Assert.True(text[1].IsReplacement);
            Assert.Equal("Hello", text[1].GetText());
            Assert.Equal("Hello", AnnouncedTexts(updates)[(StreamUpdateKind.ContentDelta, 0, 0)]);
        }
    }

    [Fact]
    public void Rule5ADoneThatExtendsTheDeltasAnnouncesOnlyTheRestAndAnEqualOneNothing()
    {
        (var updates, ResponsesResult result) = Updates(Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"Hel\""), TextDone(5, "\"Hello\""), TextDone(6, "\"Hel\\u006co\"")));
        using (result)
        {
            string[] texts = updates.Where(u => u.Kind == StreamUpdateKind.ContentDelta).Select(u => (u.IsReplacement ? "!" : string.Empty) + u.GetText()).ToArray();
            Assert.Equal(["Hel", "lo"], texts); // the last .done is the same text, escaped otherwise
            Assert.Equal("Hello", result.Text);
        }
    }

    [Fact]
    public void Rule5ArgumentsOnlyInDoneMakeAValidCompleteToolCall()
    {
        // LM Studio: no deltas, the whole arguments in .done.
        string input = Named(Created, FunctionAdded(1, 0), ArgumentsDone(2, 0, "\"{\\\"city\\\":\\\"Paris\\\"}\""));
        JsonObject json = AssembleChecked(input);
        Assert.Equal("{\"city\":\"Paris\"}", (string?)json["output"]![0]!["arguments"]);
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            ToolCall call = Assert.Single(result.ToolCalls);
            Assert.Equal("call_1", call.Id);
            Assert.Equal("weather", call.Name);
            Assert.Equal("function_call", call.Type);
            Assert.Equal("{\"city\":\"Paris\"}", call.Arguments);
            Assert.Equal(Json.JsonTextStatus.Valid, call.ArgumentsStatus);
            Assert.True(call.IsCompleted);
            Assert.Equal(
                [StreamUpdateKind.ItemStarted, StreamUpdateKind.ToolCallStarted, StreamUpdateKind.ToolCallArgumentsDelta, StreamUpdateKind.ToolCallCompleted, StreamUpdateKind.End],
                updates.Select(u => u.Kind));
            Assert.Equal("{\"city\":\"Paris\"}", AnnouncedArguments(updates)[0]);
        }
    }

    [Fact]
    public void Rule5ArgumentsDoneThatDisagreesWithTheFragmentsReplacesThemAndIsValidatedAnew()
    {
        string input = Named(Created, FunctionAdded(1, 0), ArgumentsDelta(2, 0, "\"{\\\"a\\\":\""), ArgumentsDelta(3, 0, "\"1,,\""), ArgumentsDone(4, 0, "\"{\\\"a\\\":2}\""));
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal("{\"a\":2}", result.ToolCalls[0].Arguments);
            Assert.Equal(Json.JsonTextStatus.Valid, result.ToolCalls[0].ArgumentsStatus);
            StreamUpdate replacement = updates.Single(u => u.Kind == StreamUpdateKind.ToolCallArgumentsDelta && u.IsReplacement);
            Assert.Equal("{\"a\":2}", replacement.GetText());
            Assert.Equal("{\"a\":2}", AnnouncedArguments(updates)[0]);
        }

        // Without a .done, the fragments stand, and their validity says so.
        using ResponsesResult cut = Assemble(Named(Created, FunctionAdded(1, 0), ArgumentsDelta(2, 0, "\"{\\\"a\\\":\""), ArgumentsDelta(3, 0, "\"1,,\"")));
        Assert.Equal("{\"a\":1,,", cut.ToolCalls[0].Arguments);
        Assert.Equal(Json.JsonTextStatus.Invalid, cut.ToolCalls[0].ArgumentsStatus);
        Assert.True(cut.ToolCalls[0].IsCompleted); // the end completes it
    }

    [Fact]
    public async System.Threading.Tasks.Task Rule5AReplacementOfTheSameLengthIsSeenByAViewReadBefore()
    {
        string input = Named(Created, FunctionAdded(1, 0), ArgumentsDelta(2, 0, "\"{\\\"a\\\":1}\""), ArgumentsDone(3, 0, "\"{\\\"a\\\":2}\""));
        var seen = new System.Collections.Generic.List<string>();
        StreamResult? result = null;
        await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(new System.IO.MemoryStream(Utf8(input))))
        {
            result = update.Result;
            if (update.ToolCall is ToolCall call)
            {
                seen.Add($"{update.Kind}: {call.Arguments}"); // the view caches its string
            }
        }

        result!.Dispose();
        Assert.Equal(["ToolCallStarted: ", "ToolCallArgumentsDelta: {\"a\":1}", "ToolCallArgumentsDelta: {\"a\":2}", "ToolCallCompleted: {\"a\":2}"], seen);
    }

    [Fact]
    public void Rule5PartDoneReplacesThePart()
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"draft\""),
            """{"type":"response.content_part.done","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"final","annotations":[{"type":"url_citation","url":"u"}],"logprobs":[]}}""");
        JsonObject part = AssembleChecked(input)["output"]![0]!["content"]![0]!.AsObject();
        AssertJson("""{"type":"output_text","text":"final","annotations":[{"type":"url_citation","url":"u"}],"logprobs":[]}""", part);
        using ResponsesResult result = Assemble(input);
        Assert.Equal("final", result.Text);
    }

    [Fact]
    public void Rule6AnnotationsGoToTheirIndexEvenAfterAllTheTextAndOutOfOrder()
    {
        string Annotation(int sequence, int index, string url)
            => $$$"""{"type":"response.output_text.annotation.added","sequence_number":{{{sequence}}},"item_id":"msg_1","output_index":0,"content_index":0,"annotation_index":{{{index}}},"annotation":{"type":"url_citation","url":"{{{url}}}"}}""";
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"text\""), TextDone(5, "\"text\""),
            Annotation(6, 2, "c"), Annotation(7, 0, "a"), Annotation(8, 2, "c2"));
        JsonObject part = AssembleChecked(input)["output"]![0]!["content"]![0]!.AsObject();
        AssertJson("""[{"type":"url_citation","url":"a"},{"type":"url_citation","url":"c2"}]""", part["annotations"]);
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            StreamUpdate[] added = updates.Where(u => u.Kind == StreamUpdateKind.AnnotationAdded).ToArray();
            Assert.Equal(3, added.Length);
            Assert.All(added, u => Assert.Equal((0, 0), (u.ItemIndex, u.PartIndex)));
            Assert.Equal("""{"type":"url_citation","url":"c"}""", System.Text.Encoding.UTF8.GetString(added[0].Json.Span));
        }
    }

    [Fact]
    public void Rule7HostedToolStatusEventsSetTheStatusAndPartialImagesAreNotStored()
    {
        string input = Named(Created,
            """{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"ws_1","type":"web_search_call","status":"in_progress"}}""",
            """{"type":"response.web_search_call.searching","sequence_number":2,"output_index":0,"item_id":"ws_1"}""",
            """{"type":"response.image_generation_call.partial_image","sequence_number":3,"output_index":1,"item_id":"ig_1","partial_image_b64":"AAAA"}""",
            """{"type":"response.mcp_list_tools.in_progress","sequence_number":4,"output_index":2,"item_id":"mcpl_1"}""",
            """{"type":"response.code_interpreter_call.interpreting","sequence_number":5,"output_index":3,"item_id":"ci_1"}""");
        JsonArray output = AssembleChecked(input)["output"]!.AsArray();
        AssertJson("""{"id":"ws_1","type":"web_search_call","status":"searching"}""", output[0]!);
        AssertJson("""{"id":"mcpl_1","type":"mcp_list_tools","status":"in_progress"}""", output[1]!);
        AssertJson("""{"id":"ci_1","type":"code_interpreter_call","status":"interpreting"}""", output[2]!);
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            StreamUpdate image = Assert.Single(updates, u => u.Kind == StreamUpdateKind.UnknownEvent);
            Assert.Equal("response.image_generation_call.partial_image", image.GetEventName());
            Assert.Contains("AAAA", System.Text.Encoding.UTF8.GetString(image.Json.Span), System.StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Rule8ItemDoneReplacesTheItemWithItsFinalJsonVerbatim()
    {
        const string Final = """{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello!"}],"role":"assistant","extra":1.50}""";
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(4, "\"Hell\""),
            $$"""{"type":"response.output_item.done","sequence_number":5,"output_index":0,"item":{{Final}}}""");
        using ResponsesResult result = Assemble(input);
        Assert.Contains(Final, result.ToJson(), System.StringComparison.Ordinal); // byte for byte, 1.50 included
        Assert.Equal("Hello!", result.Text);
        AssembleChecked(input);
    }

    [Fact]
    public void Rule8ItemDoneCompletesAToolCallAndItsFinalArgumentsWin()
    {
        string input = Named(Created, FunctionAdded(1, 0), ArgumentsDelta(2, 0, "\"{\\\"a\\\"\""),
            """{"type":"response.output_item.done","sequence_number":3,"output_index":0,"item":{"id":"fc_0","type":"function_call","status":"completed","arguments":"{\"a\":true}","call_id":"call_1","name":"weather"}}""");
        (var updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal("{\"a\":true}", result.ToolCalls[0].Arguments);
            Assert.Equal(Json.JsonTextStatus.Valid, result.ToolCalls[0].ArgumentsStatus);
            Assert.Equal("{\"a\":true}", AnnouncedArguments(updates)[0]);
            Assert.Single(updates, u => u.Kind == StreamUpdateKind.ToolCallCompleted);
            Assert.Equal(StreamUpdateKind.ItemCompleted, updates[^2].Kind);
        }

        AssembleChecked(input);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using StreamCore.Anthropic;
using static StreamCore.Tests.Anthropic.AnthropicTestSupport;

namespace StreamCore.Tests.Anthropic;

/// <summary><c>typed-protocols.md</c>, section 4, for Anthropic streams: what the updates announce, and that it adds up to the result.</summary>
public class AnthropicUpdatesTests
{
    public static TheoryData<string, bool> Recordings()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in CorpusNames)
        {
            data.Add(name, false);
            if (IsCutSdkFixture(name))
            {
                data.Add(name, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public void TheUpdatesOfARecordingAddUpToItsResult(string file, bool completeSdkFixture)
    {
        byte[] bytes = ReadCorpus(file, completeSdkFixture);
        (List<StreamUpdate> updates, AnthropicMessageResult result) = ReadUpdates(bytes);
        using (result)
        {
            using AnthropicMessageResult assembled = Assemble(bytes);
            Assert.Equal(assembled.ToJson(), result.ToJson());
            Assert.Equal(assembled.Status, result.Status);
            AssertInvariants(updates, result);
        }
    }

    /// <summary>The invariants every Anthropic update sequence keeps.</summary>
    internal static void AssertInvariants(List<StreamUpdate> updates, AnthropicMessageResult result)
    {
        Assert.Equal(StreamUpdateKind.End, updates[^1].Kind);
        Assert.Single(updates, u => u.Kind == StreamUpdateKind.End);
        JsonArray content = JsonNode.Parse(result.ToJson())!["content"]!.AsArray();

        // The text announced equals the result's, per block (restarting at a replacement).
        foreach ((StreamUpdateKind kind, string member) in new[] { (StreamUpdateKind.ContentDelta, "text"), (StreamUpdateKind.ReasoningDelta, "thinking") })
        {
            var announced = new Dictionary<int, StringBuilder>();
            foreach (StreamUpdate update in updates.Where(u => u.Kind == kind))
            {
                StringBuilder text = announced.TryGetValue(update.ItemIndex, out StringBuilder? known) ? known : announced[update.ItemIndex] = new StringBuilder();
                if (update.IsReplacement)
                {
                    text.Clear();
                }

                text.Append(update.GetText());
            }

            for (int i = 0; i < result.Blocks.Count; i++)
            {
                string expected = content[i]![member] is JsonValue value ? value.GetValue<string>() : string.Empty;
                string got = announced.TryGetValue(result.Blocks[i].Index, out StringBuilder? text) ? text.ToString() : string.Empty;
                Assert.Equal(expected, got);
            }
        }

        // The last usage announced is the result's usage (laid over, not the last delta's members alone).
        StreamUpdate[] usages = updates.Where(u => u.Kind == StreamUpdateKind.Usage).ToArray();
        Assert.Equal(result.UsageJson.IsEmpty ? null : Encoding.UTF8.GetString(result.UsageJson.Span), usages.Length == 0 ? null : Encoding.UTF8.GetString(usages[^1].Json.Span));

        // The tool input fragments announced equal the result's arguments; each call starts and completes once.
        foreach (ToolCall call in result.ToolCalls)
        {
            List<StreamUpdate> mine = updates.Where(u => u.ToolCall is not null && u.ToolCall.Position == call.Position).ToList();
            Assert.Equal(call.Arguments, string.Concat(mine.Where(u => u.Kind == StreamUpdateKind.ToolCallArgumentsDelta).Select(u => u.GetText())));
            Assert.Equal(StreamUpdateKind.ToolCallStarted, mine[0].Kind);
            Assert.Equal(StreamUpdateKind.ToolCallCompleted, mine[^1].Kind);
            Assert.Single(mine, u => u.Kind == StreamUpdateKind.ToolCallStarted);
            Assert.Single(mine, u => u.Kind == StreamUpdateKind.ToolCallCompleted);
            Assert.All(mine, u => Assert.Equal(mine[0].ItemIndex, u.ItemIndex));
        }

        // The last stop announced is the result's.
        StreamUpdate[] stops = updates.Where(u => u.Kind == StreamUpdateKind.Stop).ToArray();
        if (result.StopReason is null)
        {
            Assert.Empty(stops);
        }
        else
        {
            Assert.Equal((result.StopKind, result.StopReason), (stops[^1].StopKind, stops[^1].StopReason));
        }

        // A block is announced when it starts, with its JSON; citations as they arrive; the refusal's explanation.
        Assert.Equal(result.Blocks.Select(b => b.Index), updates.Where(u => u.Kind == StreamUpdateKind.ItemStarted).Select(u => u.ItemIndex).Distinct().Order());
        Assert.All(updates.Where(u => u.Kind == StreamUpdateKind.ItemStarted), u => Assert.NotNull(JsonNode.Parse(u.Json.Span)!["type"]));
        Assert.Equal(content.Sum(b => b!["citations"] is JsonArray a ? a.Count : 0), updates.Count(u => u.Kind == StreamUpdateKind.AnnotationAdded));
        Assert.Equal(result.Refusal, updates.LastOrDefault(u => u.Kind == StreamUpdateKind.RefusalDelta).Kind == StreamUpdateKind.RefusalDelta ? updates.Last(u => u.Kind == StreamUpdateKind.RefusalDelta).GetText() : null);
        Assert.All(updates.Where(u => u.Kind == StreamUpdateKind.Usage), u => Assert.Equal(-1, u.ItemIndex));
    }

    [Fact]
    public void EachKindOfUpdateIsAnnouncedWithItsIndexAndJson()
    {
        const string citation = """{"type":"char_location","cited_text":"x"}""";
        string input = Events(
            Start,
            BlockStart(0, """{"type":"thinking","thinking":"","signature":""}"""),
            Delta(0, """{"type":"thinking_delta","thinking":"hm"}"""),
            BlockStop(0),
            BlockStart(1, """{"type":"text","text":""}"""),
            Delta(1, $$"""{"type":"citations_delta","citation":{{citation}}}"""),
            TextDelta(1, "\"a\\\"b\""),
            Delta(1, """{"type":"future_delta","x":1}"""),
            BlockStop(1),
            BlockStart(2, """{"type":"tool_use","id":"t","name":"f","input":{}}"""),
            InputDelta(2, "\"{}\""),
            BlockStop(2),
            """{"type":"brand_new_event","index":7}""",
            MessageDelta("""{"stop_reason":"tool_use"}""", """{"output_tokens":3}"""),
            Stop);
        (List<StreamUpdate> updates, AnthropicMessageResult result) = ReadUpdates(input);
        using (result)
        {
            string[] lines = updates.Select(Describe).ToArray();
            Assert.Equal(
            [
                "Usage -1 {\"input_tokens\":10,\"output_tokens\":1}",
                "ItemStarted 0 {\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}",
                "ReasoningDelta 0 hm",
                "ItemCompleted 0 ",
                "ItemStarted 1 {\"type\":\"text\",\"text\":\"\"}",
                $"AnnotationAdded 1 {citation}",
                "ContentDelta 1 a\"b",
                "UnknownEvent -1 future_delta " + Delta(1, """{"type":"future_delta","x":1}"""),
                "ItemCompleted 1 ",
                "ItemStarted 2 {\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}",
                "ToolCallStarted 2 t",
                "ToolCallArgumentsDelta 2 {}",
                "ToolCallCompleted 2 t",
                "ItemCompleted 2 ",
                "UnknownEvent -1 brand_new_event {\"type\":\"brand_new_event\",\"index\":7}",
                "Usage -1 {\"input_tokens\":10,\"output_tokens\":3}", // laid over: the last usage announced is the result's
                "Stop -1 ToolCalls tool_use",
                "End -1 ",
            ],
            lines);
            AssertInvariants(updates, result);
        }
    }

    [Fact]
    public void AProviderErrorIsAnnouncedAndOpenToolCallsCompleteAtTheEnd()
    {
        string input = Events(Start, BlockStart(0, """{"type":"tool_use","id":"t","name":"f","input":{}}"""), InputDelta(0, "\"{\\\"a\""))
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        (List<StreamUpdate> updates, AnthropicMessageResult result) = ReadUpdates(input);
        using (result)
        {
            Assert.Equal(
                ["Usage", "ItemStarted", "ToolCallStarted", "ToolCallArgumentsDelta", "ProviderError", "ToolCallCompleted", "End"],
                updates.Select(u => u.Kind.ToString()));
            Assert.Equal("""{"type":"overloaded_error","message":"Overloaded"}""", Encoding.UTF8.GetString(updates[4].Json.Span));
            Assert.Equal(StreamStatus.Failed, result.Status);
            AssertInvariants(updates, result);
        }
    }

    [Fact]
    public void ASeedsTextIsAnnouncedSoThatTheAnnouncedTextIsTheBlocksText()
    {
        string input = Events(
            """{"type":"message_start","message":{"id":"m","content":[{"type":"text","text":"from start "}]}}""",
            TextDelta(0, "\"and delta\""),
            BlockStart(1, """{"type":"thinking","thinking":"seeded "}"""),
            Delta(1, """{"type":"thinking_delta","thinking":"more"}"""),
            Stop);
        (List<StreamUpdate> updates, AnthropicMessageResult result) = ReadUpdates(input);
        using (result)
        {
            Assert.Equal("from start and delta", result.Text);
            Assert.Equal("seeded more", result.Reasoning);
            AssertInvariants(updates, result);
        }
    }

    [Fact]
    public void ARestartThatReplacesASeedsTextAnnouncesTheReplacement()
    {
        string input = Events(
            Start,
            BlockStart(0, """{"type":"text","text":"Hello"}"""),
            BlockStart(0, """{"type":"text","text":"Bye"}"""),
            BlockStart(1, """{"type":"thinking","thinking":"first"}"""),
            BlockStart(1, """{"type":"thinking","thinking":""}"""),
            BlockStart(2, """{"type":"text","text":"kept"}"""),
            TextDelta(2, "\" more\""),
            BlockStart(2, """{"type":"text","text":"ignored: deltas built the text"}"""),
            Stop);
        (List<StreamUpdate> updates, AnthropicMessageResult result) = ReadUpdates(input);
        using (result)
        {
            Assert.Equal("Byekept more", result.Text);
            Assert.Equal(string.Empty, result.Reasoning);
            Assert.Equal(2, updates.Count(u => u.IsReplacement));
            AssertInvariants(updates, result);
        }
    }

    [Fact]
    public void AnUnknownEventWithoutATypeIsNamedByItsEventName()
    {
        (List<StreamUpdate> updates, AnthropicMessageResult result) = ReadUpdates(Events(Start) + "event: custom_thing\ndata: {\"x\":1}\n\n" + Events(Stop));
        using (result)
        {
            StreamUpdate unknown = Assert.Single(updates, u => u.Kind == StreamUpdateKind.UnknownEvent);
            Assert.Equal("custom_thing", unknown.GetEventName());
            Assert.Equal("{\"x\":1}", Encoding.UTF8.GetString(unknown.Json.Span));
        }
    }

    private static string Describe(StreamUpdate u) => u.Kind switch
    {
        StreamUpdateKind.ContentDelta or StreamUpdateKind.ReasoningDelta or StreamUpdateKind.ToolCallArgumentsDelta => $"{u.Kind} {u.ItemIndex} {u.GetText()}",
        StreamUpdateKind.ToolCallStarted or StreamUpdateKind.ToolCallCompleted => $"{u.Kind} {u.ItemIndex} {u.ToolCall!.Id}",
        StreamUpdateKind.Stop => $"{u.Kind} {u.ItemIndex} {u.StopKind} {u.StopReason}",
        StreamUpdateKind.UnknownEvent => $"{u.Kind} {u.ItemIndex} {u.GetEventName()} {Encoding.UTF8.GetString(u.Json.Span)}",
        _ => $"{u.Kind} {u.ItemIndex} {Encoding.UTF8.GetString(u.Json.Span)}",
    };
}

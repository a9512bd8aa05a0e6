using System.Collections.Generic;
using System.Linq;
using System.Text;
using StreamCore.Aitronos;
using static StreamCore.Tests.Aitronos.AitronosTestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>
/// The updates of Aitronos streams (<c>typed-protocols.md</c>, section 4): content and reasoning
/// deltas at item 0, replacements, tool calls started and completed, usage, stop, provider error,
/// unknown events raw, end; and the invariant that the text they announce is the result's.
/// </summary>
public class UpdatesTests
{
    private static readonly string[] WellFormed =
    [
        "E1", "E2", "E3", "E3 named", "E4", "E5", "E6", "E7", "E7 named", "current", "tool blocks", "response_blocks", "cancelled",
        "error with message", "error object", "cut", "split UTF-8 character",
    ];

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (string name in WellFormed)
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>The UTF-8 bytes that updates of <paramref name="kind"/> announced, starting over at each replacement, decoded once.</summary>
    private static string AnnouncedBytes(IEnumerable<StreamUpdate> updates, StreamUpdateKind kind)
    {
        var bytes = new List<byte>();
        foreach (StreamUpdate update in updates.Where(u => u.Kind == kind))
        {
            if (update.IsReplacement)
            {
                bytes.Clear();
            }

            bytes.AddRange(update.Utf8Text.ToArray());
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void AnnouncedTextRestartingAtReplacementsIsTheResultsText(string name)
    {
        byte[] bytes = AitronosFixtures.All.Single(f => f.Name == name).Bytes;
        List<StreamUpdate> updates = ReadUpdates(bytes, out AitronosResult result);
        using (result)
        {
            string expectedText = name == "current"
                ? "It is sunny \uFFFD\uFFFD in Z\u00fcrich" // a surrogate half escaped alone shows as U+FFFD in its update (StreamUpdate.Utf8Text); the result joins them
                : result.Text ?? string.Empty;
            Assert.Equal(expectedText, AnnouncedBytes(updates, StreamUpdateKind.ContentDelta));
            Assert.Equal(result.Reasoning ?? string.Empty, AnnouncedBytes(updates, StreamUpdateKind.ReasoningDelta));
            Assert.All(updates.Where(u => u.Kind is StreamUpdateKind.ContentDelta or StreamUpdateKind.ReasoningDelta), u => Assert.Equal(0, u.ItemIndex));
            Assert.Equal(StreamUpdateKind.End, updates[^1].Kind);
            Assert.Single(updates, u => u.Kind == StreamUpdateKind.End);

            // The updates' result is the assembled one.
            using AitronosResult assembled = Assemble(bytes);
            Assert.Equal(assembled.ToJson(), result.ToJson());
            Assert.Equal(assembled.Status, result.Status);
        }
    }

    [Fact]
    public void CurrentStreamUpdatesInOrder()
    {
        List<StreamUpdate> updates = ReadUpdates(AitronosFixtures.Current, out AitronosResult result);
        using (result)
        {
            Assert.Equal(
                [
                    StreamUpdateKind.ReasoningDelta, StreamUpdateKind.ReasoningDelta, StreamUpdateKind.ToolCallStarted, StreamUpdateKind.ToolCallCompleted,
                    StreamUpdateKind.ContentDelta, StreamUpdateKind.ContentDelta, StreamUpdateKind.ContentDelta, StreamUpdateKind.Stop, StreamUpdateKind.End,
                ],
                updates.Select(u => u.Kind));
            StreamUpdate started = updates[2];
            Assert.Equal(0, started.ItemIndex);
            Assert.Equal("get_weather", started.ToolCall!.Name);
            Assert.Equal("{\"city\":\"Z\\u00fcrich\"}", started.ToolCall.Arguments); // whole, from the start
            Assert.Same(started.ToolCall, updates[3].ToolCall);
            StreamUpdate stop = updates[7];
            Assert.Equal(StopKind.Stop, stop.StopKind);
            Assert.Equal("stop", stop.StopReason);
            Assert.Equal(0, stop.ItemIndex);
            Assert.DoesNotContain(updates, u => u.IsReplacement);
            Assert.Equal(StreamStatus.Complete, updates[^1].Result.Status);
        }
    }

    [Fact]
    public void AFullTextThatExtendsTheDeltasIsAnnouncedAsTheirRest()
    {
        List<StreamUpdate> updates = ReadUpdates(AitronosFixtures.E2, out AitronosResult result);
        using (result)
        {
            List<StreamUpdate> content = updates.Where(u => u.Kind == StreamUpdateKind.ContentDelta).ToList();
            Assert.Equal(["Once", " upon", " a", " time..."], content.Select(u => u.GetText()));
            Assert.DoesNotContain(content, u => u.IsReplacement);
        }
    }

    [Fact]
    public void AFullTextEqualToTheDeltasAnnouncesNothing()
    {
        List<StreamUpdate> updates = ReadUpdates(AitronosFixtures.E1, out AitronosResult result);
        using (result)
        {
            Assert.Equal(["Hello", "! How can I", " help you?"], updates.Where(u => u.Kind == StreamUpdateKind.ContentDelta).Select(u => u.GetText()));
        }
    }

    [Fact]
    public void AFullTextThatDoesNotExtendTheDeltasIsAReplacement()
    {
        List<StreamUpdate> updates = ReadUpdates(
            Data(
                """{"event":"response.content_delta","delta":"Helo"}""",
                """{"event":"response.content_delta","delta":" wrld"}""",
                """{"event":"response.completed","response":"Hello world","reasoning_content":"why"}""",
                """{"event":"response.content_delta","delta":"!"}"""),
            out AitronosResult result);
        using (result)
        {
            List<StreamUpdate> content = updates.Where(u => u.Kind == StreamUpdateKind.ContentDelta).ToList();
            Assert.Equal(["Helo", " wrld", "Hello world", "!"], content.Select(u => u.GetText()));
            Assert.Equal([false, false, true, false], content.Select(u => u.IsReplacement));
            Assert.Equal("Hello world!", result.Text);
            Assert.Equal("Hello world!", Announced(updates, StreamUpdateKind.ContentDelta));
            StreamUpdate reasoning = Assert.Single(updates, u => u.Kind == StreamUpdateKind.ReasoningDelta);
            Assert.False(reasoning.IsReplacement); // nothing announced before: it extends the empty text
            Assert.Equal("why", reasoning.GetText());
        }
    }

    [Fact]
    public void ToolCallBlocksAreStartedAndCompletedWhole()
    {
        List<StreamUpdate> updates = ReadUpdates(AitronosFixtures.ToolBlocks, out AitronosResult result);
        using (result)
        {
            List<StreamUpdate> calls = updates.Where(u => u.ToolCall is not null).ToList();
            Assert.Equal(
                [("search", StreamUpdateKind.ToolCallStarted), ("search", StreamUpdateKind.ToolCallCompleted), ("calc", StreamUpdateKind.ToolCallStarted),
                 ("calc", StreamUpdateKind.ToolCallCompleted), ("noargs", StreamUpdateKind.ToolCallStarted), ("noargs", StreamUpdateKind.ToolCallCompleted)],
                calls.Select(u => (u.ToolCall!.Name!, u.Kind)));
            Assert.DoesNotContain(updates, u => u.Kind == StreamUpdateKind.ToolCallArgumentsDelta);
            Assert.All(calls, u => Assert.True(u.ToolCall!.IsCompleted));
            Assert.Equal(result.ToolCalls, calls.Where(u => u.Kind == StreamUpdateKind.ToolCallCompleted).Select(u => u.ToolCall));
        }
    }

    [Fact]
    public void ResponseBlocksAnnounceOnlyTheCallsThatAreNew()
    {
        List<StreamUpdate> updates = ReadUpdates(AitronosFixtures.ResponseBlocks, out AitronosResult result);
        using (result)
        {
            Assert.Equal(
                ["get_weather", "get_weather", "get_time", "get_time", "get_date", "get_date"],
                updates.Where(u => u.ToolCall is not null).Select(u => u.ToolCall!.Name));
            Assert.Equal(["get_weather", "get_date"], result.ToolCalls.Select(c => c.Name));
            Assert.Same(updates.First(u => u.ToolCall is not null).ToolCall, result.ToolCalls[0]); // kept, not re-created
            ToolCall replaced = updates.First(u => u.ToolCall?.Name == "get_time").ToolCall!;
            Assert.Equal("{\"tz\":\"CET\"}", replaced.Arguments); // a consumer's view of a replaced call stays readable
        }
    }

    [Fact]
    public void UsageIsAnnouncedAsItArrived()
    {
        List<StreamUpdate> updates = ReadUpdates(AitronosFixtures.E2, out AitronosResult result);
        using (result)
        {
            StreamUpdate usage = Assert.Single(updates, u => u.Kind == StreamUpdateKind.Usage);
            Assert.Equal("""{"outputSynapses":156}""", Encoding.UTF8.GetString(usage.Json.Span));
            Assert.Equal(-1, usage.ItemIndex);
        }
    }

    [Theory]
    [InlineData("error with message", """{"message":"Rate limit exceeded"}""")]
    [InlineData("error object", """{"message":"Rate limit exceeded","code":"rate_limit"}""")]
    public void ProviderErrorsAreAnnouncedWithTheirErrorObject(string name, string error)
    {
        byte[] bytes = AitronosFixtures.All.Single(f => f.Name == name).Bytes;
        List<StreamUpdate> updates = ReadUpdates(Encoding.UTF8.GetString(bytes), out AitronosResult result);
        using (result)
        {
            StreamUpdate provider = Assert.Single(updates, u => u.Kind == StreamUpdateKind.ProviderError);
            Assert.Equal(error, Encoding.UTF8.GetString(provider.Json.Span));
            Assert.Equal(StreamUpdateKind.End, updates[^1].Kind);
            Assert.Equal(StreamStatus.Failed, result.Status);
            Assert.DoesNotContain(updates, u => u.Kind == StreamUpdateKind.Stop);
        }
    }

    [Fact]
    public void UnknownEventsArePassedOnRawAndKeepAlivesAreNot()
    {
        List<StreamUpdate> updates = ReadUpdates(
            Data("""{"event":"response.future","x":1}""", """{"event":"response.heartbeat"}""")
            + "event: response.sse_named\ndata: {\"y\":2}\n\n"
            + "event: ping\ndata: {}\n\n: comment\n\n"
            + Data("""{"unnamed":true}""", """{"event":"response.\u0066uture2"}"""),
            out AitronosResult result);
        using (result)
        {
            List<StreamUpdate> unknown = updates.Where(u => u.Kind == StreamUpdateKind.UnknownEvent).ToList();
            Assert.Equal(["response.future", "response.sse_named", "message", "response.future2"], unknown.Select(u => u.GetEventName()));
            Assert.Equal(["""{"event":"response.future","x":1}""", """{"y":2}""", """{"unnamed":true}""", """{"event":"response.\u0066uture2"}"""], unknown.Select(u => Encoding.UTF8.GetString(u.Json.Span)));
            Assert.Equal(5, updates.Count); // four unknown events and the end: keep-alives announce nothing
            Assert.Null(result.Text);
        }
    }
}

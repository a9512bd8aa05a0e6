using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Responses;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Responses.ResponsesTestSupport;

namespace StreamCore.Tests.Responses;

/// <summary>
/// Every recording of <c>corpus-typed/openai-responses</c>, judged by the independent oracle: the
/// same JSON (members in the same order), the same status, and a normalized view that says what the
/// JSON says; then again through a real pipe, cut anywhere.
/// </summary>
public class CorpusTests
{
    public static TheoryData<string> Files() => CorpusTheory();

    [Theory]
    [MemberData(nameof(Files))]
    public void AssembledWholeEqualsTheOracle(string file)
    {
        byte[] input = ReadCorpus(file);
        ResponsesOracle oracle = ResponsesOracle.Read(input);
        JsonObject expected = oracle.Response();
        using ResponsesResult result = Assemble(input);
        JsonObject actual = (JsonObject)OrderedJson.Parse(result.ToJson())!;
        OrderedJson.AssertEqual(expected, actual);
        Assert.Equal(oracle.Status, result.Status);

        // The normalized view reads what the JSON holds.
        Assert.Equal(ResponsesOracle.TextOf(expected, "message", "output_text"), result.Text);
        Assert.Equal(ResponsesOracle.TextOf(expected, "message", "refusal"), result.Refusal);
        Assert.Equal(ResponsesOracle.TextOf(expected, "reasoning", "summary_text", "reasoning_text"), result.Reasoning);
        var calls = ResponsesOracle.ToolCallsOf(expected);
        Assert.Equal(calls.Count, result.ToolCalls.Count);
        for (int i = 0; i < calls.Count; i++)
        {
            Assert.Equal(calls[i].Id, result.ToolCalls[i].Id);
            Assert.Equal(calls[i].Name, result.ToolCalls[i].Name);
            Assert.Equal(calls[i].Arguments, result.ToolCalls[i].Arguments);
            Assert.True(result.ToolCalls[i].IsCompleted);
        }

        Assert.Equal((string?)expected["id"], result.Id);
        Assert.Equal((string?)expected["model"], result.Model);
        Assert.Equal((string?)expected["status"], result.ResponseStatus);
        JsonNode? usage = expected["usage"];
        if (usage is JsonObject)
        {
            OrderedJson.AssertEqual(usage, OrderedJson.Parse(System.Text.Encoding.UTF8.GetString(result.UsageJson.Span)));
        }
        else
        {
            Assert.True(result.UsageJson.IsEmpty);
        }
    }

    public static TheoryData<string> SmallFiles()
    {
        var data = new TheoryData<string>();
        foreach (string name in CorpusNames.Where(n => ReadCorpus(n).Length <= 10_000))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public async Task SmallFilesGiveTheSameResultSplitAtEveryByte(string file)
    {
        byte[] input = ReadCorpus(file);
        string expected = Outcome(input);
        Assert.StartsWith(ResponsesOracle.Read(input).Status.ToString() + "|", expected, StringComparison.Ordinal);
        Assert.Equal(expected, await OutcomeThroughPipeAsync(Splits.Bytewise(input).Parts));
        for (int point = 1; point < input.Length; point++)
        {
            string actual = await OutcomeThroughPipeAsync(Splits.At(input, [point]));
            if (actual != expected)
            {
                Assert.Fail($"split at {point}: {actual}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task EveryFileGivesTheSameResultAtRandomSplits(string file)
    {
        byte[] input = ReadCorpus(file);
        string expected = Outcome(input);
        foreach (SplitCase split in Splits.Random(input, count: 12, points: 40, seed: file.Length))
        {
            Assert.True(expected == await OutcomeThroughPipeAsync(split.Parts), split.Name);
        }

        foreach (int size in new[] { 7, 64, 1000 })
        {
            Assert.True(expected == await OutcomeThroughPipeAsync(Splits.Chunks(input, size)), $"chunks of {size}");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void UpdatesAnnounceWhatTheResultHolds(string file)
    {
        byte[] input = ReadCorpus(file);
        (List<StreamUpdate> updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            // The text announced per part (restarting at each replacement) is the part's text.
            JsonObject json = (JsonObject)OrderedJson.Parse(result.ToJson())!;
            var announced = AnnouncedTexts(updates);
            var expectedTexts = new Dictionary<(StreamUpdateKind, int, int), string>();
            var output = (JsonArray)json["output"]!;
            for (int item = 0; item < output.Count; item++)
            {
                foreach (string list in new[] { "content", "summary" })
                {
                    var parts = output[item]![list] as JsonArray ?? [];
                    for (int part = 0; part < parts.Count; part++)
                    {
                        string? type = (string?)parts[part]!["type"];
                        StreamUpdateKind? kind = type switch
                        {
                            "output_text" => StreamUpdateKind.ContentDelta,
                            "refusal" => StreamUpdateKind.RefusalDelta,
                            "reasoning_text" or "summary_text" => StreamUpdateKind.ReasoningDelta,
                            _ => null,
                        };
                        string text = (string?)parts[part]![type == "refusal" ? "refusal" : "text"] ?? string.Empty;
                        if (kind is StreamUpdateKind k && text.Length > 0)
                        {
                            expectedTexts[(k, item, part)] = text;
                        }
                    }
                }
            }

            Assert.Equal(expectedTexts.OrderBy(p => p.Key).ToList(), announced.Where(p => p.Value.Length > 0).OrderBy(p => p.Key).ToList());

            // Tool call arguments announced are the result's, and each call completed once.
            var arguments = AnnouncedArguments(updates);
            foreach (StreamUpdate started in updates.Where(u => u.Kind == StreamUpdateKind.ToolCallStarted))
            {
                ToolCall call = started.ToolCall!;
                Assert.Equal(call.Arguments, arguments[started.ItemIndex]);
                Assert.Single(updates, u => u.Kind == StreamUpdateKind.ToolCallCompleted && u.ToolCall == call);
            }

            Assert.Equal(result.ToolCalls.Count, updates.Count(u => u.Kind == StreamUpdateKind.ToolCallStarted));

            // The last stop announced is the result's; the end comes last.
            StreamUpdate[] stops = updates.Where(u => u.Kind == StreamUpdateKind.Stop).ToArray();
            if (result.HasTerminalEvent)
            {
                Assert.Equal(result.StopKind, stops[^1].StopKind);
                Assert.Equal(result.StopReason, stops[^1].StopReason);
            }
            else
            {
                Assert.Empty(stops);
            }

            Assert.Equal(StreamUpdateKind.End, updates[^1].Kind);
            Assert.Equal(result.HasProviderError, updates.Any(u => u.Kind == StreamUpdateKind.ProviderError));
        }
    }
}

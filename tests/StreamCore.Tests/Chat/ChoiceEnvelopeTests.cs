using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>
/// A chunk whose envelope repeats and whose choices array repeats the bytes around a lone choice's
/// delta is merged by reading the delta alone. Every case compares with the same chunks read in full
/// (each chunk's prefix varied by spaces, so no shortcut applies), and pins the values themselves.
/// </summary>
public class ChoiceEnvelopeTests
{
    private const string Prefix = """{"id":"chatcmpl-ce","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":""";
    private const string Suffix = ""","usage":null}""";

    private static string Choice(string delta, string after = ""","logprobs":null,"finish_reason":null""", string before = "\"index\":0,")
        => "[{" + before + "\"delta\":" + delta + after + "}]";

    private static string Text(string text) => $$"""{"content":"{{text}}"}""";

    /// <summary>The stream as sent: every chunk's envelope is the same bytes.</summary>
    private static string Repeated(params string[] choices) => WithDone(choices.Select(c => Prefix + c + Suffix).ToArray());

    /// <summary>The same chunks, each prefix spaced differently so that every chunk is read in full.</summary>
    private static string ReadInFull(params string[] choices)
        => WithDone(choices.Select((c, i) => "{" + new string(' ', i) + Prefix[1..] + c + Suffix).ToArray());

    // Byte offsets differ by the spaces that force full reads; the event number is compared.
    private static string Outcome(string stream) => Regex.Replace(AssembleOutcome(Utf8(stream)), "^(malformed [0-9]+)@[0-9]+", "$1");

    private static void AssertSameAsFullReads(params string[] choices)
    {
        Assert.Equal(Outcome(ReadInFull(choices)), Outcome(Repeated(choices)));
        Assert.Equal(Updates(ReadInFull(choices)), Updates(Repeated(choices)));
    }

    [Fact]
    public void RepeatedChoicesGiveTheSameResultAndUpdatesAsFullReads()
    {
        string[] choices =
        [
            Choice("""{"role":"assistant","content":""}"""),
            Choice(Text("Hel")),
            Choice(Text("lo \\\"w\\u00f6rld\\\"")),
            Choice(Text("!")),
            Choice("{}", ",\"logprobs\":null,\"finish_reason\":\"stop\""),
        ];
        AssertSameAsFullReads(choices);

        using ChatCompletionResult result = Assemble(Repeated(choices));
        Assert.Equal("Hello \"wörld\"!", result.Choices[0].Content);
        Assert.Equal("stop", result.Choices[0].FinishReason);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Equal(["Hel", "lo \"wörld\"", "!"], Updates(Repeated(choices)).Where(u => u.StartsWith("ContentDelta", StringComparison.Ordinal)).Select(u => u.Split('|')[2]));
    }

    [Fact]
    public void AMemberAfterTheDeltaIsMergedIntoTheSameChoice()
    {
        string[] choices =
        [
            Choice(Text("a")),
            Choice(Text("b"), ""","x_seen":1,"logprobs":null,"finish_reason":null"""),
            Choice(Text("c"), """ , "finish_reason":"length","logprobs":null,"finish_reason":null"""),
        ];
        AssertSameAsFullReads(choices);

        JsonObject json = AssembleNode(Repeated(choices));
        JsonNode choice = json["choices"]![0]!;
        Assert.Equal("abc", (string?)choice["message"]!["content"]);
        Assert.Equal(1, (int)choice["x_seen"]!);
        Assert.Equal("length", (string?)choice["finish_reason"]);
    }

    [Fact]
    public void AnotherChoiceBetweenTheRepeatedHalvesIsItsOwnChoice()
    {
        // The first entry ends right after its delta; the next one ends with the remembered suffix.
        string[] choices =
        [
            Choice(Text("a")),
            """[{"index":0,"delta":{"content":"b"}},{"index":1,"delta":{"content":"z"},"logprobs":null,"finish_reason":null}]""",
            Choice(Text("c")),
        ];
        AssertSameAsFullReads(choices);

        using ChatCompletionResult result = Assemble(Repeated(choices));
        Assert.Equal(2, result.Choices.Count);
        Assert.Equal("abc", result.Choices[0].Content);
        Assert.Equal("z", result.Choices[1].Content);
    }

    [Fact]
    public void AnArrayThatEndsEarlyLeavesTheRestToTheChunk()
    {
        // "[" + prefix ... suffix + "]" spans the choices array and a later top-level member.
        string[] choices =
        [
            Choice(Text("a")),
            """[{"index":0,"delta":{"content":"b"}}],"x_top":[{"index":0,"delta":{"content":"q"},"logprobs":null,"finish_reason":null}]""",
            Choice(Text("c")),
        ];
        AssertSameAsFullReads(choices);

        JsonObject json = AssembleNode(Repeated(choices));
        Assert.Equal("abc", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal("q", (string?)json["x_top"]![0]!["delta"]!["content"]);
    }

    private static string Logprobs(params string[] tokens)
        => ",\"logprobs\":{\"content\":[" + string.Join(",", tokens.Select(t => $$"""{"token":"{{t}}","logprob":-1.5,"bytes":[{{string.Join(",", Encoding.UTF8.GetBytes(t))}}],"top_logprobs":[{"token":"{{t}}","logprob":-0.25,"bytes":[1]}]}""")) + "],\"refusal\":null},\"finish_reason\":null";

    [Fact]
    public void InterleavedChoicesWithLogprobsGiveTheSameResultAsFullReads()
    {
        // n > 1 with logprobs: each choice repeats its own bytes around its delta and its entries.
        string[] choices =
        [
            Choice("""{"role":"assistant","content":""}""", Logprobs()),
            Choice("""{"role":"assistant","content":""}""", Logprobs(), before: "\"index\":1,"),
            Choice(Text("a"), Logprobs("a")),
            Choice(Text("x"), Logprobs("x"), before: "\"index\":1,"),
            Choice(Text("b"), Logprobs("b")),
            Choice(Text("y"), Logprobs("y", "z"), before: "\"index\":1,"),
            Choice(Text("c"), Logprobs()),
            Choice(Text("d")),
            Choice("{}", ",\"logprobs\":null,\"finish_reason\":\"stop\""),
            Choice("{}", ",\"logprobs\":null,\"finish_reason\":\"stop\"", before: "\"index\":1,"),
        ];
        AssertSameAsFullReads(choices);

        JsonObject json = AssembleNode(Repeated(choices));
        Assert.Equal("abcd", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal("xy", (string?)json["choices"]![1]!["message"]!["content"]);
        Assert.Equal(["a", "b"], json["choices"]![0]!["logprobs"]!["content"]!.AsArray().Select(e => (string?)e!["token"]));
        Assert.Equal(["x", "y", "z"], json["choices"]![1]!["logprobs"]!["content"]!.AsArray().Select(e => (string?)e!["token"]));
    }

    [Fact]
    public void LogprobsWithMoreThanTheirContentAreNotTakenForRepeats()
    {
        // Refusal entries and other logprob members after the content entries are merged again each time.
        string refusal = ",\"logprobs\":{\"content\":[{\"token\":\"c\"}],\"refusal\":[{\"token\":\"r\"}]},\"finish_reason\":null";
        string extra = ",\"logprobs\":{\"content\":[{\"token\":\"c\"}],\"x_seen\":1},\"finish_reason\":null";
        string[] choices = [Choice(Text("a"), refusal), Choice(Text("b"), refusal), Choice(Text("c"), extra), Choice(Text("d"), extra)];
        AssertSameAsFullReads(choices);

        JsonObject json = AssembleNode(Repeated(choices));
        Assert.Equal(2, json["choices"]![0]!["logprobs"]!["refusal"]!.AsArray().Count);
        Assert.Equal(4, json["choices"]![0]!["logprobs"]!["content"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"content":"a"},"logprobs":{"content":[{"token":"n"}],"refusal":null},"x":{"content":[""")]  // the entries' array ends early
    [InlineData("""{"content":"a","x":{"y":1,"logprobs":{"content":[1]}},"q":[""")]                               // the middle's bytes nested in the delta
    [InlineData("""{"content":"a"}""")]                                                                            // the logprob bytes missing: no match
    public void BytesThatOnlyLookLikeTheRememberedHolesAreReadInFull(string middle)
    {
        string first = Choice(Text("s"), Logprobs("s"));
        string odd = "[{\"index\":0,\"delta\":" + middle + "],\"refusal\":null},\"finish_reason\":null}]";
        string[] choices = [first, odd, Choice(Text("e"), Logprobs("e"))];
        Assert.Equal(Outcome(ReadInFull(choices)), Outcome(Repeated(choices)));
    }

    [Theory]
    [InlineData("""{"token":"t","logprob":-1.0,"bytes":[1,],"top_logprobs":[]}""")]
    [InlineData("""{"token":"t","logprob":--1}""")]
    [InlineData("""{"token":"t"}]]""")]
    public void MalformedEntriesAreAFormatErrorAtTheirEvent(string entry)
    {
        string[] choices = [Choice(Text("a"), Logprobs("a")), Choice(Text("b"), ",\"logprobs\":{\"content\":[" + entry + "],\"refusal\":null},\"finish_reason\":null"), Choice(Text("c"), Logprobs("c"))];
        Assert.Equal(Outcome(ReadInFull(choices)), Outcome(Repeated(choices)));
        Assert.Equal(2, AssembleMalformed(Repeated(choices)).EventNumber);
    }

    [Fact]
    public void AnIndexAfterTheDeltaAndVerbatimMembersRepeatToo()
    {
        // Alibaba sends index last; Azure adds filter results and matched_stop around the delta.
        string before = "\"content_filter_results\":{\"hate\":{\"filtered\":false}},";
        string after = ""","finish_reason":null,"index":0,"logprobs":null,"matched_stop":null""";
        string[] choices =
        [
            Choice(Text("a"), after, before),
            Choice(Text("b"), after, before),
            Choice(Text("c"), after.Replace("\"finish_reason\":null", "\"finish_reason\":\"stop\"", StringComparison.Ordinal), before),
        ];
        AssertSameAsFullReads(choices);

        JsonObject json = AssembleNode(Repeated(choices));
        JsonNode choice = json["choices"]![0]!;
        Assert.Equal("abc", (string?)choice["message"]!["content"]);
        Assert.False((bool)choice["content_filter_results"]!["hate"]!["filtered"]!);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
    }

    [Theory]
    [InlineData(""",""")]                      // a comma and then the remembered suffix's own comma
    [InlineData(""","x":""")]                  // a member without a value
    [InlineData("""]""")]                      // the array closed inside the choice
    [InlineData("""}""")]                      // the choice closed twice
    [InlineData("""garbage""")]
    public void BadBytesBetweenTheRepeatedHalvesAreAFormatErrorThatKeepsTheDelta(string bad)
    {
        string[] choices = [Choice(Text("a")), Choice(Text("b") + bad), Choice(Text("c"))];
        Assert.Equal(Outcome(ReadInFull(choices)), Outcome(Repeated(choices)));

        ChatStreamFormatException e = AssembleMalformed(Repeated(choices));
        Assert.Equal(2, e.EventNumber);
        Assert.StartsWith("a", e.PartialResult!.Choices[0].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void ABrokenDeltaIsAFormatError()
    {
        // An unterminated string runs into the remembered suffix. A full read finds the fault later
        // (the string ends at the suffix's first quote) and merges that string first, so only the
        // chunks before the broken one are compared.
        string[] choices = [Choice(Text("a")), Choice("{\"content\":\"b"), Choice(Text("c"))];
        ChatStreamFormatException repeated = AssembleMalformed(Repeated(choices));
        ChatStreamFormatException full = AssembleMalformed(ReadInFull(choices));

        Assert.Equal(2, repeated.EventNumber);
        Assert.Equal(full.EventNumber, repeated.EventNumber);
        Assert.Equal("a", repeated.PartialResult!.Choices[0].Content);
        Assert.StartsWith("a", full.PartialResult!.Choices[0].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomSequencesOfChoiceShapesGiveTheSameOutcomeAsFullReads()
    {
        string[] shapes =
        [
            Choice(Text("a")),
            Choice(Text("b\\n")),
            Choice("""{"reasoning_content":"r"}"""),
            Choice("""{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":"{\"k\":"}}]}"""),
            Choice("""{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}"""),
            Choice(Text("c"), ""","logprobs":null,"finish_reason":null,"x":{"n":[1,2]}"""),
            Choice(Text("d"), before: "\"index\":1,"),
            Choice(Text("e"), ""","finish_reason":null,"index":0,"logprobs":null""", ""),
            Choice("null"),
            Choice(Text("f"), ",\"logprobs\":null,\"finish_reason\":\"stop\""),
            """[{"index":0,"delta":{"content":"g"}},{"index":2,"delta":{"content":"h"},"logprobs":null,"finish_reason":null}]""",
            """[]""",
            Choice(Text("i") + ",", ""","logprobs":null,"finish_reason":null"""),
            Choice(Text("j"), Logprobs("j")),
            Choice(Text("k"), Logprobs("k", "l")),
            Choice(Text("m"), Logprobs()),
            Choice(Text("n"), Logprobs("n"), before: "\"index\":1,"),
            Choice(Text("o"), Logprobs("o") + ",\"x_after\":{\"content\":[1]}"),
            "[{\"index\":0,\"logprobs\":{\"content\":[{\"token\":\"p\"}]},\"delta\":{\"content\":\"p\"},\"finish_reason\":null}]",
        ];
        var random = new Random(20261122);
        for (int run = 0; run < 300; run++)
        {
            string[] choices = Enumerable.Range(0, random.Next(2, 9)).Select(_ => shapes[random.Next(shapes.Length)]).ToArray();
            Assert.Equal(Outcome(ReadInFull(choices)), Outcome(Repeated(choices)));
        }
    }

    /// <summary>Every update as "kind|choice|text", read through the update stream.</summary>
    private static List<string> Updates(string stream)
    {
        var updates = new List<string>();
        Task.Run(async () =>
        {
            try
            {
                await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(new MemoryStream(Encoding.UTF8.GetBytes(stream))))
                {
                    updates.Add($"{update.Kind}|{update.ChoiceIndex}|{update.GetText()}");
                }
            }
            catch (ChatStreamFormatException e)
            {
                updates.Add("malformed " + e.EventNumber);
            }
        }).GetAwaiter().GetResult();
        return updates;
    }
}

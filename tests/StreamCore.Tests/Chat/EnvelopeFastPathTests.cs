using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>
/// A chunk that repeats the previous chunk's bytes before and after its choices array is read from
/// the choices on. These cases pin what that shortcut must not change.
/// </summary>
public class EnvelopeFastPathTests
{
    private const string Prefix = """{"id":"chatcmpl-env","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","choices":""";
    private const string Suffix = ""","usage":null}""";

    private static string Chunk(string choices, string suffix = Suffix) => Prefix + choices + suffix;

    private static string Spaced(int spaces) => "{" + new string(' ', spaces) + Prefix[1..];

    private static string Content(string text) => $$"""[{"index":0,"delta":{"content":"{{text}}"},"finish_reason":null}]""";

    [Fact]
    public void RepeatedEnvelopesGiveTheSameResultAsFullParses()
    {
        string stream = WithDone(Chunk(Content("a")), Chunk(Content("b")), Chunk(Content("c")), Chunk("""[{"index":0,"delta":{},"finish_reason":"stop"}]"""));

        // The same chunks with the prefix's bytes varied each time (spaces after "{") match no
        // remembered envelope, so every one is read whole.
        string varied = WithDone(
            Chunk(Content("a")),
            Spaced(1) + Content("b") + Suffix,
            Spaced(2) + Content("c") + Suffix,
            Spaced(3) + """[{"index":0,"delta":{},"finish_reason":"stop"}]""" + Suffix);

        Assert.Equal(AssembleJson(varied), AssembleJson(stream));
        using ChatCompletionResult result = Assemble(stream);
        Assert.Equal("abc", result.Choices[0].Content);
        Assert.Equal("chatcmpl-env", result.Id);
    }

    [Fact]
    public void AMemberBetweenTheChoicesAndTheRepeatedSuffixIsMergedAndTheChoicesOnlyOnce()
    {
        // The bytes between the envelope's halves are the choices array followed by another member.
        string stream = WithDone(Chunk(Content("a")), Chunk(Content("b") + ""","x_extra":{"n":1}"""), Chunk(Content("c")));
        JsonObject json = AssembleNode(stream);

        Assert.Equal("abc", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal(1, (int)json["x_extra"]!["n"]!);
    }

    [Fact]
    public void AMalformedMiddleIsAFormatErrorAndKeepsWhatCameBefore()
    {
        string stream = WithDone(Chunk(Content("a")), Chunk(Content("b") + ""","""), Chunk(Content("c")));
        ChatStreamFormatException e = AssembleMalformed(stream);

        Assert.Equal(2, e.EventNumber);
        Assert.NotNull(e.PartialResult);
        Assert.StartsWith("a", e.PartialResult!.Choices[0].Content, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AChoicesValueThatIsNotAnArrayTakesTheFullPath()
    {
        string stream = WithDone(Chunk(Content("a")), Chunk("null"), Chunk(Content("b")));
        using ChatCompletionResult result = Assemble(stream);

        Assert.Equal("ab", result.Choices[0].Content);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
    }

    [Fact]
    public void AUsageObjectInTheEnvelopeIsReportedEveryTime()
    {
        // Cumulative usage on every chunk (Perplexity): identical bytes twice must still give two updates.
        string usage = ""","usage":{"total_tokens":5}}""";
        string stream = WithDone(Chunk(Content("a"), usage), Chunk(Content("b"), usage), Chunk(Content("c"), usage));
        List<ChatUpdateKind> kinds = ReadKinds(stream);

        Assert.Equal(3, kinds.Count(k => k == ChatUpdateKind.Usage));
        Assert.Equal(3, kinds.Count(k => k == ChatUpdateKind.ContentDelta));
    }

    [Fact]
    public void UpdateTextOnTheFastPathPointsAtTheRightBytes()
    {
        string stream = WithDone(Chunk(Content("first")), Chunk(Content("se\\\"cond")), Chunk(Content("third")));
        var texts = new List<string>();
        foreach (ChatUpdate update in ReadUpdates(stream))
        {
            if (update.Kind == ChatUpdateKind.ContentDelta)
            {
                texts.Add(update.GetText());
            }
        }

        Assert.Equal(["first", "se\"cond", "third"], texts);
    }

    [Fact]
    public void PaddingThatChangesAfterTheChoicesGivesTheSameResultAsFullParses()
    {
        // OpenAI's obfuscation padding differs on every chunk: only the prefix repeats.
        string[] padding = ["x", "yy", "zzz", ""];
        string Padded(string choices, int i) => choices + $$""","usage":null,"obfuscation":"{{padding[i]}}"}""";
        string prefixOnly = WithDone(
            Prefix + Padded(Content("a"), 0),
            Prefix + Padded(Content("b\\u00e9"), 1),
            Prefix + Padded(Content("c"), 2),
            Prefix + Padded("""[{"index":0,"delta":{},"finish_reason":"stop"}]""", 3)[..^1] + ""","x_late":[1,2]}""");

        // The same chunks with the prefix varied each time (extra spaces) are read whole.
        string whole = WithDone(
            Prefix + Padded(Content("a"), 0),
            Spaced(1) + Padded(Content("b\\u00e9"), 1),
            Spaced(2) + Padded(Content("c"), 2),
            Spaced(3) + Padded("""[{"index":0,"delta":{},"finish_reason":"stop"}]""", 3)[..^1] + ""","x_late":[1,2]}""");

        Assert.Equal(AssembleJson(whole), AssembleJson(prefixOnly));
        JsonObject json = AssembleNode(prefixOnly);
        Assert.Equal("abéc", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal(2, json["x_late"]!.AsArray().Count);
        Assert.Null(json["obfuscation"]);

        var texts = ReadUpdates(prefixOnly).Where(u => u.Kind == ChatUpdateKind.ContentDelta).Select(u => u.GetText()).ToList();
        Assert.Equal(["a", "bé", "c"], texts);
    }

    [Fact]
    public void AMalformedTailAfterARepeatedPrefixIsAFormatError()
    {
        string stream = WithDone(Prefix + Content("a") + Suffix, Prefix + Content("b") + ""","usage":nul}""");
        ChatStreamFormatException e = AssembleMalformed(stream);

        Assert.Equal(2, e.EventNumber);
        Assert.Equal("a", e.PartialResult!.Choices[0].Content![..1]);
    }

    [Fact]
    public void UsageAfterTheChoicesOfARepeatedEnvelopeCostsNoException()
    {
        // Mistral, DeepSeek, Groq: the last chunk repeats the envelope but carries usage after the
        // choices. Telling that apart must not go through a thrown and caught JsonException.
        string stream = WithDone(
            Prefix + Content("a") + "}",
            Prefix + Content("b") + ""","usage":{"total_tokens":3}}""");
        int thread = System.Environment.CurrentManagedThreadId;
        int thrown = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (System.Environment.CurrentManagedThreadId == thread)
            {
                thrown++;
            }
        }

        System.AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            using ChatCompletionResult result = Assemble(stream);
            Assert.Equal("ab", result.Choices[0].Content);
            Assert.Equal("""{"total_tokens":3}""", Encoding.UTF8.GetString(result.UsageJson.Span));
        }
        finally
        {
            System.AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.Equal(0, thrown);
    }

    private static string WithId(string id, string choices) => "{\"id\":" + id + Prefix[(Prefix.IndexOf(',', System.StringComparison.Ordinal))..] + choices + Suffix;

    private static string SpacedWithId(int spaces, string id, string choices) => "{" + new string(' ', spaces) + WithId(id, choices)[1..];

    [Theory]
    [InlineData("\"chatcmpl-1\"", "\"chatcmpl-22\"", "\"c-3\"")]                      // Groq compound: a new id per chunk, of any length
    [InlineData("\"a\"", "\"b\\\"q\"", "\"c\"")]                                   // an escaped id is read
    [InlineData("\"a\"", "\"\u00e9t\u00e9\"", "\"c\"")]                             // so is one beyond printable ASCII
    [InlineData("\"a\"", "null", "\"c\"")]                                              // and an id that is not a string
    [InlineData("\"\"", "\"second\"", "\"third\"")]                                  // an empty first id is no hole: the second is kept
    public void AnIdThatChangesEveryChunkStillRepeatsTheEnvelope(string first, string second, string third)
    {
        string[] ids = [first, second, third, third];
        string[] choices = [Content("a"), Content("b"), Content("c"), """[{"index":0,"delta":{},"finish_reason":"stop"}]"""];
        string stream = WithDone(ids.Select((id, i) => WithId(id, choices[i])).ToArray());
        string full = WithDone(ids.Select((id, i) => SpacedWithId(i, id, choices[i])).ToArray());

        Assert.Equal(AssembleJson(full), AssembleJson(stream));
        Assert.Equal(ReadUpdates(full).Select(u => u.Kind + u.GetText()), ReadUpdates(stream).Select(u => u.Kind + u.GetText()));
        using ChatCompletionResult result = Assemble(stream);
        Assert.Equal("abc", result.Choices[0].Content);
        Assert.Equal(first == "\"\"" ? "second" : System.Text.Json.JsonSerializer.Deserialize<string>(first), result.Id);
    }

    [Theory]
    [InlineData("\"b\tq\"")]          // a raw control character
    [InlineData("\"b")]                 // a string that does not close before the next member's name
    public void AnIdThatIsNotValidJsonIsAFormatErrorEvenWhereTheEnvelopeRepeats(string second)
    {
        string stream = WithDone(WithId("\"a\"", Content("a")), WithId(second, Content("b")), WithId("\"c\"", Content("c")));
        ChatStreamFormatException e = AssembleMalformed(stream);

        Assert.Equal(2, e.EventNumber);
        Assert.Equal("a", e.PartialResult!.Choices[0].Content);
    }

    private static List<ChatUpdateKind> ReadKinds(string stream) => ReadUpdates(stream).Select(u => u.Kind).ToList();

    // Text is read while each update is current, so it is copied out inside the loop.
    private static List<ChatUpdate> ReadUpdates(string stream)
    {
        var updates = new List<ChatUpdate>();
        Task.Run(async () =>
        {
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(new System.IO.MemoryStream(Encoding.UTF8.GetBytes(stream))))
            {
                updates.Add(update.Detach());
            }
        }).GetAwaiter().GetResult();
        return updates;
    }
}

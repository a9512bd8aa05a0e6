using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StreamCore.Extensions.AI.Tests.TestSupport;

namespace StreamCore.Extensions.AI.Tests;

/// <summary>
/// Every corpus stream through the official MEAI path (OpenAI's <c>AsIChatClient()</c> for chat
/// completions and Responses, Anthropic's for Messages; Aitronos has none) and through StreamCore's,
/// side by side: stream by stream, the test pins where the official <see cref="ChatResponse"/>
/// differs from StreamCore's, with both values, or the exception the official path threw. Everywhere
/// else the two agree on every aspect <see cref="ResponseFacts"/> reads. StreamCore's values are the
/// ones the contracts call right (its own suite checks its results against them rule by rule; the
/// last test here checks the MEAI mapping against each result's own non-streaming JSON).
/// </summary>
public class OfficialPathComparisonTests
{
    /// <summary>
    /// What the official path got wrong, stream by stream: each aspect as (what it gave, what
    /// StreamCore gives), with why; or the exception it threw. A stream not listed: the same answer.
    /// </summary>
    internal static readonly Dictionary<string, Verdict> OfficialWrong = new()
    {
        ["corpus/copilot-bing-search-function-call-1.sse"] = Differs(
            "a second completion spliced in (new id) splits the message; the legacy function_call is dropped; its finish reason is the first completion's",
            ("messages", "2", "1"),
            ("toolCalls", "[]", "[bing-search({\"query\":\"current LTS version of Node.js\"})]"),
            ("finish", "tool_calls", "stop"),
            ("id", "chatcmpl-9X3aRdsbP7uuiG9OUVdrm0eYD66rp", "chatcmpl-9X3aOY9DtjweQLHsmnLgzQYg36KpW")),
        ["corpus/copilot-claude-proxy-multi-tool-1.sse"] = Differs(
            "two tool calls on index 0 (new id) merged into one; 9 messages for one answer (ids change)",
            ("messages", "9", "1"),
            ("toolCalls", "[edit_file(unparsed (JsonException))]", "[edit_file(unparsed (JsonException)), edit_file(unparsed (JsonException))]")),
        ["corpus/copilot-legacy-function-call-1.sse"] = Differs(
            "the legacy function_call is dropped",
            ("toolCalls", "[]", "[get_current_weather({\"location\":\"Z\"})]")),
        ["corpus/groq-compound-executed-tools-1.sse"] = Differs(
            "226 messages for one answer (a new id per chunk), reasoning lost (`reasoning` is not read)",
            ("messages", "226", "1"),
            ("reasoning", "(none)", "6256 chars \"<think>\\nTo find the…) and high humidity.\""),
            ("id", "stub", "chatcmpl-03ea1ed2-c2dc-4f8d-ba51-54e08ca9287c")),
        ["corpus/groq-gptoss-tool-use-failed-error-event-1.sse"] = Differs(
            "reasoning lost; the provider's error event dropped silently",
            ("reasoning", "(none)", "412 chars \"We need to call the …est\". Let's do that.\""),
            ("error", "(none)", "225 chars \"tool_use_failed: Too…_param' not allowed]\"")),
        ["corpus/groq-reasoning-1.sse"] = Differs(
            "reasoning lost",
            ("reasoning", "(none)", "2952 chars \"Okay, let me try to …awberry\" is three.\\n\"")),
        ["corpus/mistral-magistral-thinking-1.sse"] = Throws(
            "an exception on Mistral's `thinking` content parts",
            nameof(ArgumentOutOfRangeException)),
        ["corpus/openai-n3-choices-1.sse"] = Differs(
            "three choices interleaved into one text",
            ("text", "159 chars \"{\"{\"{\"citycitycity\":…ts\":\"\":\"\":\"fff\"}\"}\"}\"", "53 chars \"{\"city\":\"San Francis…ure\":65,\"units\":\"f\"}\"")),
        ["corpus/openai-refusal-1.sse"] = Differs(
            "the refusal dropped silently",
            ("refusal", "(none)", "\"I'm sorry, I can't assist with that request.\"")),
        ["corpus/openai-refusal-logprobs-1.sse"] = Differs(
            "the refusal dropped silently",
            ("refusal", "(none)", "\"I'm very sorry, but I can't assist with that.\"")),
        ["corpus/openrouter-claude-reasoning-details-1.sse"] = Differs(
            "reasoning lost",
            ("reasoning", "(none)", "51 chars \"This is a simple ari…stion. 2+2 equals 4.\"")),
        ["corpus/openrouter-minimax-error-midstream-1.sse"] = Differs(
            "reasoning lost; the mid-stream provider error dropped silently, so the response looks finished",
            ("reasoning", "(none)", "\"We need to respond to a greeting. The user\""),
            ("error", "(none)", "\"400: Token limit reached\""),
            ("finish", "length", "none")),
        ["corpus/perplexity-citations-1.sse"] = Differs(
            "usage summed over the chunks (Perplexity repeats cumulative usage)",
            ("usage", "in 80, out 1020, total 1100, cached -, reasoning -", "in 10, out 336, total 346, cached -, reasoning -")),
        ["corpus/xai-grok-reasoning-tool-call-1.sse"] = Differs(
            "output tokens without the reasoning tokens xAI leaves out of completion_tokens (its total counts them)",
            ("usage", "in 307, out 26, total 560, cached 306, reasoning 227", "in 307, out 253, total 560, cached 306, reasoning 227")),
        ["corpus-typed/openai-responses/openai-image-generation-1.sse"] = Throws(
            "an exception on the image (the fixture's base64 is cut short; StreamCore carries it verbatim)",
            nameof(FormatException)),
        ["corpus-typed/anthropic/compaction-1.sse"] = Throws(
            "an exception on a usage member it requires (`web_fetch_requests`)",
            "AnthropicInvalidDataException"),
        ["corpus-typed/anthropic/fallback-block-1.sse"] = Differs(
            "the model that answered is the fallback's, not the one requested",
            ("model", "claude-fable-5", "claude-opus-4-8")),
        ["corpus-typed/anthropic/refusal-no-blocks-1.sse"] = Differs(
            "the refusal's explanation dropped",
            ("refusal", "(none)", "110 chars \"This request trigger…opic's Usage Policy.\"")),
        ["corpus-typed/anthropic/tool-no-args-1.sse"] = Differs(
            "a tool without arguments gets none (not `{}`)",
            ("toolCalls", "[updateIssueList(unparsed (no arguments))]", "[updateIssueList({})]")),
    };

    public static TheoryData<string> Streams() => Corpus.Theory();

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task OfficialPathDiffersExactlyWherePinned(string stream)
    {
        byte[] bytes = Corpus.Read(stream);
        (Dictionary<string, string> ours, StreamProtocol protocol) = await StreamCoreFactsAsync(bytes);
        IChatClient? client = OfficialPaths.ClientFor(protocol, bytes);
        Assert.NotNull(client); // every corpus stream is chat, Responses or Anthropic: each has an official path
        (ChatResponse? official, Exception? error) = await OfficialPaths.RunAsync(client);
        Verdict? expected = OfficialWrong.GetValueOrDefault(stream);
        if (expected?.Exception is string exception)
        {
            Assert.Equal(exception, error?.GetType().Name);
            return;
        }

        Assert.Null(error);
        Dictionary<string, string> theirs = ResponseFacts.Of(official!);
        var differences = ResponseFacts.Aspects.Where(aspect => ours[aspect] != theirs[aspect]).Select(aspect => (aspect, theirs[aspect], ours[aspect])).ToList();
        Assert.Equal(expected?.Differences ?? [], differences);
    }

    [Fact]
    public void TheOfficialPathGetsNineteenOfTheSixtyOneStreamsWrong()
    {
        // 14 of the 39 chat streams, 1 of the 11 Responses ones, 4 of the 11 Anthropic ones.
        Assert.Equal(61, Corpus.Names.Count);
        Assert.Equal(14, OfficialWrong.Keys.Count(Corpus.IsChat));
        Assert.Equal(19, OfficialWrong.Count);
        Assert.All(OfficialWrong.Keys, name => Assert.Contains(name, Corpus.Names));
    }

    /// <summary>The README's side-by-side table names exactly the streams the official paths get wrong here.</summary>
    [Fact]
    public void TheReadmesSideBySideTableNamesExactlyTheStreamsPinnedHere()
    {
        string[] readme = File.ReadAllLines(Path.Combine(Corpus.Root, "README.md"));
        int header = Array.FindIndex(readme, l => l.StartsWith("| stream | the official MEAI path |", StringComparison.Ordinal));
        Assert.True(header > 0, "the README has the side-by-side table");
        var named = new HashSet<string>();
        for (int i = header + 2; i < readme.Length && readme[i].StartsWith('|'); i++)
        {
            string firstCell = readme[i].Split('|')[1];
            foreach (System.Text.RegularExpressions.Match name in System.Text.RegularExpressions.Regex.Matches(firstCell, "`([^`]+)`"))
            {
                named.Add(name.Groups[1].Value);
            }
        }

        Assert.Equal(OfficialWrong.Keys.Select(k => Path.GetFileNameWithoutExtension(k)).Order(), named.Order());
    }

    /// <summary>The side-by-side table with every difference, written beside the test assembly (<c>side-by-side.md</c>) for the README's table.</summary>
    [Fact]
    public void SideBySideTableNamesEveryStream()
    {
        var table = new StringBuilder();
        table.AppendLine("| stream | what the official MEAI path got wrong | StreamCore.Extensions.AI |");
        table.AppendLine("|---|---|---|");
        foreach ((string stream, Verdict verdict) in OfficialWrong.OrderBy(p => Corpus.Names.ToList().IndexOf(p.Key)))
        {
            string theirs = verdict.Exception is string e ? $"throws `{e}`: {verdict.Why}" : $"{verdict.Why}: " + string.Join("; ", verdict.Differences.Select(d => $"{d.Aspect} {Cell(d.Official)}"));
            string ours = verdict.Exception is not null ? "the response" : string.Join("; ", verdict.Differences.Select(d => $"{d.Aspect} {Cell(d.StreamCore)}"));
            table.AppendLine($"| `{Path.GetFileName(stream)}` | {theirs} | {ours} |");
        }

        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "side-by-side.md"), table.ToString());
        Assert.Equal(OfficialWrong.Count + 2, table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal);
    }

    internal static async Task<(Dictionary<string, string> Facts, StreamProtocol Protocol)> StreamCoreFactsAsync(byte[] bytes)
    {
        using StreamResult result = await ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(bytes)));
        return (ResponseFacts.Of(result.ToChatResponse()), result.Protocol);
    }

    private static Verdict Differs(string why, params (string Aspect, string Official, string StreamCore)[] differences) => new(why, differences, null);

    private static Verdict Throws(string why, string exception) => new(why, [], exception);

    internal sealed record Verdict(string Why, (string Aspect, string Official, string StreamCore)[] Differences, string? Exception);
}

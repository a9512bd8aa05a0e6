using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace StreamCore.Benchmarks;

/// <summary>One benchmark input: one or more complete SSE response bodies and what they should assemble to.</summary>
public sealed class Workload
{
    internal Workload(string name, string description, IReadOnlyList<byte[]> streams, IReadOnlyList<string> streamNames, IReadOnlyList<AssembledResult>? expected, IReadOnlyList<string>? contentInStreamOrder)
        : this(name, StreamProtocol.ChatCompletions, description, streams, streamNames, expected, contentInStreamOrder, typedExpected: null)
    {
    }

    /// <summary>A workload of a typed protocol (Responses, Anthropic Messages), with its ground truth when generated.</summary>
    internal Workload(string name, StreamProtocol protocol, string description, IReadOnlyList<byte[]> streams, IReadOnlyList<string> streamNames, IReadOnlyList<TypedResult>? typedExpected)
        : this(name, protocol, description, streams, streamNames, expected: null, contentInStreamOrder: null, typedExpected)
    {
    }

    private Workload(string name, StreamProtocol protocol, string description, IReadOnlyList<byte[]> streams, IReadOnlyList<string> streamNames, IReadOnlyList<AssembledResult>? expected, IReadOnlyList<string>? contentInStreamOrder, IReadOnlyList<TypedResult>? typedExpected)
    {
        Name = name;
        Protocol = protocol;
        TypedExpected = typedExpected;
        Description = description;
        Streams = streams;
        StreamNames = streamNames;
        Expected = expected;
        ContentInStreamOrder = contentInStreamOrder;
        TotalBytes = streams.Sum(s => (long)s.Length);
        EventCount = streams.Sum(EventCounter.Count);
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>The wire protocol of every stream of the workload (chat completions for the chat workloads).</summary>
    public StreamProtocol Protocol { get; }

    /// <summary>Whether the workload is of a typed protocol (Responses, Anthropic Messages) rather than chat completions.</summary>
    public bool IsTyped => Protocol != StreamProtocol.ChatCompletions;

    /// <summary>The response bodies, each processed on its own (a generated workload has exactly one).</summary>
    public IReadOnlyList<byte[]> Streams { get; }

    public IReadOnlyList<string> StreamNames { get; }

    /// <summary>Sum of the stream lengths in bytes.</summary>
    public long TotalBytes { get; }

    /// <summary>Number of dispatched SSE events over all streams, <c>[DONE]</c> included (comments excluded).</summary>
    public int EventCount { get; }

    /// <summary>
    /// Ground truth per stream: for generated workloads, the strings the generator streamed; for the
    /// corpus, null (the self-check derives a reference with <see cref="ReferenceReader"/>).
    /// </summary>
    public IReadOnlyList<AssembledResult>? Expected { get; }

    /// <summary>All content fragments of a stream concatenated in arrival order, across choices (what a reader that ignores the choice index sees).</summary>
    public IReadOnlyList<string>? ContentInStreamOrder { get; }

    /// <summary>
    /// Ground truth per stream of a generated typed workload (the text, reasoning and tool calls the
    /// generator streamed); null for chat workloads and for the typed corpora (the self-check derives
    /// a reference with <see cref="TypedReferenceReader"/>).
    /// </summary>
    public IReadOnlyList<TypedResult>? TypedExpected { get; }
}

/// <summary>Deterministic generators for the synthetic workloads, and the corpus loader.</summary>
public static class Workloads
{
    public const string Content4K = "content-4k";
    public const string Tools3x8KB = "tools-3x8KB";
    public const string N4Logprobs = "n4-logprobs";
    public const string Corpus = "corpus";

    /// <summary>The command line's whole-process workloads (<see cref="CliProcessBenchmark"/>): not in <see cref="Names"/>, never run by BenchmarkDotNet.</summary>
    public const string CliContent = "cli-content-200k";

    /// <inheritdoc cref="CliContent"/>
    public const string CliTools = "cli-tools-3x256KB";

    private static readonly ConcurrentDictionary<string, Lazy<Workload>> Cache = new(StringComparer.Ordinal);

    /// <summary>The chat-completion workloads, in report order.</summary>
    public static IReadOnlyList<string> ChatNames { get; } = [Content4K, Tools3x8KB, N4Logprobs, Corpus];

    /// <summary>The OpenAI Responses workloads (<see cref="TypedWorkloads"/>), in report order.</summary>
    public static IReadOnlyList<string> ResponsesNames { get; } = [TypedWorkloads.ResponsesText, TypedWorkloads.ResponsesFunctionCall, TypedWorkloads.ResponsesReasoning, TypedWorkloads.ResponsesCorpus];

    /// <summary>The Anthropic Messages workloads (<see cref="TypedWorkloads"/>), in report order.</summary>
    public static IReadOnlyList<string> AnthropicNames { get; } = [TypedWorkloads.AnthropicText, TypedWorkloads.AnthropicToolUse, TypedWorkloads.AnthropicThinking, TypedWorkloads.AnthropicCorpus];

    /// <summary>Every typed-protocol workload, in report order.</summary>
    public static IReadOnlyList<string> TypedNames { get; } = [.. ResponsesNames, .. AnthropicNames];

    /// <summary>The workload names, in report order: chat first, then the typed protocols.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ChatNames, .. TypedNames];

    /// <summary>The protocol of a workload, known from its name without loading it.</summary>
    public static StreamProtocol ProtocolOf(string name) =>
        ResponsesNames.Contains(name) ? StreamProtocol.Responses
        : AnthropicNames.Contains(name) ? StreamProtocol.AnthropicMessages
        : StreamProtocol.ChatCompletions;

    public static Workload Get(string name) =>
        Cache.GetOrAdd(name, n => new Lazy<Workload>(() => Create(n))).Value;

    private static Workload Create(string name) => name switch
    {
        Content4K => GenerateContent(Content4K, seed: 4001, chunks: 4000),
        Tools3x8KB => GenerateTools(Tools3x8KB, seed: 3008, calls: 3, argumentBytes: 8 * 1024),
        CliContent => GenerateContent(CliContent, seed: 200_001, chunks: 200_000),
        CliTools => GenerateTools(CliTools, seed: 3256, calls: 3, argumentBytes: 256 * 1024),
        N4Logprobs => GenerateLogprobs(seed: 4100, choices: 4, chunksPerChoice: 1000),
        Corpus => LoadCorpus(),
        _ when TypedNames.Contains(name) => TypedWorkloads.Create(name),
        _ => throw new ArgumentException($"Unknown workload '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
    };

    // ---- content-4k -------------------------------------------------------------------------

    private static readonly string[] PlainWords =
    [
        "the", "stream", "of", "tokens", "arrives", "one", "word", "at", "a", "time", "and", "each", "chunk",
        "carries", "its", "own", "envelope", "so", "parser", "must", "be", "fast", "model", "answer", "with",
        "JSON", "response", "server", "client", "buffer", "latency", "throughput", "is", "what", "we", "measure",
        "here", "in", "this", "benchmark", "for", "every", "byte", "that", "comes", "over", "wire", "it", "to",
    ];

    // Words that exercise JSON escapes and multi-byte UTF-8 (\" \\ \n \t, é, 日本, an astral emoji).
    private static readonly string[] SpecialWords =
    [
        "\"quoted\"", "line\n", "café", "naïve", "日本", "日本語", "tab\tstop", "back\\slash", "Zürich", "😀", "\n\n", "résumé",
    ];

    private static Workload GenerateContent(string name, int seed, int chunks)
    {
        var random = new Random(seed);
        var chunk = new ChunkWriter(random);
        var content = new StringBuilder();
        chunk.Role(0, contentNull: false);
        for (int i = 0; i < chunks; i++)
        {
            string word = NextWord(random, i == 0);
            content.Append(word);
            chunk.Content(0, word, escapeNonAscii: random.Next(3) == 0);
        }

        chunk.Finish(0, "stop");
        int completionTokens = chunks;
        chunk.Usage(promptTokens: 42, completionTokens);
        chunk.Done();

        var expected = new AssembledResult
        {
            Choices = { [0] = new ChoiceResult { Content = content.ToString(), FinishReason = "stop" } },
            TotalTokens = 42 + completionTokens,
        };
        return Generated(name, $"1 choice, {chunks:N0} one-word content chunks (JSON escapes, non-ASCII UTF-8)", chunk, expected, content.ToString());
    }

    private static string NextWord(Random random, bool first)
    {
        string word = random.Next(10) == 0 ? SpecialWords[random.Next(SpecialWords.Length)] : PlainWords[random.Next(PlainWords.Length)];
        return first ? word : " " + word;
    }

    // ---- tools-3x8KB ------------------------------------------------------------------------

    private static Workload GenerateTools(string name, int seed, int calls, int argumentBytes)
    {
        var random = new Random(seed);
        var chunk = new ChunkWriter(random);
        string[] names = ["get_forecast", "search_flights", "lookup_inventory"];
        var arguments = new string[calls];
        var ids = new string[calls];
        var positions = new int[calls];
        var started = new bool[calls];
        for (int c = 0; c < calls; c++)
        {
            arguments[c] = ToolArguments(random, argumentBytes);
            ids[c] = "call_" + RandomToken(random, 24);
        }

        chunk.Role(0, contentNull: true);
        var remaining = Enumerable.Range(0, calls).ToList();
        while (remaining.Count > 0)
        {
            int call = remaining[random.Next(remaining.Count)];
            if (!started[call])
            {
                started[call] = true;
                chunk.ToolCallStart(0, call, ids[call], names[call % names.Length]);
                continue;
            }

            int length = Math.Min(random.Next(3, 7), arguments[call].Length - positions[call]);
            chunk.ToolCallArguments(0, call, arguments[call].Substring(positions[call], length));
            positions[call] += length;
            if (positions[call] == arguments[call].Length)
            {
                remaining.Remove(call);
            }
        }

        chunk.Finish(0, "tool_calls");
        chunk.Usage(promptTokens: 310, completionTokens: 7000);
        chunk.Done();

        var choice = new ChoiceResult { FinishReason = "tool_calls" };
        for (int c = 0; c < calls; c++)
        {
            choice.ToolCalls.Add(new ToolCallResult { Index = c, Id = ids[c], Name = names[c % names.Length], Arguments = arguments[c] });
        }

        var expected = new AssembledResult { Choices = { [0] = choice }, TotalTokens = 7310 };
        return Generated(name, $"{calls} parallel tool calls, ~{argumentBytes / 1024} KB JSON arguments each, 3-6 char fragments interleaved", chunk, expected, string.Empty);
    }

    /// <summary>Weather-forecast JSON arguments of about <paramref name="targetLength"/> characters (escapes and non-ASCII included).</summary>
    internal static string ToolArguments(Random random, int targetLength)
    {
        string[] cities = ["Zürich, CH", "São Paulo, BR", "Kraków, PL", "Paris, FR", "Tokyo, JP", "Reykjavík, IS"];
        string[] summaries = ["sunny", "light rain", "\"scattered\" showers", "fog, then clear", "snow \\ sleet", "windy"];
        var sb = new StringBuilder();
        sb.Append("{\"location\":\"").Append(cities[random.Next(cities.Length)]).Append("\",\"unit\":\"celsius\",\"days\":[");
        var date = new DateTime(2024, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int day = 0; sb.Length < targetLength - 200; day++)
        {
            if (day > 0)
            {
                sb.Append(',');
            }

            sb.Append("{\"date\":\"").Append(date.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                .Append("\",\"high\":").Append(Number(random, 5, 30))
                .Append(",\"low\":").Append(Number(random, -5, 10))
                .Append(",\"summary\":\"").Append(summaries[random.Next(summaries.Length)].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal))
                .Append("\",\"precipitation\":[");
            for (int h = 0; h < 8; h++)
            {
                sb.Append(h == 0 ? "" : ",").Append(random.Next(0, 100).ToString(CultureInfo.InvariantCulture));
            }

            sb.Append("],\"alert\":").Append(random.Next(5) == 0 ? "true" : "false").Append('}');
        }

        sb.Append("]}");
        return sb.ToString();
    }

    private static string Number(Random random, int min, int max) =>
        Math.Round(min + (random.NextDouble() * (max - min)), 1).ToString("0.0", CultureInfo.InvariantCulture);

    // ---- n4-logprobs ------------------------------------------------------------------------

    private static Workload GenerateLogprobs(int seed, int choices, int chunksPerChoice)
    {
        var random = new Random(seed);
        var chunk = new ChunkWriter(random);
        var contents = Enumerable.Range(0, choices).Select(_ => new StringBuilder()).ToArray();
        var inOrder = new StringBuilder();
        for (int c = 0; c < choices; c++)
        {
            chunk.Role(c, contentNull: false, emptyLogprobs: true);
        }

        var sent = new int[choices];
        var remaining = Enumerable.Range(0, choices).ToList();
        while (remaining.Count > 0)
        {
            // Mostly round-robin like the real API, with some jitter.
            int c = remaining[random.Next(remaining.Count)];
            string token = NextWord(random, sent[c] == 0);
            contents[c].Append(token);
            inOrder.Append(token);
            chunk.ContentWithLogprobs(c, token, TopAlternatives(random, token));
            if (++sent[c] == chunksPerChoice)
            {
                remaining.Remove(c);
            }
        }

        for (int c = 0; c < choices; c++)
        {
            chunk.Finish(c, "stop");
        }

        chunk.Usage(promptTokens: 25, completionTokens: choices * chunksPerChoice);
        chunk.Done();

        var expected = new AssembledResult { TotalTokens = 25 + (choices * chunksPerChoice) };
        for (int c = 0; c < choices; c++)
        {
            expected.Choices[c] = new ChoiceResult { Content = contents[c].ToString(), FinishReason = "stop", LogprobCount = chunksPerChoice };
        }

        return Generated(N4Logprobs, $"{choices} interleaved choices x {chunksPerChoice:N0} chunks, logprobs with 3 top_logprobs", chunk, expected, inOrder.ToString());
    }

    private static string[] TopAlternatives(Random random, string token)
    {
        var top = new string[3];
        top[0] = token;
        for (int i = 1; i < top.Length; i++)
        {
            top[i] = " " + PlainWords[random.Next(PlainWords.Length)];
        }

        return top;
    }

    // ---- corpus -----------------------------------------------------------------------------

    /// <summary>The shared corpus directory: <c>../shared/corpus</c> next to the directory holding StreamCore.sln.</summary>
    public static string FindCorpusDirectory() => FindSharedDirectory("corpus", "STREAMCORE_CORPUS");

    /// <summary>The typed-protocol recordings: <c>../shared/corpus-typed</c> next to the directory holding StreamCore.sln.</summary>
    public static string FindTypedCorpusDirectory() => FindSharedDirectory("corpus-typed", "STREAMCORE_CORPUS_TYPED");

    private static string FindSharedDirectory(string folder, string environmentVariable)
    {
        string? overridePath = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrEmpty(overridePath))
        {
            return overridePath;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StreamCore.sln")))
            {
                string corpus = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", folder));
                if (Directory.Exists(corpus))
                {
                    return corpus;
                }

                throw new DirectoryNotFoundException($"Found {dir.FullName}/StreamCore.sln but no corpus at {corpus}.");
            }
        }

        throw new DirectoryNotFoundException($"No StreamCore.sln above {AppContext.BaseDirectory}; set {environmentVariable} to the ../shared/{folder} directory.");
    }

    private static Workload LoadCorpus()
    {
        string dir = FindCorpusDirectory();
        string[] files = Directory.GetFiles(dir, "*.sse");
        Array.Sort(files, StringComparer.Ordinal);
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"No *.sse files in {dir}.");
        }

        return new Workload(
            Corpus,
            $"{files.Length} real recorded streams from ../shared/corpus, each processed on its own",
            files.Select(File.ReadAllBytes).ToArray(),
            files.Select(Path.GetFileName).Select(n => n!).ToArray(),
            expected: null,
            contentInStreamOrder: null);
    }

    // ---- shared -----------------------------------------------------------------------------

    private static Workload Generated(string name, string description, ChunkWriter chunk, AssembledResult expected, string contentInStreamOrder) =>
        new(name, description, [chunk.ToBytes()], [name + ".sse"], [expected], [contentInStreamOrder]);

    internal static string RandomToken(Random random, int length)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var chars = new char[length];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>Writes gpt-4o-shaped chunk events: <c>data: {envelope, choices, "usage":null}\n\n</c>.</summary>
    private sealed class ChunkWriter
    {
        private readonly StringBuilder _body = new();
        private readonly Random _random;
        private readonly string _prefix;

        public ChunkWriter(Random random)
        {
            _random = random;
            string id = "chatcmpl-" + RandomToken(random, 29);
            string fingerprint = "fp_" + RandomToken(random, 10).ToLowerInvariant();
            _prefix = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\",\"system_fingerprint\":\"" + fingerprint + "\",\"choices\":[";
        }

        public void Role(int index, bool contentNull, bool emptyLogprobs = false) =>
            Choice(index, "{\"role\":\"assistant\",\"content\":" + (contentNull ? "null" : "\"\"") + ",\"refusal\":null}", emptyLogprobs ? "{\"content\":[],\"refusal\":null}" : "null", null);

        public void Content(int index, string text, bool escapeNonAscii) =>
            Choice(index, "{\"content\":" + Json(text, escapeNonAscii) + "}", "null", null);

        public void ContentWithLogprobs(int index, string token, string[] top)
        {
            var lp = new StringBuilder("{\"content\":[");
            AppendTokenLogprob(lp, token, Logprob(-0.6));
            lp.Length--; // reopen the entry to add top_logprobs
            lp.Append(",\"top_logprobs\":[");
            for (int i = 0; i < top.Length; i++)
            {
                if (i > 0)
                {
                    lp.Append(',');
                }

                AppendTokenLogprob(lp, top[i], Logprob(i == 0 ? -0.6 : -6));
            }

            lp.Append("]}],\"refusal\":null}");
            Choice(index, "{\"content\":" + Json(token, escapeNonAscii: false) + "}", lp.ToString(), null);
        }

        public void ToolCallStart(int index, int call, string id, string name) =>
            Choice(index, "{\"tool_calls\":[{\"index\":" + Int(call) + ",\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":\"\"}}]}", "null", null);

        public void ToolCallArguments(int index, int call, string fragment) =>
            Choice(index, "{\"tool_calls\":[{\"index\":" + Int(call) + ",\"function\":{\"arguments\":" + Json(fragment, escapeNonAscii: false) + "}}]}", "null", null);

        public void Finish(int index, string reason) => Choice(index, "{}", "null", reason);

        public void Usage(int promptTokens, int completionTokens) =>
            Event(_prefix + "],\"usage\":{\"prompt_tokens\":" + Int(promptTokens) + ",\"completion_tokens\":" + Int(completionTokens) + ",\"total_tokens\":" + Int(promptTokens + completionTokens)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}");

        public void Done() => Event("[DONE]");

        public byte[] ToBytes() => Encoding.UTF8.GetBytes(_body.ToString());

        private void Choice(int index, string delta, string logprobs, string? finishReason) =>
            Event(_prefix + "{\"index\":" + Int(index) + ",\"delta\":" + delta + ",\"logprobs\":" + logprobs + ",\"finish_reason\":" + (finishReason is null ? "null" : "\"" + finishReason + "\"") + "}],\"usage\":null}");

        private void Event(string data) => _body.Append("data: ").Append(data).Append("\n\n");

        private string Logprob(double scale) =>
            Math.Round(scale * _random.NextDouble(), 8).ToString("R", CultureInfo.InvariantCulture);

        private static void AppendTokenLogprob(StringBuilder sb, string token, string logprob)
        {
            sb.Append("{\"token\":").Append(Json(token, escapeNonAscii: false)).Append(",\"logprob\":").Append(logprob).Append(",\"bytes\":[");
            byte[] bytes = Encoding.UTF8.GetBytes(token);
            for (int i = 0; i < bytes.Length; i++)
            {
                sb.Append(i == 0 ? "" : ",").Append(Int(bytes[i]));
            }

            sb.Append("]}");
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Json(string value, bool escapeNonAscii)
        {
            var sb = new StringBuilder(value.Length + 2);
            sb.Append('"');
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20 || (escapeNonAscii && c > 0x7E))
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            return sb.Append('"').ToString();
        }
    }
}

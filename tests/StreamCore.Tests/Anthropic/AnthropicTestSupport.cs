using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Anthropic;
using StreamCore.Tests.TestSupport;

namespace StreamCore.Tests.Anthropic;

/// <summary>Builds Anthropic event streams for the tests, runs the general entry points over them, and finds the recorded streams.</summary>
internal static class AnthropicTestSupport
{
    private static readonly Lazy<string> CorpusLocation = new(FindCorpus);

    public static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static StreamOptions AnthropicOptions { get; } = new() { Protocol = StreamProtocol.AnthropicMessages };

    /// <summary>One event with an <c>event:</c> line naming its data's type (LF line ends).</summary>
    public static string Event(string data)
    {
        string type = JsonNode.Parse(data)?["type"]?.GetValue<string>() ?? "message";
        return $"event: {type}\ndata: {data}\n\n";
    }

    /// <summary>Events with <c>event:</c> lines, as the API sends them.</summary>
    public static string Events(params string[] data) => string.Concat(data.Select(Event));

    /// <summary>Events without <c>event:</c> lines, as a proxy re-frames them.</summary>
    public static string DataOnly(params string[] data) => string.Concat(data.Select(d => $"data: {d}\n\n"));

    public const string Start = """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}""";

    public const string Stop = """{"type":"message_stop"}""";

    public static string BlockStart(int index, string block) => $$"""{"type":"content_block_start","index":{{index}},"content_block":{{block}}}""";

    public static string Delta(int index, string delta) => $$"""{"type":"content_block_delta","index":{{index}},"delta":{{delta}}}""";

    public static string TextDelta(int index, string jsonString) => Delta(index, $$"""{"type":"text_delta","text":{{jsonString}}}""");

    public static string InputDelta(int index, string jsonString) => Delta(index, $$"""{"type":"input_json_delta","partial_json":{{jsonString}}}""");

    public static string BlockStop(int index) => $$"""{"type":"content_block_stop","index":{{index}}}""";

    public static string MessageDelta(string delta, string usage) => $$"""{"type":"message_delta","delta":{{delta}},"usage":{{usage}}}""";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Assembles in-memory input through <see cref="ModelStream"/>; the reads complete synchronously.</summary>
    public static AnthropicMessageResult Assemble(byte[] input, StreamOptions? options = null)
    {
        ValueTask<StreamResult> pending = ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)), options);
        return Assert.IsType<AnthropicMessageResult>(pending.AsTask().GetAwaiter().GetResult());
    }

    public static AnthropicMessageResult Assemble(string input, StreamOptions? options = null) => Assemble(Utf8(input), options);

    /// <summary>The assembled message parsed as a node, for member-level assertions.</summary>
    public static JsonObject AssembleNode(string input, StreamOptions? options = null)
    {
        using AnthropicMessageResult result = Assemble(input, options);
        return (JsonObject)JsonNode.Parse(result.ToJson())!;
    }

    /// <summary>Expects malformed input; returns the exception, whose partial result the caller disposes.</summary>
    public static StreamFormatException AssembleMalformed(string input, StreamOptions? options = null)
        => Assert.ThrowsAny<StreamFormatException>(() => Assemble(input, options));

    /// <summary>How a stream ended and its JSON, or where it was malformed and the partial JSON: one string to compare.</summary>
    public static string Outcome(byte[] input, StreamOptions? options = null)
    {
        try
        {
            using AnthropicMessageResult result = Assemble(input, options);
            return $"{result.Status}|{result.ToJson()}";
        }
        catch (StreamFormatException e)
        {
            using StreamResult partial = e.PartialResult;
            return $"malformed {e.EventNumber}@{e.ByteOffset}|{partial.ToJson()}";
        }
    }

    /// <summary>The same as <see cref="Outcome"/> through a real pipe, one read per part.</summary>
    public static async Task<string> OutcomeThroughPipeAsync(IReadOnlyList<byte[]> parts, StreamOptions? options = null)
    {
        await using PipeFeed feed = PipeFeed.Start(parts);
        try
        {
            using StreamResult result = await ModelStream.AssembleAsync(feed.Reader, options);
            return $"{result.Status}|{result.ToJson()}";
        }
        catch (StreamFormatException e)
        {
            using StreamResult partial = e.PartialResult;
            return $"malformed {e.EventNumber}@{e.ByteOffset}|{partial.ToJson()}";
        }
    }

    /// <summary>Every update of the input, detached (safe to keep), and the result (which the caller disposes).</summary>
    public static (List<StreamUpdate> Updates, AnthropicMessageResult Result) ReadUpdates(byte[] input, StreamOptions? options = null)
    {
        var updates = new List<StreamUpdate>();
        IAsyncEnumerator<StreamUpdate> enumerator = ModelStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)), options).GetAsyncEnumerator();
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                updates.Add(enumerator.Current.Detach());
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return (updates, Assert.IsType<AnthropicMessageResult>(updates[^1].Result));
    }

    public static (List<StreamUpdate> Updates, AnthropicMessageResult Result) ReadUpdates(string input, StreamOptions? options = null) => ReadUpdates(Utf8(input), options);

    /// <summary>JSON text re-written compactly (members in their order, numbers as written), so that white space inside verbatim values does not matter.</summary>
    public static string Normalize(string json) => JsonNode.Parse(json)!.ToJsonString(Compact);

    /// <summary>The recorded Anthropic streams: <c>&lt;root&gt;/../shared/corpus-typed/anthropic</c>.</summary>
    public static string CorpusDirectory => CorpusLocation.Value;

    public static IReadOnlyList<string> CorpusNames =>
        Directory.GetFiles(CorpusDirectory, "*.sse").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>A recording's bytes; the two SDK fixtures that end without the final blank line get it when <paramref name="completeSdkFixtures"/>.</summary>
    public static byte[] ReadCorpus(string name, bool completeSdkFixtures = false)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(CorpusDirectory, name));
        return completeSdkFixtures && IsCutSdkFixture(name) ? [.. bytes, .. "\n\n"u8] : bytes;
    }

    /// <summary>SOURCES.md: these end without the final blank line, so their message_stop is not dispatched.</summary>
    public static bool IsCutSdkFixture(string name) => name is "sdk-basic-text-1.sse" or "sdk-tool-use-1.sse";

    public static TheoryData<string> CorpusTheory()
    {
        var data = new TheoryData<string>();
        foreach (string name in CorpusNames)
        {
            data.Add(name);
        }

        return data;
    }

    private static string FindCorpus()
    {
        // Where CorpusFiles finds the chat corpus, the typed corpus lies beside it.
        string corpus = Path.GetFullPath(Path.Combine(CorpusFiles.Directory, "..", "corpus-typed", "anthropic"));
        if (!Directory.Exists(corpus) || !Directory.EnumerateFiles(corpus, "*.sse").Any())
        {
            throw new InvalidOperationException($"the typed corpus is missing: expected *.sse files in {corpus}");
        }

        return corpus;
    }
}

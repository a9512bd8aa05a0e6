using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Responses;
using StreamCore.Tests.TestSupport;

namespace StreamCore.Tests.Responses;

/// <summary>Builds Responses event streams for the tests and runs the general entry points over them.</summary>
internal static class ResponsesTestSupport
{
    /// <summary>The Responses recordings: <c>../shared/corpus-typed/openai-responses</c>.</summary>
    public static string CorpusDirectory
    {
        get
        {
            string directory = Path.GetFullPath(Path.Combine(CorpusFiles.Directory, "..", "corpus-typed", "openai-responses"));
            if (!Directory.Exists(directory) || !Directory.EnumerateFiles(directory, "*.sse").Any())
            {
                throw new InvalidOperationException($"the typed corpus is missing: expected *.sse files in {directory}");
            }

            return directory;
        }
    }

    public static IReadOnlyList<string> CorpusNames =>
        Directory.GetFiles(CorpusDirectory, "*.sse").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    public static byte[] ReadCorpus(string name) => File.ReadAllBytes(Path.Combine(CorpusDirectory, name));

    public static TheoryData<string> CorpusTheory()
    {
        var data = new TheoryData<string>();
        foreach (string name in CorpusNames)
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>One event per JSON text, named by an <c>event:</c> line with the data's <c>type</c> (as the API sends them).</summary>
    public static string Named(params string[] data)
        => string.Concat(data.Select(d => $"event: {(string?)JsonNode.Parse(d)!["type"]}\n{DataLines(d)}\n"));

    /// <summary>One <c>data:</c> event per JSON text, without event names (as a relay may re-frame them).</summary>
    public static string Unnamed(params string[] data) => string.Concat(data.Select(d => $"{DataLines(d)}\n"));

    /// <summary>The data's lines as <c>data:</c> lines (the event layer joins them with line feeds).</summary>
    private static string DataLines(string data) => string.Concat(data.Split('\n').Select(line => $"data: {line}\n"));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Assembles in-memory input through <see cref="ModelStream"/>; the read completes synchronously.</summary>
    public static ResponsesResult Assemble(byte[] input, StreamOptions? options = null)
    {
        ValueTask<StreamResult> pending = ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)), options);
        Assert.True(pending.IsCompleted, "in-memory input completes synchronously");
        return Assert.IsType<ResponsesResult>(pending.AsTask().GetAwaiter().GetResult());
    }

    public static ResponsesResult Assemble(string input, StreamOptions? options = null) => Assemble(Utf8(input), options);

    public static JsonObject AssembleNode(string input, StreamOptions? options = null)
    {
        using ResponsesResult result = Assemble(input, options);
        return (JsonObject)JsonNode.Parse(result.ToJson())!;
    }

    /// <summary>Expects malformed input; returns the exception (with its partial result).</summary>
    public static StreamFormatException AssembleMalformed(string input, StreamOptions? options = null)
        => Assert.Throws<StreamFormatException>(() => Assemble(input, options));

    /// <summary>The status and JSON of the assembled input, or where it was malformed and the partial JSON.</summary>
    public static string Outcome(byte[] input, StreamOptions? options = null)
    {
        try
        {
            using ResponsesResult result = Assemble(input, options);
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

    /// <summary>Every update of the input (detached, so they can be kept), and the result they carried.</summary>
    public static (List<StreamUpdate> Updates, ResponsesResult Result) Updates(byte[] input, StreamOptions? options = null)
    {
        var updates = new List<StreamUpdate>();
        IAsyncEnumerator<StreamUpdate> enumerator = ModelStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)), options).GetAsyncEnumerator();
        StreamResult? result = null;
        while (true)
        {
            ValueTask<bool> next = enumerator.MoveNextAsync();
            Assert.True(next.IsCompleted, "in-memory input completes synchronously");
            if (!next.AsTask().GetAwaiter().GetResult())
            {
                break;
            }

            updates.Add(enumerator.Current.Detach());
            result = enumerator.Current.Result;
        }

        enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (updates, Assert.IsType<ResponsesResult>(result));
    }

    public static (List<StreamUpdate> Updates, ResponsesResult Result) Updates(string input, StreamOptions? options = null) => Updates(Utf8(input), options);

    /// <summary>
    /// The text announced per (item, part) and kind: deltas joined, restarting at each replacement,
    /// as a consumer that follows <see cref="StreamUpdate.IsReplacement"/> would hold it.
    /// </summary>
    public static Dictionary<(StreamUpdateKind Kind, int Item, int Part), string> AnnouncedTexts(IEnumerable<StreamUpdate> updates)
    {
        var texts = new Dictionary<(StreamUpdateKind, int, int), string>();
        foreach (StreamUpdate update in updates)
        {
            if (update.Kind is StreamUpdateKind.ContentDelta or StreamUpdateKind.RefusalDelta or StreamUpdateKind.ReasoningDelta)
            {
                var key = (update.Kind, update.ItemIndex, update.PartIndex);
                string before = update.IsReplacement ? string.Empty : texts.GetValueOrDefault(key, string.Empty);
                texts[key] = before + update.GetText();
            }
        }

        return texts;
    }

    /// <summary>The arguments announced per item: fragments joined, restarting at each replacement.</summary>
    public static Dictionary<int, string> AnnouncedArguments(IEnumerable<StreamUpdate> updates)
    {
        var arguments = new Dictionary<int, string>();
        foreach (StreamUpdate update in updates)
        {
            if (update.Kind == StreamUpdateKind.ToolCallStarted)
            {
                arguments.TryAdd(update.ItemIndex, string.Empty);
            }
            else if (update.Kind == StreamUpdateKind.ToolCallArgumentsDelta)
            {
                string before = update.IsReplacement ? string.Empty : arguments.GetValueOrDefault(update.ItemIndex, string.Empty);
                arguments[update.ItemIndex] = before + update.GetText();
            }
        }

        return arguments;
    }
}

using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Tests.TestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>Builds event streams for the chat tests and runs the assembler over them.</summary>
internal static class ChatTestSupport
{
    /// <summary>One <c>data:</c> event per JSON text (LF line ends), nothing else.</summary>
    public static string Events(params string[] data) => string.Concat(data.Select(d => $"data: {d}\n\n"));

    /// <summary>The events followed by <c>data: [DONE]</c>.</summary>
    public static string WithDone(params string[] data) => Events(data) + "data: [DONE]\n\n";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Assembles in-memory input; the read completes synchronously, so this never blocks.</summary>
    public static ChatCompletionResult Assemble(byte[] input, ChatStreamOptions? options = null)
    {
        ValueTask<ChatCompletionResult> pending = ChatStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)), options);
        return pending.AsTask().GetAwaiter().GetResult();
    }

    public static ChatCompletionResult Assemble(string input, ChatStreamOptions? options = null) => Assemble(Utf8(input), options);

    /// <summary>The compact JSON of the assembled input.</summary>
    public static string AssembleJson(string input, ChatStreamOptions? options = null)
    {
        using ChatCompletionResult result = Assemble(input, options);
        return result.ToJson();
    }

    /// <summary>The assembled input parsed as a node, for member-level assertions.</summary>
    public static JsonObject AssembleNode(string input) => (JsonObject)JsonNode.Parse(AssembleJson(input))!;

    /// <summary>Expects malformed input; returns the exception (with its partial result).</summary>
    public static ChatStreamFormatException AssembleMalformed(string input, ChatStreamOptions? options = null)
        => Assert.Throws<ChatStreamFormatException>(() => Assemble(input, options));

    /// <summary>Feeds <paramref name="parts"/> through a real pipe, one read per part, and returns the result's JSON bytes (or the error's partial result, prefixed).</summary>
    public static async Task<string> AssembleThroughPipeAsync(IReadOnlyList<byte[]> parts, ChatStreamOptions? options = null)
    {
        await using PipeFeed feed = PipeFeed.Start(parts);
        try
        {
            using ChatCompletionResult result = await ChatStream.AssembleAsync(feed.Reader, options);
            return $"{result.Status}|{result.ToJson()}";
        }
        catch (ChatStreamFormatException e)
        {
            using ChatCompletionResult? partial = e.PartialResult;
            return $"malformed {e.EventNumber}@{e.ByteOffset}|{partial?.ToJson()}";
        }
    }

    /// <summary>The same as <see cref="AssembleThroughPipeAsync"/> for the whole input in one in-memory read.</summary>
    public static string AssembleOutcome(byte[] input, ChatStreamOptions? options = null)
    {
        try
        {
            using ChatCompletionResult result = Assemble(input, options);
            return $"{result.Status}|{result.ToJson()}";
        }
        catch (ChatStreamFormatException e)
        {
            using ChatCompletionResult? partial = e.PartialResult;
            return $"malformed {e.EventNumber}@{e.ByteOffset}|{partial?.ToJson()}";
        }
    }

    /// <summary>The shared corpus folder: <c>&lt;root&gt;/../shared/corpus</c>, root being the folder of StreamCore.sln.</summary>
    public static string Corpus => TestSupport.CorpusFiles.Directory;

    public static IEnumerable<string> CorpusFiles() => TestSupport.CorpusFiles.Names;

    public static byte[] ReadCorpus(string file) => TestSupport.CorpusFiles.Read(file);

    public static TheoryData<string> CorpusTheory()
    {
        var data = new TheoryData<string>();
        foreach (string file in CorpusFiles())
        {
            data.Add(file);
        }

        return data;
    }
}

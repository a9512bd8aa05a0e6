using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Aitronos;
using StreamCore.Tests.TestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>Frames Aitronos events as they arrive, and runs the general entry points over them.</summary>
internal static class AitronosTestSupport
{
    /// <summary>One event: an <c>event:</c> line when <paramref name="sseName"/> is given, one <c>data:</c> line, a blank line (LF line ends).</summary>
    public static string Frame(string? sseName, string data) => (sseName is null ? string.Empty : $"event: {sseName}\n") + $"data: {data}\n\n";

    /// <summary>Events of the generations that name themselves in the data: one <c>data:</c> frame each.</summary>
    public static string Data(params string[] data) => string.Concat(data.Select(d => Frame(null, d)));

    /// <summary>Events of the oldest generation: pairs of SSE event name and data.</summary>
    public static string Named(params (string Name, string Data)[] events) => string.Concat(events.Select(e => Frame(e.Name, e.Data)));

    public const string Done = "data: [DONE]\n\n";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Assembles in-memory input with protocol detection (or the given options); the read completes synchronously.</summary>
    public static AitronosResult Assemble(byte[] input, StreamOptions? options = null)
    {
        ValueTask<StreamResult> pending = ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)), options);
        Assert.True(pending.IsCompleted, "in-memory input completes synchronously");
        StreamResult result = pending.AsTask().GetAwaiter().GetResult();
        return Assert.IsType<AitronosResult>(result);
    }

    public static AitronosResult Assemble(string input, StreamOptions? options = null) => Assemble(Utf8(input), options);

    /// <summary>The assembled input's JSON, parsed.</summary>
    public static JsonObject AssembleNode(string input, StreamOptions? options = null)
    {
        using AitronosResult result = Assemble(input, options);
        return (JsonObject)JsonNode.Parse(result.ToJson())!;
    }

    /// <summary>Expects malformed input; returns the exception, whose partial result the caller disposes.</summary>
    public static StreamFormatException AssembleMalformed(string input, StreamOptions? options = null)
        => Assert.Throws<StreamFormatException>(() => Assemble(input, options));

    /// <summary>Status and JSON of the result, or where the input was malformed and the partial result's JSON.</summary>
    public static string Outcome(Func<StreamResult> assemble)
    {
        try
        {
            using StreamResult result = assemble();
            return $"{result.Status}|{result.ToJson()}";
        }
        catch (StreamFormatException e)
        {
            using StreamResult? partial = e.PartialResult;
            return $"malformed {e.EventNumber}@{e.ByteOffset}: {e.Message}|{partial?.ToJson()}";
        }
    }

    /// <summary>The outcome of the whole input in one in-memory read.</summary>
    public static string Outcome(byte[] input, StreamOptions? options = null) => Outcome(() => Assemble(input, options));

    /// <summary>The outcome of <paramref name="parts"/> fed through a real <see cref="Pipe"/>, one read each.</summary>
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
            using StreamResult? partial = e.PartialResult;
            return $"malformed {e.EventNumber}@{e.ByteOffset}: {e.Message}|{partial?.ToJson()}";
        }
    }

    /// <summary>Every update of the input, detached (their bytes copied), and the final result (the caller disposes it).</summary>
    public static List<StreamUpdate> ReadUpdates(string input, out AitronosResult result, StreamOptions? options = null) => ReadUpdates(Utf8(input), out result, options);

    /// <inheritdoc cref="ReadUpdates(string, out AitronosResult, StreamOptions?)"/>
    public static List<StreamUpdate> ReadUpdates(byte[] input, out AitronosResult result, StreamOptions? options = null)
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

        Assert.NotEmpty(updates);
        Assert.Equal(StreamUpdateKind.End, updates[^1].Kind);
        result = Assert.IsType<AitronosResult>(updates[^1].Result);
        return updates;
    }

    /// <summary>
    /// The text that updates of <paramref name="kind"/> announced: deltas joined, starting over at each
    /// replacement (section 4: this must equal the result's text).
    /// </summary>
    public static string Announced(IEnumerable<StreamUpdate> updates, StreamUpdateKind kind)
    {
        var text = new StringBuilder();
        foreach (StreamUpdate update in updates.Where(u => u.Kind == kind))
        {
            if (update.IsReplacement)
            {
                text.Clear();
            }

            text.Append(update.GetText());
        }

        return text.ToString();
    }

    /// <summary>Compares two JSON texts as JSON (member order included, since the writer's order is part of the contract).</summary>
    public static void AssertJson(string expected, string actual)
    {
        string normalizedExpected = JsonNode.Parse(expected)!.ToJsonString();
        string normalizedActual = JsonNode.Parse(actual)!.ToJsonString();
        Assert.Equal(normalizedExpected, normalizedActual);
    }
}

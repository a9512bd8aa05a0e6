using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StreamCore.Extensions.AI.Tests.TestSupport;

/// <summary>Small streams written by hand, and the two paths run over them.</summary>
internal static class Fixtures
{
    /// <summary>Chat chunks as <c>data:</c> events, then <c>[DONE]</c>.</summary>
    public static byte[] Chat(params string[] chunks) => Encoding.UTF8.GetBytes(string.Concat(chunks.Select(c => $"data: {c}\n\n")) + "data: [DONE]\n\n");

    /// <summary>Typed events, each with its SSE name.</summary>
    public static byte[] Named(params (string Name, string Data)[] events) => Encoding.UTF8.GetBytes(string.Concat(events.Select(e => $"event: {e.Name}\ndata: {e.Data}\n\n")));

    /// <summary>Every update of the stream (MEAI's own objects: they may be kept).</summary>
    public static async Task<List<ChatResponseUpdate>> UpdatesAsync(byte[] bytes, StreamOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in StreamCoreChat.ReadUpdatesAsync(Reader(bytes), options))
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>StreamCore's ChatResponse of the stream (the result is left to the collector).</summary>
    public static Task<ChatResponse> AssembleAsync(byte[] bytes, StreamOptions? options = null) => StreamCoreChat.AssembleAsync(Reader(bytes), options);

    public static PipeReader Reader(byte[] bytes) => PipeReader.Create(new ReadOnlySequence<byte>(bytes));

    public static IEnumerable<TContent> All<TContent>(this IEnumerable<ChatResponseUpdate> updates) => updates.SelectMany(u => u.Contents).OfType<TContent>();
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Tests.Transport;
using EntryPoint = StreamCore.Tests.Results.CancellationTests.EntryPoint;

namespace StreamCore.Tests.Results;

/// <summary>
/// "Stop generating" keeps everything received for the typed protocols too: the general entry points
/// (<see cref="ModelStream"/>) reading a Responses, an Anthropic and an Aitronos stream from a Kestrel
/// server on loopback, cancelled at a stall and at random moments, keep the text that arrived, and
/// the protocol's own JSON of the partial result can still be written.
/// </summary>
public class TypedCancellationTests(LoopbackServer server) : IClassFixture<LoopbackServer>
{
    /// <summary>"Hello, world" in four deltas, framed as each protocol frames it.</summary>
    private static readonly Dictionary<StreamProtocol, byte[]> Fixtures = new()
    {
        [StreamProtocol.Responses] = Frame(
            ("response.created", """{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-x","output":[]}}"""),
            ("response.output_item.added", """{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}}"""),
            ("response.content_part.added", """{"type":"response.content_part.added","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"text":""}}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel"}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo, "}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"wor"}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","sequence_number":6,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"ld"}"""),
            ("response.output_text.done", """{"type":"response.output_text.done","sequence_number":7,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello, world"}"""),
            ("response.completed", """{"type":"response.completed","sequence_number":8,"response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-x","output":[],"usage":{"input_tokens":5,"output_tokens":4,"total_tokens":9}}}""")),
        [StreamProtocol.AnthropicMessages] = Frame(
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo, "}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"wor"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ld"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}"""),
            ("message_stop", """{"type":"message_stop"}""")),
        [StreamProtocol.Aitronos] = Frame(
            (null, """{"event":"response.heartbeat"}"""),
            (null, """{"event":"response.content_delta","delta":"Hel"}"""),
            (null, """{"event":"response.content_delta","delta":"lo, "}"""),
            (null, """{"event":"response.content_delta","delta":"wor"}"""),
            (null, """{"event":"response.heartbeat"}"""),
            (null, """{"event":"response.content_delta","delta":"ld"}"""),
            (null, """{"event":"response.completed","status":"completed"}"""),
            (null, "[DONE]")),
    };

    private static readonly EntryPoint[] GeneralEntryPoints =
        [EntryPoint.ModelAssembleResponse, EntryPoint.ModelAssembleStream, EntryPoint.ModelUpdatesResponse, EntryPoint.ModelUpdatesPipe];

    public static TheoryData<StreamProtocol, EntryPoint> Cases()
    {
        var cases = new TheoryData<StreamProtocol, EntryPoint>();
        foreach (StreamProtocol protocol in Fixtures.Keys)
        {
            foreach (EntryPoint entry in GeneralEntryPoints)
            {
                cases.Add(protocol, entry);
            }
        }

        return cases;
    }

    [Fact]
    public async Task EachFixtureAssemblesWholeWhenNotCancelled()
    {
        foreach ((StreamProtocol protocol, byte[] body) in Fixtures)
        {
            using var client = server.CreateClient();
            using HttpResponseMessage response = await client.GetAsync(server.StreamUrl(server.Register(body)), HttpCompletionOption.ResponseHeadersRead);
            using StreamResult result = await ModelStream.AssembleAsync(response);
            Assert.Equal(protocol, result.Protocol);
            Assert.Equal(StreamStatus.Complete, result.Status);
            Assert.Equal("Hello, world", result.Text);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CancellingAStalledStreamThrowsWithEverythingReceived(StreamProtocol protocol, EntryPoint entry)
    {
        byte[] body = Fixtures[protocol];
        int stallAfter = AfterThirdDelta(body);
        using var cts = new CancellationTokenSource(TransportTests.HangGuard);
        using var client = new HttpClient(new CancellationTests.ReadWatcher(stallAfter, cts)) { Timeout = Timeout.InfiniteTimeSpan };
        Uri url = server.StreamUrl(server.Register(body), part: 23, stallAfter: stallAfter);
        (StreamCanceledException? canceled, StreamResult? completed, string announced) = await CancellationTests.RunAsync(entry, client, url, cts.Token);

        Assert.Null(completed);
        Assert.NotNull(canceled);
        Assert.IsAssignableFrom<OperationCanceledException>(canceled);
        using StreamResult partial = canceled.PartialResult;
        Assert.Equal(protocol, partial.Protocol);
        Assert.Equal(StreamStatus.Incomplete, partial.Status);
        Assert.Equal("Hello, wor", partial.Text);
        Assert.Contains("Hello, wor", partial.ToJson(), StringComparison.Ordinal); // the protocol's own JSON of what arrived
        if (CancellationTests.IsUpdates(entry))
        {
            Assert.Equal("Hello, wor", announced);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CancellingAtRandomMomentsOfALiveStreamNeverLosesWhatArrived(StreamProtocol protocol, EntryPoint entry)
    {
        // Writes of 29 bytes, 5 ms apart.
        var random = new Random(4321 + (10 * (int)protocol) + (int)entry);
        int cut = await CancellationTests.CancelAtRandomMomentsAsync(server, entry, Fixtures[protocol], random, rounds: 4, delayMs: 5);
        Assert.True(cut > 0, "at least one round was cancelled part-way through the text");
    }

    /// <summary>The offset just after the event that carries the third delta, <c>wor</c>.</summary>
    private static int AfterThirdDelta(byte[] body)
    {
        int delta = body.AsSpan().IndexOf("\"wor\""u8);
        Assert.True(delta > 0);
        int end = body.AsSpan(delta).IndexOf("\n\n"u8);
        return delta + end + 2;
    }

    private static byte[] Frame(params (string? Name, string Data)[] events)
        => Encoding.UTF8.GetBytes(string.Concat(events.Select(e => (e.Name is null ? string.Empty : $"event: {e.Name}\n") + $"data: {e.Data}\n\n")));
}

using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;

namespace StreamCore.Tests.Results;

/// <summary>
/// Short values a later event replaces (an id, a model, a stop reason) read while the stream is
/// read: the string follows the bytes even when the new value has the old one's length, and is not
/// built again while the bytes stay the same.
/// </summary>
public class ReplacedValueTests
{
    private static async Task<List<(StreamUpdateKind Kind, string? Id, string? Model, string? StopReason)>> ReadWhileStreamingAsync(string stream)
    {
        var seen = new List<(StreamUpdateKind, string?, string?, string?)>();
        StreamResult? result = null;
        await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(stream)))))
        {
            result = update.Result;
            seen.Add((update.Kind, result.Id, result.Model, result.StopReason));
        }

        result!.Dispose();
        return seen;
    }

    [Fact]
    public async Task AnAnthropicStopReasonReplacedByOneOfTheSameLengthIsTheNewOne()
    {
        static string Event(string type, string data) => $"event: {type}\ndata: {data}\n\n";
        string stream = string.Concat(
            Event("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}"""),
            Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"""),
            Event("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":2}}"""),
            Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}"""),
            Event("message_stop", """{"type":"message_stop"}"""));

        var seen = await ReadWhileStreamingAsync(stream);

        Assert.Contains(seen, s => s.StopReason == "tool_use"); // read while it was the value
        Assert.Equal("end_turn", seen[^1].StopReason);
    }

    [Fact]
    public async Task AResponsesEnvelopeStringFollowsAReplacedEnvelopeAndIsBuiltOnceWhileItStays()
    {
        static string Event(string type, string data) => $"event: {type}\ndata: {data}\n\n";
        string Envelope(string type, int sequence, string id, string model, string status)
            => Event(type, $$$"""{"type":"{{{type}}}","sequence_number":{{{sequence}}},"response":{"id":"{{{id}}}","object":"response","status":"{{{status}}}","model":"{{{model}}}","output":[]}}""");
        string Delta(int sequence, string text)
            => Event("response.output_text.delta", $$"""{"type":"response.output_text.delta","sequence_number":{{sequence}},"item_id":"msg_1","output_index":0,"content_index":0,"delta":"{{text}}"}""");
        string stream = string.Concat(
            Envelope("response.created", 0, "resp_a", "gpt-x1", "in_progress"),
            Event("response.output_item.added", """{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}}"""),
            Event("response.content_part.added", """{"type":"response.content_part.added","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"text":""}}"""),
            Delta(3, "Hel"),
            Delta(4, "lo"),
            Envelope("response.completed", 5, "resp_b", "gpt-x2", "completed"));

        var seen = await ReadWhileStreamingAsync(stream);

        // Deltas change the state, not the envelope: the strings read at each delta are the same objects.
        var deltas = seen.FindAll(s => s.Kind == StreamUpdateKind.ContentDelta);
        Assert.Equal(2, deltas.Count);
        Assert.Equal("resp_a", deltas[0].Id);
        Assert.Same(deltas[0].Id, deltas[1].Id);
        Assert.Same(deltas[0].Model, deltas[1].Model);

        // The terminal envelope replaces the first with values of the same lengths.
        Assert.Equal(("resp_b", "gpt-x2"), (seen[^1].Id, seen[^1].Model));
    }
}

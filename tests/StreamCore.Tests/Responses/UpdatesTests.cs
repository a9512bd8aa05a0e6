using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Responses;
using static StreamCore.Tests.Responses.Fixtures;
using static StreamCore.Tests.Responses.ResponsesTestSupport;

namespace StreamCore.Tests.Responses;

/// <summary>Contract section 4 for Responses: what each event announces, placed by output and part index.</summary>
public class UpdatesTests
{
    private static string Describe(StreamUpdate u) => u.Kind switch
    {
        StreamUpdateKind.ContentDelta or StreamUpdateKind.RefusalDelta or StreamUpdateKind.ReasoningDelta
            => $"{u.Kind} {u.ItemIndex}.{u.PartIndex}{(u.IsReplacement ? " replaces" : string.Empty)}: {u.GetText()}",
        StreamUpdateKind.ToolCallStarted => $"{u.Kind} {u.ItemIndex}: {u.ToolCall!.Id} {u.ToolCall.Name}",
        StreamUpdateKind.ToolCallArgumentsDelta => $"{u.Kind} {u.ItemIndex}{(u.IsReplacement ? " replaces" : string.Empty)}: {u.GetText()}",
        StreamUpdateKind.ToolCallCompleted => $"{u.Kind} {u.ItemIndex}: {u.ToolCall!.Arguments} {u.ToolCall.ArgumentsStatus}",
        StreamUpdateKind.Stop => $"{u.Kind}: {u.StopKind} {u.StopReason}",
        StreamUpdateKind.ItemStarted or StreamUpdateKind.ItemCompleted => $"{u.Kind} {u.ItemIndex}: {(string?)JsonNode.Parse(u.Json.Span)?["type"]}",
        StreamUpdateKind.AnnotationAdded => $"{u.Kind} {u.ItemIndex}.{u.PartIndex}: {Encoding.UTF8.GetString(u.Json.Span)}",
        StreamUpdateKind.UnknownEvent => $"{u.Kind}: {u.GetEventName()}",
        StreamUpdateKind.End => $"{u.Kind}: {u.Result.Status}",
        _ => $"{u.Kind}: {Encoding.UTF8.GetString(u.Json.Span)}",
    };

    private static readonly string[] Stream =
    [
        Created, InProgress,
        """{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}""",
        """{"type":"response.reasoning_summary_part.added","sequence_number":3,"item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}""",
        """{"type":"response.reasoning_summary_text.delta","sequence_number":4,"item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Think"}""",
        """{"type":"response.reasoning_summary_text.done","sequence_number":5,"item_id":"rs_1","output_index":0,"summary_index":0,"text":"Think."}""",
        """{"type":"response.output_item.done","sequence_number":6,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Think."}],"encrypted_content":"opaque"}}""",
        """{"type":"response.output_item.added","sequence_number":7,"output_index":1,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}}""",
        """{"type":"response.content_part.added","sequence_number":8,"item_id":"msg_1","output_index":1,"content_index":0,"part":{"type":"output_text","annotations":[],"text":""}}""",
        TextDelta(9, "\"Hel\"", output: 1), TextDelta(10, "\"lo\"", output: 1),
        """{"type":"response.output_text.annotation.added","sequence_number":11,"item_id":"msg_1","output_index":1,"content_index":0,"annotation_index":0,"annotation":{"type":"url_citation","url":"u"}}""",
        """{"type":"response.image_generation_call.partial_image","sequence_number":12,"output_index":3,"item_id":"ig","partial_image_b64":"AA"}""",
        FunctionAdded(13, 2, "call_7", "lookup"), ArgumentsDelta(14, 2, "\"{\\\"q\\\":\""), ArgumentsDelta(15, 2, "\"1}\""), ArgumentsDone(16, 2, "\"{\\\"q\\\":1}\""),
        Completed(17),
    ];

    [Fact]
    public void EachEventAnnouncesWhatItChangedPlacedByItsIndexes()
    {
        (List<StreamUpdate> updates, ResponsesResult result) = Updates(Named(Stream));
        using (result)
        {
            Assert.Equal(
            [
                "ItemStarted 0: reasoning",
                "ReasoningDelta 0.0: Think",
                "ReasoningDelta 0.0: .",
                "ItemCompleted 0: reasoning",
                "ItemStarted 1: message",
                "ContentDelta 1.0: Hel",
                "ContentDelta 1.0: lo",
                """AnnotationAdded 1.0: {"type":"url_citation","url":"u"}""",
                "UnknownEvent: response.image_generation_call.partial_image",
                "ItemStarted 2: function_call",
                "ToolCallStarted 2: call_7 lookup",
                "ToolCallArgumentsDelta 2: {\"q\":",
                "ToolCallArgumentsDelta 2: 1}",
                "ToolCallCompleted 2: {\"q\":1} Valid",
                """Usage: {"input_tokens":5,"output_tokens":7,"total_tokens":12}""",
                "Stop: ToolCalls completed",
                "End: Complete",
            ],
            updates.Select(Describe));
            Assert.Equal("Think.", result.Reasoning);
            Assert.Equal("Hello", result.Text);
        }
    }

    [Fact]
    public void ProviderErrorsAreAnnounced()
    {
        string input = Named(Created, """{"type":"error","sequence_number":1,"error":{"code":"x","message":"y"}}""");
        (List<StreamUpdate> updates, ResponsesResult result) = Updates(input);
        using (result)
        {
            Assert.Equal(["""ProviderError: {"code":"x","message":"y"}""", "End: Failed"], updates.Select(Describe));
        }
    }

    [Fact]
    public void MalformedInputEndsTheUpdatesWithTheExceptionAfterEverythingBefore()
    {
        string input = Named(Created, MessageAdded, PartAdded, TextDelta(3, "\"a\"")) + "data: {broken\n\n";
        var seen = new List<string>();
        StreamFormatException e = Assert.Throws<StreamFormatException>(() =>
        {
            IAsyncEnumerator<StreamUpdate> updates = ModelStream.ReadUpdatesAsync(new System.IO.MemoryStream(Utf8(input))).GetAsyncEnumerator();
            while (updates.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                seen.Add(Describe(updates.Current));
            }
        });
        Assert.Equal(["ItemStarted 0: message", "ContentDelta 0.0: a"], seen);
        Assert.Equal(5, e.EventNumber);
        e.PartialResult.Dispose();
    }

    [Fact]
    public async Task ThePushAssemblerPublishesTheSameUpdates()
    {
        (List<StreamUpdate> pulled, ResponsesResult pulledResult) = Updates(Named(Stream));
        string[] expected = pulled.Select(Describe).ToArray();
        pulledResult.Dispose();
        using var assembler = new StreamAssembler(publishUpdates: true);
        foreach (string data in Stream)
        {
            assembler.AppendEvent((string)JsonNode.Parse(data)!["type"]!, Encoding.UTF8.GetBytes(data));
        }

        using StreamResult result = assembler.Complete();
        var pushed = new List<string>();
        await foreach (StreamUpdate update in assembler.Updates.ReadAllAsync())
        {
            pushed.Add(Describe(update));
        }

        Assert.Equal(expected, pushed);
        Assert.Equal(StreamProtocol.Responses, assembler.Protocol);
    }

    [Fact]
    public void EveryUpdateCarriesTheOneResult()
    {
        (List<StreamUpdate> updates, ResponsesResult result) = Updates(Named(Stream));
        using (result)
        {
            Assert.All(updates, u => Assert.Same(result, u.Result));
        }
    }
}

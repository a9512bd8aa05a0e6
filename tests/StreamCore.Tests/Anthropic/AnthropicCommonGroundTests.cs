using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Anthropic;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Anthropic.AnthropicTestSupport;

namespace StreamCore.Tests.Anthropic;

/// <summary><c>typed-protocols.md</c>, section 0, as it applies to Anthropic streams, and the framing rules of section 2.</summary>
public class AnthropicCommonGroundTests
{
    private static readonly string[] TextStream =
    [
        Start,
        BlockStart(0, """{"type":"text","text":""}"""),
        TextDelta(0, "\"Hel\""),
        TextDelta(0, "\"lo\""),
        BlockStop(0),
        MessageDelta("""{"stop_reason":"end_turn","stop_sequence":null}""", """{"output_tokens":2}"""),
        Stop,
    ];

    [Fact]
    public void StreamsWithoutEventLinesDispatchOnTheDataType()
    {
        using AnthropicMessageResult framed = Assemble(Events(TextStream));
        using AnthropicMessageResult reframed = Assemble(DataOnly(TextStream));
        Assert.Equal(StreamStatus.Complete, reframed.Status);
        Assert.Equal(framed.ToJson(), reframed.ToJson());
        Assert.Equal("Hello", reframed.Text);
    }

    [Fact]
    public void TheDataTypeWinsOverTheEventNameAndTheEventNameServesDataWithoutAType()
    {
        string input = $"event: ping\ndata: {Start}\n\n"
            + "event: content_block_start\ndata: {\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"named\"}}\n\n"
            + "event: message_stop\ndata: {}\n\n";
        using AnthropicMessageResult result = Assemble(input, AnthropicOptions);
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal("named", result.Text);
        Assert.Equal("msg_1", result.Id);
    }

    [Fact]
    public void DataLinesMayEndInSpacesAfterTheJson()
    {
        string input = string.Concat(TextStream.Select(d => $"data: {d}   \t \n\n"));
        using AnthropicMessageResult spaced = Assemble(input);
        using AnthropicMessageResult plain = Assemble(DataOnly(TextStream));
        Assert.Equal(StreamStatus.Complete, spaced.Status);
        Assert.Equal(plain.ToJson(), spaced.ToJson());
    }

    [Fact]
    public void ContentAfterTheJsonIsMalformed()
    {
        StreamFormatException e = AssembleMalformed(DataOnly(Start) + $"data: {TextStream[1]} x\n\n");
        Assert.Equal(2, e.EventNumber);
        using StreamResult partial = e.PartialResult;
        Assert.Equal("msg_1", partial.Id);
    }

    [Fact]
    public void KeepAlivesPingsCommentsAndARelaysDoneChangeNothing()
    {
        string noise = ": comment\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\ndata:\n\ndata:   \n\nevent: keepalive\ndata: {}\n\ndata: {\"type\":\"keepalive\"}\n\n";
        string input = noise + Events(TextStream[..3]) + noise + "data: [DONE]\n\n" + Events(TextStream[3..]) + "data: [DONE] \n\n";
        using AnthropicMessageResult result = Assemble(input);
        using AnthropicMessageResult plain = Assemble(Events(TextStream));
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal(plain.ToJson(), result.ToJson());

        // No-ops, not unknown events: nothing is announced for them.
        (List<StreamUpdate> updates, AnthropicMessageResult read) = ReadUpdates(input);
        read.Dispose();
        Assert.DoesNotContain(updates, u => u.Kind == StreamUpdateKind.UnknownEvent);

        // [DONE] is not the protocol's end: without message_stop the stream is incomplete.
        using AnthropicMessageResult cut = Assemble(Events(TextStream[..5]) + "data: [DONE]\n\n");
        Assert.Equal(StreamStatus.Incomplete, cut.Status);
    }

    [Fact]
    public void UnknownEventAndDeltaTypesChangeNothing()
    {
        string[] noisy =
        [
            .. TextStream[..3],
            """{"type":"thinking_summary","index":0,"delta":{"type":"text_delta","text":"not merged"}}""",
            Delta(0, """{"type":"future_delta","text":"not merged either"}"""),
            Delta(4, """{"type":"future_delta","text":"opens nothing"}"""),
            .. TextStream[3..],
        ];
        using AnthropicMessageResult result = Assemble(Events(noisy));
        using AnthropicMessageResult plain = Assemble(Events(TextStream));
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal(plain.ToJson(), result.ToJson());
        Assert.Single(result.Blocks);
    }

    [Theory]
    [InlineData("""{"type":"response.output_text.delta","sequence_number":3,"delta":"x"}""", "message", "OpenAI Responses event ('response.output_text.delta')")]
    [InlineData("""{"type":"response.created","response":{}}""", "response.created", "OpenAI Responses event ('response.created')")]
    [InlineData("""{"event":"response.content_delta","delta":"x"}""", "message", "Aitronos event ('response.content_delta')")]
    [InlineData("""{"type":"content_block_delta","event":"reasoning.delta","index":0,"delta":{"type":"text_delta","text":"x"}}""", "message", "Aitronos event ('reasoning.delta')")]
    [InlineData("""{"delta":"x"}""", "response.output_text.delta", "OpenAI Responses event ('response.output_text.delta')")]
    public void AnEventOfAnotherProtocolIsMalformedAndNamesIt(string data, string eventType, string named)
    {
        string input = Events(TextStream[..3]) + $"event: {eventType}\ndata: {data}\n\n" + Events(TextStream[3..]);
        StreamFormatException e = AssembleMalformed(input);
        Assert.Equal(4, e.EventNumber);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.Contains("(event 4, byte offset ", e.Message, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(Events(TextStream[..3])), e.ByteOffset);
        using StreamResult partial = e.PartialResult;
        Assert.Equal(StreamStatus.Failed, partial.Status);
        Assert.Equal("Hel", partial.Text);
    }

    [Theory]
    [InlineData("""{"type":"ping","sequence_number":4}""")]
    [InlineData("""{"type":"error","sequence_number":4,"error":{"type":"x"}}""")]
    [InlineData("""{"type":"rate_limits_updated","event":"something.else"}""")]
    public void EventsThatNameNoOtherProtocolAreNotMalformed(string data)
    {
        using AnthropicMessageResult result = Assemble(Events(TextStream[..3]) + $"data: {data}\n\n");
        Assert.NotEqual(StreamStatus.InProgress, result.Status);
        Assert.Equal("Hel", result.Text);
    }

    [Fact]
    public void ABlockIndexOfIntMaxValueIsPlacedWithoutSizingAnything()
    {
        const int Max = int.MaxValue;
        string input = Events(
            Start,
            BlockStart(Max, """{"type":"text","text":""}"""),
            TextDelta(Max, "\"far\""),
            BlockStart(3, """{"type":"text","text":""}"""),
            TextDelta(3, "\"near \""),
            BlockStop(Max),
            Stop);
        using AnthropicMessageResult result = Assemble(input, new StreamOptions { MaxContentBlocks = 2 });
        Assert.Equal([3, Max], result.Blocks.Select(b => b.Index));
        Assert.Equal("near far", result.Text);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("2147483648")]
    [InlineData("1.5")]
    [InlineData("\"0\"")]
    public void AnIndexThatIsNoNonNegativeInt32IsMalformed(string index)
    {
        StreamFormatException e = AssembleMalformed(Events(Start) + $"data: {{\"type\":\"content_block_delta\",\"index\":{index},\"delta\":{{\"type\":\"text_delta\",\"text\":\"x\"}}}}\n\n");
        Assert.Equal(2, e.EventNumber);
        Assert.Contains("index must be a non-negative 32-bit integer", e.Message, StringComparison.Ordinal);
        e.PartialResult.Dispose();
    }

    [Theory]
    [InlineData("""{"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}}""", "has no index")]
    [InlineData("""{"type":"content_block_start","content_block":{"type":"text"}}""", "has no index")]
    [InlineData("""{"type":"content_block_start","index":0}""", "has no content_block")]
    [InlineData("""{"type":"content_block_start","index":0,"content_block":[1]}""", "is not an object")]
    [InlineData("""{"type":"message_start"}""", "has no message object")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":5}}""", "'delta.text' must be a string")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"type":"message_stop""", "not valid JSON")]
    public void EventsOfTheWrongShapeAreMalformedAndSayWhy(string data, string why)
    {
        StreamFormatException e = AssembleMalformed(Events(TextStream[..3]) + $"data: {data}\n\n");
        Assert.Equal(4, e.EventNumber);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        using StreamResult partial = e.PartialResult;
        Assert.Equal("Hel", partial.Text);
    }

    [Fact]
    public void MaxContentBlocksIsALimitThatNamesItself()
    {
        string input = Events(Start, BlockStart(0, """{"type":"text","text":"a"}"""), BlockStart(5, """{"type":"text","text":"b"}"""), TextDelta(9, "\"c\""), Stop);
        using (AnthropicMessageResult fits = Assemble(input, new StreamOptions { MaxContentBlocks = 3 }))
        {
            Assert.Equal("abc", fits.Text);
        }

        StreamFormatException e = AssembleMalformed(input, new StreamOptions { MaxContentBlocks = 2 });
        Assert.Equal(4, e.EventNumber);
        Assert.Contains("(MaxContentBlocks)", e.Message, StringComparison.Ordinal);
        using StreamResult partial = e.PartialResult;
        Assert.Equal("ab", partial.Text);
    }

    [Fact]
    public void MaxAnnotationsLimitsTheCitationsOfABlock()
    {
        string citation = Delta(0, """{"type":"citations_delta","citation":{"type":"c"}}""");
        string input = Events(Start, BlockStart(0, """{"type":"text","text":"","citations":[{"type":"seed"}]}"""), citation, citation, Stop);
        using (AnthropicMessageResult fits = Assemble(input, new StreamOptions { MaxAnnotations = 3 }))
        {
            Assert.Equal(3, JsonNode.Parse(fits.ToJson())!["content"]![0]!["citations"]!.AsArray().Count);
        }

        StreamFormatException e = AssembleMalformed(input, new StreamOptions { MaxAnnotations = 2 });
        Assert.Equal(4, e.EventNumber);
        Assert.Contains("block 0 has more than 2 citations (MaxAnnotations)", e.Message, StringComparison.Ordinal);
        using StreamResult partial = e.PartialResult;
        Assert.Equal(2, JsonNode.Parse(partial.ToJson())!["content"]![0]!["citations"]!.AsArray().Count);
    }

    [Fact]
    public void MaxAnnotationsCountsTheCitationsASeedBrought()
    {
        string input = Events(Start, BlockStart(0, """{"type":"text","text":"","citations":[{"n":1},{"n":2},{"n":3}]}"""), Delta(0, """{"type":"citations_delta","citation":{"n":4}}"""), Stop);
        StreamFormatException e = AssembleMalformed(input, new StreamOptions { MaxAnnotations = 2 });
        Assert.Equal(2, e.EventNumber); // the seed already has one too many
        Assert.Contains("(MaxAnnotations)", e.Message, StringComparison.Ordinal);
        e.PartialResult.Dispose();
        e = AssembleMalformed(input, new StreamOptions { MaxAnnotations = 3 });
        Assert.Equal(3, e.EventNumber); // the delta's is one too many
        e.PartialResult.Dispose();
        using AnthropicMessageResult fits = Assemble(input, new StreamOptions { MaxAnnotations = 4 });
        Assert.Equal(4, JsonNode.Parse(fits.ToJson())!["content"]![0]!["citations"]!.AsArray().Count);
    }

    [Fact]
    public void MaxResultBytesCountsEveryByteAccumulated()
    {
        string input = Events(Start, BlockStart(0, """{"type":"text","text":""}"""), TextDelta(0, "\"0123456789\""), TextDelta(0, "\"0123456789\""), Stop);
        using (AnthropicMessageResult fits = Assemble(input, new StreamOptions { MaxResultBytes = 1000 }))
        {
            Assert.Equal(StreamStatus.Complete, fits.Status);
        }

        long needed = Encoding.UTF8.GetByteCount(JsonNode.Parse(Start)!["message"]!.ToJsonString()) + """{"type":"text","text":""}""".Length + 10;
        StreamFormatException e = AssembleMalformed(input, new StreamOptions { MaxResultBytes = needed + 5 });
        Assert.Equal(4, e.EventNumber);
        Assert.Contains("(MaxResultBytes)", e.Message, StringComparison.Ordinal);
        using StreamResult partial = e.PartialResult;
        Assert.Equal("0123456789", partial.Text);
    }

    [Fact]
    public void MaxJsonDepthIsALimitThatNamesItself()
    {
        string deep = new string('[', 70) + new string(']', 70);
        StreamFormatException e = AssembleMalformed(Events(Start) + $"data: {{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{{\"type\":\"x\",\"v\":{deep}}}}}\n\n");
        Assert.Contains("(MaxJsonDepth)", e.Message, StringComparison.Ordinal);
        e.PartialResult.Dispose();
    }

    [Fact]
    public void AStreamThatBeginsWithAPingIsDetectedAsAnthropic()
    {
        using AnthropicMessageResult result = Assemble("event: ping\ndata: {\"type\": \"ping\"}\n\n" + Events(TextStream));
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal("Hello", result.Text);
    }

    [Fact]
    public void ThePushAssemblerGivesWhatThePullLoopGives()
    {
        using var assembler = new StreamAssembler(AnthropicOptions);
        foreach (string data in TextStream)
        {
            assembler.AppendEvent(JsonNode.Parse(data)!["type"]!.GetValue<string>(), Utf8(data));
        }

        Assert.True(assembler.IsEnded);
        using StreamResult pushed = assembler.Complete();
        using AnthropicMessageResult pulled = Assemble(Events(TextStream));
        Assert.Equal(pulled.ToJson(), pushed.ToJson());
        Assert.Equal(StreamProtocol.AnthropicMessages, assembler.Protocol);
    }

    public static TheoryData<string, string> Fixtures => new()
    {
        { "text, thinking, tool", Events(TextStream[..5]) + Events(BlockStart(1, """{"type":"thinking","thinking":""}"""), Delta(1, """{"type":"thinking_delta","thinking":"\ud83e"}"""), Delta(1, """{"type":"thinking_delta","thinking":"\udd14"}"""), BlockStart(2, """{"type":"tool_use","id":"t","name":"f","input":{}}"""), InputDelta(2, "\"{\\\"a\\\":\""), InputDelta(2, "\"[1]}\""), BlockStop(2)) + Events(TextStream[5..]) },
        { "no event lines, spaces, done", string.Concat(TextStream.Select(d => $"data: {d}  \n\n")) + "data: [DONE]\n\n" },
        { "error", Events(TextStream[..3]) + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n" },
        { "malformed", Events(TextStream[..3]) + "data: {\"type\":\"response.created\"}\n\n" + Events(TextStream[3..]) },
        { "cut", Events(TextStream[..4]) + "data: {\"type\":\"content_block_stop\"" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task FixtureGivesTheSameOutcomeThroughAPipeCutAtEveryByte(string name, string input)
    {
        Assert.NotEmpty(name);
        byte[] bytes = Utf8(input);
        string expected = Outcome(bytes);
        foreach (SplitCase split in Splits.EveryTwoWaySplit(bytes).Append(Splits.Bytewise(bytes)))
        {
            Assert.True(expected == await OutcomeThroughPipeAsync(split.Parts), split.Name);
        }

        // And with every line end the format allows.
        foreach (string lineEnd in LineEnds.All)
        {
            Assert.Equal(expected.Split('|')[1], Outcome(LineEnds.Rewrite(bytes, lineEnd)).Split('|')[1]);
        }
    }

    [Fact]
    public void TheResultCannotBeReadOnceDisposedButWhatItReturnedStays()
    {
        AnthropicMessageResult result = Assemble(Events(TextStream));
        string text = result.Text!;
        IReadOnlyList<AnthropicContentBlock> blocks = result.Blocks;
        result.Dispose();
        Assert.Equal("Hello", text);
        Assert.Throws<ObjectDisposedException>(() => result.Text);
        Assert.Throws<ObjectDisposedException>(() => blocks[0].ToJson());
    }
}

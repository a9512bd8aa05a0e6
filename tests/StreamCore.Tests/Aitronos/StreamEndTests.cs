using System.Text;
using StreamCore.Aitronos;
using static StreamCore.Tests.Aitronos.AitronosTestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>
/// How an Aitronos stream ends (<c>typed-protocols.md</c>, section 3, and section 0's statuses):
/// complete, incomplete for a cancelled or cut stream, failed for errors, malformed for bad input,
/// with everything received kept in every case.
/// </summary>
public class StreamEndTests
{
    [Fact]
    public void DoneCompletesTheStream()
    {
        using AitronosResult result = Assemble(Data("""{"event":"response.content_delta","delta":"x"}""") + Done);
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Null(result.StopReason); // [DONE] is no finish reason
    }

    [Fact]
    public void ResponseCompletedCompletesTheStreamWhenTheInputThenEnds()
    {
        using AitronosResult result = Assemble(Data("""{"event":"response.content_delta","delta":"x"}""", """{"event":"response.completed"}"""));
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal(StopKind.Stop, result.StopKind);
    }

    [Fact]
    public void EventsBetweenResponseCompletedAndDoneAreStillRead()
    {
        using AitronosResult result = Assemble(Data(
            """{"event":"response.completed","response":"Hi"}""",
            """{"event":"response.content_delta","delta":"!","usage":{"outputSynapses":3}}""") + Done);
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal("Hi!", result.Text);
        Assert.Equal("""{"outputSynapses":3}""", Encoding.UTF8.GetString(result.UsageJson.Span));
    }

    [Fact]
    public void NothingAfterDoneIsRead()
    {
        using AitronosResult result = Assemble(Data("""{"event":"response.content_delta","delta":"x"}""") + Done + Data("""{"event":"response.content_delta","delta":"y"}""", "not JSON"));
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal("x", result.Text);
        Assert.Equal(2, result.EventCount);
    }

    [Fact]
    public void InputThatEndsWithoutAnEndIsIncomplete()
    {
        using AitronosResult result = Assemble(AitronosFixtures.Cut);
        Assert.Equal(StreamStatus.Incomplete, result.Status);
        Assert.Equal("Half a sen", result.Text);
        Assert.Equal("thread_cut", result.ThreadId);
        Assert.False(result.IsCancelled);
    }

    [Fact]
    public void AnEventCutOffByTheEndOfInputIsNotRead()
    {
        using AitronosResult result = Assemble(Data("""{"event":"response.content_delta","delta":"a"}""") + "data: {\"event\":\"response.completed\"}\n");
        Assert.Equal(StreamStatus.Incomplete, result.Status); // the SSE layer never dispatches an unterminated event
        Assert.Equal("a", result.Text);
    }

    [Fact]
    public void CancelledIsIncompleteAndEndsTheStream()
    {
        using AitronosResult result = Assemble(AitronosFixtures.Cancelled + Data("""{"event":"response.content_delta","delta":"ignored"}"""));
        Assert.Equal(StreamStatus.Incomplete, result.Status);
        Assert.True(result.IsCancelled);
        Assert.Equal("Once upon a time", result.Text);
        Assert.Equal(16, result.PartialContentLength);
        Assert.Null(result.StopReason);
        Assert.False(result.HasProviderError);
    }

    [Fact]
    public void ResponseErrorFailsTheStreamAndKeepsWhatCameBefore()
    {
        using AitronosResult result = Assemble(AitronosFixtures.ErrorWithMessage + Data("""{"event":"response.content_delta","delta":"ignored"}"""));
        Assert.Equal(StreamStatus.Failed, result.Status);
        Assert.Equal("Partial", result.Text);
        Assert.Equal(StopKind.Error, result.StopKind);
    }

    [Fact]
    public void ResponseFailedFailsTheStream()
    {
        using AitronosResult result = Assemble(AitronosFixtures.ErrorObject);
        Assert.Equal(StreamStatus.Failed, result.Status);
        Assert.True(result.HasProviderError);
        Assert.Equal("Part", result.Text);
        Assert.Equal("""{"message":"Rate limit exceeded","code":"rate_limit"}""", Encoding.UTF8.GetString(result.ErrorJson.Span));
    }

    [Fact]
    public void DataThatIsNotJsonIsMalformedAndTheResultSoFarIsKept()
    {
        StreamFormatException error = AssembleMalformed(AitronosFixtures.NotJson);
        using StreamResult? partial = error.PartialResult;
        Assert.Equal(2, error.EventNumber);
        Assert.Equal(Utf8(Data("""{"event":"response.content_delta","delta":"kept"}""")).Length, error.ByteOffset);
        AitronosResult result = Assert.IsType<AitronosResult>(partial);
        Assert.Equal(StreamStatus.Failed, result.Status);
        Assert.Equal("kept", result.Text);
    }

    [Theory]
    [InlineData("""{"event":"response.content_delta","delta":5}""", "'delta' of response.content_delta is not a string")]
    [InlineData("""{"event":"response.reasoning.delta","delta":{}}""", "'delta' of response.reasoning.delta is not a string")]
    [InlineData("""{"event":"reasoning.content","content":[]}""", "'content' of reasoning.content is not a string")]
    [InlineData("""{"event":"response.completed","response":{"text":"x"}}""", "'response' of response.completed is not a string")]
    [InlineData("""{"event":"response.completed","reasoning_content":1}""", "'reasoning_content' of response.completed is not a string")]
    [InlineData("""{"event":"response.block","block":"tool_call"}""", "'block' of response.block is not a JSON object")]
    [InlineData("""{"event":"response.completed","response_blocks":{}}""", "'response_blocks' of response.completed is not a JSON array")]
    [InlineData("""{"event":1}""", "'event' member is not a string")]
    [InlineData("""["response.content_delta"]""", "not a JSON object")]
    [InlineData("""{"event":"response.content_delta","delta":"x"} {}""", "not valid JSON")]
    [InlineData("""{"type":"message_start","message":{}}""", "an Anthropic Messages event ('type': 'message_start') in an Aitronos stream")]
    [InlineData("""{"type":"response.output_text.delta","delta":"x"}""", "an OpenAI Responses event ('type': 'response.output_text.delta') in an Aitronos stream")]
    public void MalformedInputNamesItsEventAndWhere(string badEvent, string expected)
    {
        string stream = Data("""{"event":"response.content_delta","delta":"ok"}""", badEvent, """{"event":"response.content_delta","delta":"never"}""");
        StreamFormatException error = AssembleMalformed(stream);
        using StreamResult? partial = error.PartialResult;
        Assert.Contains(expected, error.Message, System.StringComparison.Ordinal);
        Assert.Equal(2, error.EventNumber);
        Assert.Equal("ok", partial!.Text);
        Assert.Equal(StreamStatus.Failed, partial.Status);
    }

    [Theory]
    [InlineData("""{"event":"response.content_delta","user_id":"u","thread_id":"t","usage":{"n":1},"delta":5}""")]
    [InlineData("""{"event":"response.completed","user_id":"u","thread_id":"t","response_blocks":{"type":"tool_call"}}""")]
    [InlineData("""{"event":"response.block","user_id":"u","thread_id":"t","block":[{"type":"tool_call"}]}""")]
    [InlineData("""{"event":"response.completed","user_id":"u","thread_id":"t","response":"fine","reasoning_content":false}""")]
    public void AMalformedEventLeavesNoTrace(string badEvent)
    {
        StreamFormatException error = AssembleMalformed(Data("""{"event":"response.content_delta","delta":"ok"}""", badEvent));
        using StreamResult? partial = error.PartialResult;
        AssertJson(
            """{"id":null,"object":"response","createdAt":null,"model":null,"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finishReason":null,"logprobs":null}],"usage":null,"organizationId":null,"threadId":null}""",
            partial!.ToJson());
    }

    [Fact]
    public void EventsThatNameNoProtocolAreNotMalformed()
    {
        using AitronosResult result = Assemble(Data(
            """{"event":"response.content_delta","delta":"a"}""",
            """{"type":"ping"}""",
            """{"type":"error","error":{"message":"x"}}""",
            """{"type":"keepalive"}""",
            """{"event":"response.content_delta","delta":"b"}"""));
        Assert.Equal("ab", result.Text);
        Assert.Equal(StreamStatus.Incomplete, result.Status);
    }

    [Fact]
    public void AStreamAssemblerGivesTheSameResult()
    {
        using var assembler = new StreamAssembler();
        assembler.AppendEvent("response.created", """{"id":"resp_abc123","status":"in_progress"}"""u8);
        assembler.AppendEvent("response.output_text.delta", """{"index":0,"delta":"Hello! How can I help you?"}"""u8);
        assembler.AppendEvent("response.completed", """{"status":"completed"}"""u8);
        Assert.Equal(StreamProtocol.Aitronos, assembler.Protocol);
        using StreamResult result = assembler.Complete();
        Assert.Equal(StreamStatus.Complete, result.Status);
        AssertJson(AitronosFixtures.E1Json, result.ToJson());
    }
}

using System.Linq;
using StreamCore.Aitronos;
using static StreamCore.Tests.Aitronos.AitronosTestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>Section 0's limits for Aitronos streams: each breach is malformed input that names the limit and keeps what came before.</summary>
public class LimitTests
{
    [Fact]
    public void MaxResultBytesCountsEveryAccumulatedByte()
    {
        var options = new StreamOptions { MaxResultBytes = 20 };
        using (AitronosResult within = Assemble(Data("""{"event":"response.content_delta","delta":"0123456789"}""", """{"event":"response.reasoning.delta","delta":"012345678"}"""), options))
        {
            Assert.Equal("0123456789", within.Text);
        }

        StreamFormatException error = AssembleMalformed(
            Data("""{"event":"response.content_delta","delta":"0123456789"}""", """{"event":"response.reasoning.delta","delta":"0123456789x"}"""), options);
        using StreamResult? partial = error.PartialResult;
        Assert.Contains("MaxResultBytes", error.Message, System.StringComparison.Ordinal);
        Assert.Equal(2, error.EventNumber);
        Assert.Equal("0123456789", partial!.Text);
    }

    [Theory]
    [InlineData("""{"event":"response.created","user_id":"a-long-user-id-value"}""")]
    [InlineData("""{"event":"response.completed","response":"a full text that is long"}""")]
    [InlineData("""{"event":"response.block","block":{"type":"tool_call","tool_name":"t","arguments":{"long":"arguments"}}}""")]
    [InlineData("""{"event":"response.completed","usage":{"outputSynapses":1234567890123}}""")]
    [InlineData("""{"event":"response.created","thread_id":"a-long-thread-id-value"}""")]
    public void MaxResultBytesCoversVerbatimMembersFullTextsToolCallsUsageAndIds(string data)
    {
        StreamFormatException error = AssembleMalformed(Data(data), new StreamOptions { MaxResultBytes = 16 });
        error.PartialResult?.Dispose();
        Assert.Contains("MaxResultBytes", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void MaxJsonDepthBoundsEveryEvent()
    {
        string deep = string.Concat(Enumerable.Repeat("[", 10)) + string.Concat(Enumerable.Repeat("]", 10));
        var options = new StreamOptions { MaxJsonDepth = 8 };
        StreamFormatException error = AssembleMalformed(
            Data("""{"event":"response.content_delta","delta":"kept"}""", $$"""{"event":"response.created","extra":{{deep}}}"""), options);
        using StreamResult? partial = error.PartialResult;
        Assert.Contains("MaxJsonDepth", error.Message, System.StringComparison.Ordinal);
        Assert.Equal("kept", partial!.Text);

        using AitronosResult shallow = Assemble(Data($$"""{"event":"response.created","extra":{{deep}}}"""), new StreamOptions { MaxJsonDepth = 16 });
        Assert.Equal(deep, System.Text.Encoding.UTF8.GetString(shallow.GetMemberJson("extra").Span));
    }

    [Fact]
    public void MaxToolCallsPerChoiceBoundsTheToolCalls()
    {
        string call = """{"event":"response.block","block":{"type":"tool_call","tool_name":"t"}}""";
        var options = new StreamOptions { MaxToolCallsPerChoice = 2 };
        using (AitronosResult two = Assemble(Data(call, call), options))
        {
            Assert.Equal(2, two.ToolCalls.Count);
        }

        StreamFormatException error = AssembleMalformed(Data(call, call, call), options);
        using StreamResult? partial = error.PartialResult;
        Assert.Contains("MaxToolCallsPerChoice", error.Message, System.StringComparison.Ordinal);
        Assert.Equal(3, error.EventNumber);
        Assert.Equal(2, partial!.ToolCalls.Count);

        string blocks = string.Join(',', Enumerable.Repeat("""{"type":"tool_call","tool_name":"t"}""", 3));
        StreamFormatException final = AssembleMalformed(Data($$"""{"event":"response.completed","response_blocks":[{{blocks}}]}"""), options);
        final.PartialResult?.Dispose();
        Assert.Contains("MaxToolCallsPerChoice", final.Message, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("99999999999999999999")]
    [InlineData("-1")]
    [InlineData("\"zero\"")]
    public void TheOldestGenerationsIndexPlacesNothingAndSizesNothing(string index)
    {
        using AitronosResult result = Assemble(Named(
            ("response.output_item.added", $$$"""{"index":{{{index}}},"item":{"type":"message"}}"""),
            ("response.output_text.delta", $$"""{"index":{{index}},"delta":"x"}"""),
            ("response.output_text.done", $$"""{"index":{{index}},"text":"xy"}""")));
        Assert.Equal("xy", result.Text);
        Assert.True(result.GetMemberJson("index").IsEmpty);
    }
}

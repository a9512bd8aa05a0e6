using System.Text;
using System.Text.RegularExpressions;
using StreamCore.Aitronos;
using StreamCore.Json;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Aitronos.AitronosFixtures;
using static StreamCore.Tests.Aitronos.AitronosTestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>
/// The documented example streams E1 to E7 (<c>seed-streams.md</c>, section 1.6), framed as they would
/// arrive, and a whole current-generation stream with what live streams add, assembled into the
/// seed's object (<c>typed-protocols.md</c>, section 3), each compared as JSON, member order included.
/// </summary>
public class DocumentedExampleTests
{
    public static TheoryData<string, string, string, StreamStatus, AitronosGeneration> Examples => new()
    {
        { "E1", E1, E1Json, StreamStatus.Complete, AitronosGeneration.Oldest },
        { "E2", E2, E2Json, StreamStatus.Complete, AitronosGeneration.Oldest },
        { "E3", E3, E3Json, StreamStatus.Complete, AitronosGeneration.Previous },
        { "E3 named", E3Named, E3Json, StreamStatus.Complete, AitronosGeneration.Previous },
        { "E5", E5, E5Json, StreamStatus.Incomplete, AitronosGeneration.Current },
        { "E6", E6, E6Json, StreamStatus.Complete, AitronosGeneration.Current },
        { "E7", E7, E7Json, StreamStatus.Complete, AitronosGeneration.Current },
        { "E7 named", E7Named, E7Json, StreamStatus.Complete, AitronosGeneration.Current },
        { "current", Current, CurrentJson, StreamStatus.Complete, AitronosGeneration.Current },
        { "tool blocks", ToolBlocks, ToolBlocksJson, StreamStatus.Complete, AitronosGeneration.Current },
        { "response_blocks", ResponseBlocks, ResponseBlocksJson, StreamStatus.Complete, AitronosGeneration.Previous },
        { "error with message", ErrorWithMessage, ErrorWithMessageJson, StreamStatus.Failed, AitronosGeneration.Current },
        { "error object", ErrorObject, ErrorObjectJson, StreamStatus.Failed, AitronosGeneration.Oldest },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExampleAssemblesIntoTheSeedObject(string name, string stream, string expectedJson, StreamStatus status, AitronosGeneration generation)
    {
        using AitronosResult result = Assemble(stream);
        Assert.True(status == result.Status, $"{name}: {result.Status}");
        Assert.Equal(StreamProtocol.Aitronos, result.Protocol);
        Assert.Equal(generation, result.Generation);
        AssertJson(expectedJson, result.ToJson());
    }

    [Fact]
    public void E1TextIsTheDoneTextWhichEqualsTheDeltas()
    {
        using AitronosResult result = Assemble(E1);
        Assert.Equal("resp_abc123", result.Id);
        Assert.Equal("Hello! How can I help you?", result.Text);
        Assert.Equal("assistant", result.Role);
        Assert.Equal("stop", result.StopReason);
        Assert.Equal(StopKind.Stop, result.StopKind);
        Assert.Null(result.Reasoning);
        Assert.Empty(result.ToolCalls);
        Assert.Equal(7, result.EventCount);
    }

    [Fact]
    public void E2DoneTextReplacesTheDeltasAndUsageIsKeptButNotCounted()
    {
        using AitronosResult result = Assemble(E2);
        Assert.Equal("Once upon a time...", result.Text); // the deltas say "Once upon a"
        Assert.Equal("""{"outputSynapses":156}""", Encoding.UTF8.GetString(result.UsageJson.Span));
        Assert.True(result.Usage.IsEmpty); // neurons and synapses, not tokens
    }

    [Fact]
    public void E3FramingsGiveTheSameResult()
    {
        using AitronosResult data = Assemble(E3);
        using AitronosResult named = Assemble(E3Named);
        Assert.Equal(data.ToJson(), named.ToJson());
        Assert.Equal("thread_xyz789", named.ThreadId);
        Assert.Equal("I should call get_weather with city=Paris.", named.Reasoning);
        ToolCall call = Assert.Single(named.ToolCalls);
        Assert.Null(call.Id);
        Assert.Equal("function", call.Type);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"city":"Paris"}""", call.Arguments);
        Assert.Equal(JsonTextStatus.Valid, call.ArgumentsStatus);
        Assert.True(call.IsCompleted);
    }

    [Fact]
    public void E4AloneIsACutStreamWithItsText()
    {
        using AitronosResult result = Assemble(E4);
        Assert.Equal(StreamStatus.Incomplete, result.Status);
        Assert.Equal("Hello", result.Text);
        Assert.Null(result.StopReason);
        Assert.Equal(StopKind.None, result.StopKind);
        Assert.Equal(AitronosGeneration.Current, result.Generation);
    }

    [Fact]
    public void E5CancelledKeepsThePartialContentLength()
    {
        using AitronosResult result = Assemble(E5);
        Assert.True(result.IsCancelled);
        Assert.Equal(StreamStatus.Incomplete, result.Status);
        Assert.Equal(1234, result.PartialContentLength);
        Assert.Equal("1234", Encoding.UTF8.GetString(result.GetMemberJson("partial_content_length").Span));
        Assert.Equal("thrd_abc123", result.ThreadId);
        Assert.Null(result.Text);
        Assert.Equal(StopKind.None, result.StopKind);
    }

    [Fact]
    public void CurrentStreamJoinsTheSplitSurrogatePairAndKeepsTheMetadata()
    {
        using AitronosResult result = Assemble(Current);
        Assert.Equal("It is sunny \U0001F600 in Z\u00fcrich", result.Text);
        Assert.Equal("The user wants the weather.", result.Reasoning);
        Assert.Equal("resp_current1", result.Id);
        Assert.Equal("org_xyz789", result.OrganizationId);
        Assert.Equal("thrd_abc123", result.ThreadId);
        Assert.Null(result.Model);
        Assert.Null(result.CreatedAt);
        Assert.Equal("\"asst_1\"", Encoding.UTF8.GetString(result.GetMemberJson("assistant_id").Span));
        Assert.True(result.GetMemberJson("message").IsEmpty); // processing's message is bookkeeping
        Assert.True(result.GetMemberJson("status").IsEmpty);
        ToolCall call = Assert.Single(result.ToolCalls);
        Assert.Equal("call_1", call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("{\"city\":\"Z\\u00fcrich\"}", call.Arguments); // the JSON text as it arrived
    }

    [Fact]
    public void MultiByteCharacterCutBetweenDeltasJoins()
    {
        using AitronosResult result = Assemble(SplitUtf8Character());
        Assert.Equal("1 \u20ac each", result.Text);
        Assert.Equal(StreamStatus.Complete, result.Status);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void LineEndsDoNotMatter(string lineEnd)
    {
        foreach ((string name, byte[] bytes) in All)
        {
            // Byte offsets of malformed events grow with the line ends; nothing else may change.
            string lf = Regex.Replace(Outcome(bytes), "(@|byte offset )[0-9]+", "$1");
            string other = Regex.Replace(Outcome(LineEnds.Rewrite(bytes, lineEnd)), "(@|byte offset )[0-9]+", "$1");
            Assert.True(lf == other, $"{name} with {LineEnds.Name(lineEnd)}:\n{lf}\n{other}");
        }
    }
}

using System.Linq;
using System.Text;
using StreamCore.Chat;
using StreamCore.Json;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>
/// Choices and array entries are addressed by an <c>index</c> member that some providers send after
/// the members it addresses. A structural scan finds it; where the scan cannot decide, a reader does.
/// </summary>
public class IndexLocationTests
{
    [Theory]
    [InlineData("""{"index":3}""", "Found", 3)]
    [InlineData("""{ "delta" : {"index":7,"s":"}\"index\":9"} , "index" : 12 }""", "Found", 12)]
    [InlineData("""{"a":[{"index":1},["index",2]],"b":"index","index":0}""", "Found", 0)]
    [InlineData("""{"x\"index":5,"index":4}""", "Undecided", null)]     // an escaped name might spell "index"
    [InlineData("""{"index":null}""", "Found", null)]
    [InlineData("""{"delta":{"index":1}}""", "Absent", null)]
    [InlineData("""{}""", "Absent", null)]
    [InlineData("""{"index":01}""", "Undecided", null)]                  // leading zero: the reader rejects it
    [InlineData("""{"index":-1}""", "Undecided", null)]
    [InlineData("""{"index":1.5}""", "Undecided", null)]
    [InlineData("""{"index":1234567890}""", "Undecided", null)]           // ten digits
    [InlineData("""{"index":"1"}""", "Undecided", null)]
    [InlineData("""{"delta":{"s":"unterminated""", "Undecided", null)]
    public void TheScanFindsTheIndexAtTheObjectsOwnLevel(string json, string expected, int? index)
    {
        IndexScanResult result = IndexMemberScan.Find(Encoding.UTF8.GetBytes(json), 1, out int? found);

        Assert.Equal(expected, result.ToString());
        if (result == IndexScanResult.Found)
        {
            Assert.Equal(index, found);
        }
    }

    [Fact]
    public void AnIndexAfterTheDeltaAddressesTheChoice()
    {
        // Nested tool-call indexes and a string holding "index" come before the choice's own.
        string stream = WithDone(
            """{"choices":[{"delta":{"content":"a\"index\":0"},"index":1}]}""",
            """{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null,"index":1}]}""",
            """{"choices":[{"x_filter":{"index":5},"delta":{"content":"b"},"index":2}]}""");
        using ChatCompletionResult result = Assemble(stream);

        Assert.Equal([1, 2], result.Choices.Select(c => c.Index));
        Assert.Equal("a\"index\":0", result.Choices[0].Content);
        Assert.Equal("f", result.Choices[0].ToolCalls[0].Name);
        Assert.Equal("b", result.Choices[1].Content);
    }

    [Fact]
    public void MembersBeforeALateIndexKeepTheirOrderAndGoToThatChoice()
    {
        string stream = WithDone(
            """{"choices":[{"z_first":1,"a_second":{"n":2},"empty":null,"delta":{"content":"x"},"index":3}]}""");
        string json = AssembleJson(stream);

        Assert.Contains("\"index\":3", json, System.StringComparison.Ordinal);
        int z = json.IndexOf("\"z_first\":1", System.StringComparison.Ordinal);
        int a = json.IndexOf("\"a_second\":{\"n\":2}", System.StringComparison.Ordinal);
        int empty = json.IndexOf("\"empty\":null", System.StringComparison.Ordinal);
        Assert.True(z > 0 && a > z && empty > a, json);
    }

    [Fact]
    public void MoreVerbatimMembersThanAreHeldBackStillReachTheChoice()
    {
        // Past eight members held back before the index, the index is looked for at once.
        string members = string.Concat(Enumerable.Range(0, 12).Select(i => $"\"m{i}\":{i},"));
        string stream = WithDone("{\"choices\":[{" + members + "\"index\":2}]}");
        using ChatCompletionResult result = Assemble(stream);

        Assert.Equal(2, Assert.Single(result.Choices).Index);
        string json = AssembleJson(stream);
        Assert.Contains("\"m0\":0", json, System.StringComparison.Ordinal);
        Assert.Contains("\"m11\":11", json, System.StringComparison.Ordinal);
        Assert.True(json.IndexOf("\"m7\"", System.StringComparison.Ordinal) < json.IndexOf("\"m8\"", System.StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"choices":[{"delta":{"content":"x"},"index":-1}]}""")]
    [InlineData("""{"choices":[{"delta":{"content":"x"},"index":"0"}]}""")]
    [InlineData("""{"choices":[{"delta":{"content":"x"},"index":01}]}""")]
    public void ALateIndexThatIsNotAPlainIntegerIsAFormatError(string chunk)
    {
        ChatStreamFormatException e = AssembleMalformed(WithDone(chunk));
        Assert.Equal(1, e.EventNumber);
    }
}

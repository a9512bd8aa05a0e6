using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>
/// However the bytes are cut into reads, the result is byte-identical to assembling the whole input
/// at once; and LF, CRLF and CR line ends give the same result.
/// </summary>
public class SplitInvarianceTests
{
    private const int SmallFileLimit = 8 * 1024;

    public static TheoryData<string> SmallFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in CorpusFiles().Where(f => ReadCorpus(f).Length < SmallFileLimit))
        {
            data.Add(file);
        }

        return data;
    }

    public static TheoryData<string> LargeFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in CorpusFiles().Where(f => ReadCorpus(f).Length >= SmallFileLimit))
        {
            data.Add(file);
        }

        return data;
    }

    /// <summary>Fixtures written for the rules: the tricky merges, plus malformed and error endings (whose outcome must not depend on splits either).</summary>
    public static TheoryData<string, string> Fixtures => new()
    {
        {
            "surrogates, audio, parts, tools",
            WithDone(
                """{"id":"c","created":1,"choices":[{"index":1,"delta":{"role":"assistant","content":"a\ud83d"}}]}""",
                """{"choices":[{"index":1,"delta":{"content":"\ude42é","audio":{"id":"x","data":"QQ","transcript":"t"}}},{"index":0,"delta":{"content":[{"type":"text","text":"p"}]}}]}""",
                """{"choices":[{"index":1,"delta":{"audio":{"data":"==Qg=="},"tool_calls":[{"index":0,"id":"t1","function":{"name":"f","arguments":"{\"a\":"}}]}}]}""",
                """{"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"t2","function":{"name":"g","arguments":"[1]"}},{"index":0,"function":{"arguments":""}}]},"finish_reason":"tool_calls"}],"usage":{"total_tokens":12345678901234567890}}""")
        },
        { "error event", Events("""{"id":"c","choices":[{"delta":{"content":"x"}}]}""") + "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n" + Events("""{"choices":[]}""") },
        { "malformed", Events("""{"id":"c","choices":[{"delta":{"content":"x"}}]}""", "[1]", """{"choices":[]}""") },
        { "keep-alives", ": hi\n\nevent: ping\ndata: {}\n\n" + Events("""{"id":"c","choices":[{"delta":{"content":"x"},"finish_reason":"stop"}]}""") + ": bye\n\n" },
        { "truncated", Events("""{"id":"c","choices":[{"delta":{"content":"x"}}]}""") + "data: {\"choices\":[{\"delta\":{\"content\":\"y\"}}]}\n" },
    };

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public async Task SmallCorpusFileGivesTheSameResultForEveryTwoWaySplitAndBytewise(string file)
        => await AssertSplitInvariantAsync(ReadCorpus(file), Splits.EveryTwoWaySplit(ReadCorpus(file)).Append(Splits.Bytewise(ReadCorpus(file))));

    [Theory]
    [MemberData(nameof(LargeFiles))]
    public async Task LargeCorpusFileGivesTheSameResultForRandomMultiWaySplits(string file)
    {
        byte[] bytes = ReadCorpus(file);
        await AssertSplitInvariantAsync(bytes, Splits.Random(bytes, count: 30, points: 24, seed: file.Length * 7919));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task FixtureGivesTheSameResultForEveryTwoWaySplitAndBytewise(string name, string input)
    {
        Assert.NotEmpty(name);
        byte[] bytes = Utf8(input);
        await AssertSplitInvariantAsync(bytes, Splits.EveryTwoWaySplit(bytes).Append(Splits.Bytewise(bytes)));
    }

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public void LineEndsDoNotChangeTheResult(string file)
    {
        byte[] lf = ReadCorpus(file);
        string expected = AssembleOutcome(lf);
        Assert.Equal(expected, AssembleOutcome(LineEnds.Rewrite(lf, "\r\n")));
        Assert.Equal(expected, AssembleOutcome(LineEnds.Rewrite(lf, "\r")));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task LineEndsDoNotChangeTheFixtureResultEvenWhenSplitBetweenCrAndLf(string name, string input)
    {
        Assert.NotEmpty(name);
        string expected = WithoutOffset(AssembleOutcome(Utf8(input)));
        foreach (string end in LineEnds.All)
        {
            byte[] bytes = LineEnds.Rewrite(input, end);
            Assert.Equal(expected, WithoutOffset(AssembleOutcome(bytes)));
            if (end == "\r\n")
            {
                // Every cut right after a CR, so the LF comes in the next read.
                int[] cuts = Enumerable.Range(1, bytes.Length - 1).Where(i => bytes[i - 1] == (byte)'\r').ToArray();
                Assert.Equal(expected, WithoutOffset(await AssembleThroughPipeAsync(Splits.At(bytes, cuts))));
            }
        }
    }

    /// <summary>The outcome without the byte offset of a fault, which moves when line ends get longer.</summary>
    private static string WithoutOffset(string outcome) => System.Text.RegularExpressions.Regex.Replace(outcome, "^(malformed \\d+)@\\d+", "$1");

    private static async Task AssertSplitInvariantAsync(byte[] bytes, IEnumerable<SplitCase> splits)
    {
        string expected = AssembleOutcome(bytes);
        Assert.Equal(expected, await AssembleThroughPipeAsync([bytes]));
        foreach (SplitCase split in splits)
        {
            string actual = await AssembleThroughPipeAsync(split.Parts);
            if (actual != expected)
            {
                Assert.Fail($"{split.Name}: the result differs from the whole input's.\nexpected: {expected}\nactual:   {actual}");
            }
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Aitronos.AitronosTestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>
/// Every fixture through a real <see cref="System.IO.Pipelines.Pipe"/>: whole, one byte per read, and
/// cut into two reads at every byte, with LF and CRLF line ends. The outcome (status and JSON, or
/// where the input was malformed and the partial result) never depends on how the bytes arrived.
/// </summary>
public class SplitInvarianceTests
{
    public static TheoryData<string, string> Fixtures()
    {
        var data = new TheoryData<string, string>();
        foreach ((string name, _) in AitronosFixtures.All)
        {
            data.Add(name, "\n");
            data.Add(name, "\r\n");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task FixtureGivesTheSameOutcomeHoweverItIsCut(string name, string lineEnd)
    {
        byte[] bytes = LineEnds.Rewrite(AitronosFixtures.All.Single(f => f.Name == name).Bytes, lineEnd);
        string whole = Outcome(bytes);
        Assert.Equal(whole, await OutcomeThroughPipeAsync([bytes]));

        var failures = new List<string>();
        foreach (SplitCase split in Splits.EveryTwoWaySplit(bytes).Append(Splits.Bytewise(bytes)))
        {
            string outcome = await OutcomeThroughPipeAsync(split.Parts);
            if (outcome != whole)
            {
                failures.Add($"{split}: {outcome}");
            }
        }

        Assert.True(failures.Count == 0, $"{name} ({LineEnds.Name(lineEnd)}), whole: {whole}\n{string.Join('\n', failures.Take(5))}");
    }
}

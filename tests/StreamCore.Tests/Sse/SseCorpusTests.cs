using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StreamCore.Tests.TestSupport;
using Xunit.Sdk;
using static StreamCore.Tests.Sse.SseHarness;

namespace StreamCore.Tests.Sse;

/// <summary>Every recorded stream of the shared corpus reads the same whole and cut at random points.</summary>
public class SseCorpusTests
{
    internal static string CorpusDirectory() => CorpusFiles.Directory;

    private static string Describe(SseRun run) => string.Join(
        "\n",
        run.Items.Select(i => $"{i.Number}@{i.Offset} {i.Render()}").Append($"end {run.LastEventId} {run.Retry} {run.EventCount} {run.BytesConsumed}"));

    [Fact]
    public async Task EveryCorpusStreamReadsTheSameWholeAndSplit()
    {
        string[] files = Directory.GetFiles(CorpusDirectory(), "*.sse", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        var failures = new List<string>();
        int seed = 0;
        foreach (string file in files)
        {
            byte[] input = await File.ReadAllBytesAsync(file);
            SseRun whole = await FeedAsync([input]);
            if (whole.EventCount == 0)
            {
                failures.Add($"{Path.GetFileName(file)}: no events");
            }

            if (whole.BytesConsumed != input.Length)
            {
                failures.Add($"{Path.GetFileName(file)}: consumed {whole.BytesConsumed} of {input.Length} bytes");
            }

            // The straightforward model agrees with the reader on real streams.
            SseReferenceModel.Result model = SseReferenceModel.Parse(input, reportComments: false);
            if (!model.Items.SequenceEqual(whole.Rendered) || model.LastEventId != whole.LastEventId || model.Retry != whole.Retry)
            {
                failures.Add($"{Path.GetFileName(file)}: differs from the reference model");
            }

            string expected = Describe(whole);
            foreach (SplitCase split in Splits.Random(input, count: 2, points: 50, seed: ++seed))
            {
                string actual = Describe(await FeedAsync(split.Parts));
                if (actual != expected)
                {
                    failures.Add($"{Path.GetFileName(file)}, {split.Name}: differs from the whole read");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

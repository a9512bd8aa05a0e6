using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using StreamCore.Sse;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Sse.SseHarness;

namespace StreamCore.Tests.Sse;

/// <summary>Random streams built from tricky pieces, checked against <see cref="SseReferenceModel"/> whole and at random splits.</summary>
public class SseRandomizedTests
{
    private static readonly object[] Pieces =
    [
        "data: ", "data:", "data", "data:  ", "event: ", "event:", "event", "id: ", "id:", "id", "retry: ", "retry:",
        ":", ": ", "Data: ", "dat", "a", "x", "42", "007", "-1", "1a", " ", ":", "message", "delta",
        "\n", "\n", "\n", "\r", "\r\n", "\r\n", "\n\n", "\r\r", "\r\n\r\n",
        new byte[] { 0 }, new byte[] { 0xFF }, new byte[] { 0xEF, 0xBB, 0xBF }, new byte[] { 0xEF, 0xBB }, new byte[] { 0xC3, 0xA9 },
        "99999999999999999999999",
        "data: v\n\n", "data: w\r\n\r\n", "data:\r\r", "event: e\ndata: t\n\n", "id: 3\n\n",
    ];

    private static byte[] RandomStream(Random random)
    {
        var parts = new List<object>();
        if (random.Next(4) == 0)
        {
            parts.Add(new byte[] { 0xEF, 0xBB, 0xBF });
        }

        int count = random.Next(1, 40);
        for (int i = 0; i < count; i++)
        {
            parts.Add(Pieces[random.Next(Pieces.Length)]);
        }

        return LineEnds.Bytes([.. parts]);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public async Task MatchesTheReferenceModel(int seed, bool reportComments)
    {
        var random = new Random(seed);
        var options = new SseReaderOptions { ReportComments = reportComments };
        int eventsSeen = 0;
        for (int i = 0; i < 300; i++)
        {
            byte[] input = RandomStream(random);
            SseReferenceModel.Result expected = SseReferenceModel.Parse(input, reportComments);
            eventsSeen += expected.Items.Count;
            var splits = new List<SplitCase> { Splits.Whole(input) };
            splits.AddRange(Splits.Random(input, count: 2, points: random.Next(1, 8), seed: (seed * 1000) + i));
            foreach ((SplitCase split, bool segments) in splits.SelectMany(s => new[] { (s, false), (s, true) }))
            {
                SseRun run = segments ? await ReadAllAsync(SegmentedSequence.Reader(split.Parts), options) : await FeedAsync(split.Parts, options);
                string where = $"stream #{i} [{Escape(input)}], {split}{(segments ? " as segments" : string.Empty)}";
                Check(where, expected.Items.ToArray(), run.Rendered);
                Check(where + ", LastEventId", expected.LastEventId, run.LastEventId);
                Check(where + ", ReconnectionTime", expected.Retry, run.Retry);
                Check(where + ", BytesConsumed", input.Length, (int)run.BytesConsumed);
            }
        }

        // The generator must actually produce events, or the comparison proves little.
        Assert.True(eventsSeen > 100, $"only {eventsSeen} items generated");
    }

    [Fact]
    public void ReferenceModelAgreesWithHandWrittenExpectations()
    {
        SseReferenceModel.Result result = SseReferenceModel.Parse(
            LineEnds.Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, "event: e\nid: 1\ndata: a\ndata\n\n:c\ndata: b\r\nretry: 5\r\n\r\nid: 2\ndata: lost"),
            reportComments: true);
        Assert.Equal(["e|a\\n|1", ":c", "message|b|1"], result.Items);
        Assert.Equal("1", result.LastEventId);
        Assert.Equal(5, result.Retry);
    }
}

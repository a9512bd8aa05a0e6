using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.ServerSentEvents;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Tests.TestSupport;
using Xunit.Abstractions;
using static StreamCore.Tests.Sse.SseHarness;

namespace StreamCore.Tests.Sse;

/// <summary>
/// Inputs on which the exact WHATWG rules matter, read by our reader (asserted) and by the in-box
/// <see cref="SseParser"/> (only logged, never asserted: its behaviour may change between releases).
/// </summary>
public class SseInboxParserContrastTests(ITestOutputHelper output)
{
    private async Task LogInboxAsync(string input)
    {
        SseParser<string> parser = SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(input)));
        var items = new List<string>();
        await foreach (SseItem<string> item in parser.EnumerateAsync())
        {
            items.Add($"{item.EventType}|{item.Data}|{parser.LastEventId}");
        }

        output.WriteLine($"in-box SseParser on {Escape(Encoding.UTF8.GetBytes(input))}: [{string.Join(", ", items)}] lastEventId={parser.LastEventId}");
    }

    [Fact]
    public async Task EmptyEventFieldMeansMessage()
    {
        const string Input = "event:\ndata: a\n\nevent: \ndata: b\n\n";
        await ExpectAsync(Input, ["message|a|", "message|b|"]);
        await LogInboxAsync(Input);
    }

    [Fact]
    public async Task EventTypeDoesNotLeakIntoTheNextEvent()
    {
        const string Input = "event: tool\n\ndata: a\n\nevent: tool\ndata: b\n\ndata: c\n\n";
        await ExpectAsync(Input, ["message|a|", "tool|b|", "message|c|"]);
        await LogInboxAsync(Input);
    }

    [Fact]
    public async Task LastEventIdIsNotUpdatedBeforeDispatch()
    {
        // The id of an event the stream ends in the middle of is never committed; nor is it visible
        // while its event is being read.
        const string Input = "id: 1\ndata: a\n\nid: 2\ndata: b\n";
        await ExpectAsync(Input, ["message|a|1"], lastEventId: "1");
        await LogInboxAsync(Input);

        SseRun run = await FeedAsync([LineEnds.Lf("id: 1\ndata: a\n\nid: 2\n: c\ndata: b\n\n")], new StreamCore.Sse.SseReaderOptions { ReportComments = true });
        Assert.Equal(["1", "1", "2"], run.Items.Select(i => i.LastEventId));
    }

    [Fact]
    public async Task IdOnlyEventStillCommitsTheId()
    {
        const string Input = "id: 5\n\ndata: a\n\n";
        await ExpectAsync(Input, ["message|a|5"], lastEventId: "5");
        await LogInboxAsync(Input);
    }
}

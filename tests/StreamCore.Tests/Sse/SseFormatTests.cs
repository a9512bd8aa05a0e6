using System.Linq;
using System.Threading.Tasks;
using StreamCore.Sse;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Sse.SseHarness;
using static StreamCore.Tests.TestSupport.LineEnds;

namespace StreamCore.Tests.Sse;

/// <summary>
/// The WHATWG "Interpreting an event stream" rules, each input read whole, one byte per read and at
/// every two-way split, with LF, CR and CRLF line ends. Items render as "type|data|lastEventId"
/// (events) or ":text" (comments).
/// </summary>
public class SseFormatTests
{
    private static readonly SseReaderOptions Comments = new() { ReportComments = true };
    private static readonly SseReaderOptions Unterminated = new() { DispatchUnterminatedEvent = true };

    // --- Byte order mark -------------------------------------------------------------------

    [Fact]
    public Task LeadingBomIsStripped()
        => ExpectAsync("\uFEFFdata: x\n\n", ["message|x|"]);

    [Fact]
    public Task OnlyOneBomIsStripped_SecondIsPartOfTheFieldName()
        => ExpectAsync("\uFEFF\uFEFFdata: x\n\ndata: y\n\n", ["message|y|"]);

    [Fact]
    public Task BomAfterTheFirstLineIsContent()
        => ExpectAsync("data: x\n\n\uFEFFdata: y\n\ndata: z\n\n", ["message|x|", "message|z|"]);

    [Fact]
    public async Task BomSplitAcrossReadsIsStripped()
    {
        SseRun run = await FeedAsync([[0xEF], [0xBB], [0xBF], Lf("data: x\n\n")]);
        Assert.Equal(["message|x|"], run.Rendered);
        Assert.Equal(3, run.Items[0].Offset);
        Assert.Equal(12, run.BytesConsumed);
    }

    [Fact]
    public async Task BomPrefixThatIsNotABomIsKeptAsContent()
    {
        // EF BB then 'd': the two bytes start the first line, whose field name is then not "data".
        byte[] input = Bytes(new byte[] { 0xEF, 0xBB }, "data: x\n\ndata: y\n\n");
        await ExpectAsync(input, ["message|y|"]);

        // The kept bytes count in the stream: "data: y" starts after EF BB "data: x" LF LF.
        await ForEachSplitAsync(input, null, (split, run) => Check(split.Name, 11L, run.Items[0].Offset));
    }

    [Fact]
    public async Task BomPrefixBytesCountTowardsTheFirstLine()
    {
        // A real BOM is not part of the line: a 7-byte line fits MaxLineLength 7.
        var seven = new SseReaderOptions { MaxLineLength = 7 };
        await ExpectAsync(Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, "data: x\n\n"), ["message|x|"], options: seven);

        // EF BB followed by 'd' is not a BOM: the line is 9 bytes and breaks MaxLineLength 8 at offset 8.
        await ExpectLimitAsync(Bytes(new byte[] { 0xEF, 0xBB }, "data: x\n\n"), new SseReaderOptions { MaxLineLength = 8 }, "MaxLineLength", 8, 1);
    }

    [Fact]
    public Task BomPrefixFollowedByAnotherBom()
        => ExpectAsync(Bytes(new byte[] { 0xEF, 0xEF, 0xBB, 0xBF }, "data: x\n\ndata: y\n\n"), ["message|y|"]);

    [Fact]
    public Task StreamOfOnlyABomOrAPartOfOne()
        => Task.WhenAll(
            ExpectAsync(new byte[] { 0xEF, 0xBB, 0xBF }, []),
            ExpectAsync(new byte[] { 0xEF, 0xBB }, [], options: Unterminated),
            ExpectAsync(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'\n' }, []));

    // --- Comments ---------------------------------------------------------------------------

    [Fact]
    public Task CommentsAreIgnoredByDefault()
        => ExpectAsync(":comment\ndata: x\n: another\n:\n\n", ["message|x|"]);

    [Fact]
    public Task CommentsAreReportedWhenAsked()
        => ExpectAsync(":first\ndata: x\n: second\n:  two spaces\n:\n\n", [":first", ":second", ": two spaces", ":", "message|x|"], options: Comments);

    [Fact]
    public Task CommentOnlyStreamDispatchesNothing()
        => ExpectAsync(": keep-alive\n\n: keep-alive\n\n", []);

    // --- Field parsing ----------------------------------------------------------------------

    [Fact]
    public Task FieldWithoutColonHasEmptyValue()
        => ExpectAsync("data\n\n", ["message||"]);

    [Fact]
    public Task TwoEmptyDataLinesGiveOneLineFeed()
        => ExpectAsync("data\ndata\n\n", ["message|\\n|"]);

    [Fact]
    public Task EmptyDataLineThenValue()
        => ExpectAsync("data\ndata: x\n\ndata:\n\n", ["message|\\nx|", "message||"]);

    [Fact]
    public Task OnlyOneLeadingSpaceIsRemoved()
        => ExpectAsync("data:  x\n\ndata:x\n\ndata: \n\ndata:\tx\n\ndata: x \n\n", ["message| x|", "message|x|", "message||", "message|\\x09x|", "message|x |"]);

    [Fact]
    public Task ValueIsEverythingAfterTheFirstColon()
        => ExpectAsync("data: a:b: c\n\n", ["message|a:b: c|"]);

    [Fact]
    public Task DataLinesAreJoinedWithLineFeed()
        => ExpectAsync("data: a\ndata: b\ndata: c\n\ndata: a\ndata:\n\n", ["message|a\\nb\\nc|", "message|a\\n|"]);

    [Fact]
    public Task UnknownFieldsAreIgnored()
        => ExpectAsync("foo: bar\ndata: x\nbaz\ndata : y\n data: z\ndata_1: w\n\n", ["message|x|"]);

    [Fact]
    public Task FieldNamesAreCaseSensitive()
        => ExpectAsync("Data: x\n\nDATA: y\n\nEvent: e\nID: 5\nRetry: 10\ndata: z\n\n", ["message|z|"]);

    [Fact]
    public Task FieldParsingMixture()
        => ExpectAsync(
            Bytes("data:\0\ndata:  2\nData:1\ndata\0:2\ndata:1\n\0data:4\nda-ta:3\ndata_5\ndata:3\ndata:\n data:32\ndata:4\n\n"),
            ["message|\\x00\\n 2\\n1\\n3\\n\\n4|"]);

    // --- event ------------------------------------------------------------------------------

    [Fact]
    public Task EventTypeIsUsed()
        => ExpectAsync("event: delta\ndata: x\n\nevent: custom-type\ndata: y\n\n", ["delta|x|", "custom-type|y|"]);

    [Fact]
    public Task EmptyEventTypeIsMessage()
        => ExpectAsync("event:\ndata: x\n\nevent\ndata: y\n\nevent: custom\nevent:\ndata: z\n\n", ["message|x|", "message|y|", "message|z|"]);

    [Fact]
    public Task LastEventFieldWins()
        => ExpectAsync("event: a\nevent: b\ndata: x\n\n", ["b|x|"]);

    [Fact]
    public Task EventTypeIsResetAfterDispatch()
        => ExpectAsync("event: a\ndata: 1\n\ndata: 2\n\nevent: a\ndata: 3\n\ndata: 4\n\n", ["a|1|", "message|2|", "a|3|", "message|4|"]);

    [Fact]
    public Task EventTypeOfAnEventWithoutDataDoesNotLeak()
        => ExpectAsync("event: a\n\ndata: 2\n\nevent: b\nid: 1\n\ndata: 3\n\n", ["message|2|", "message|3|1"], lastEventId: "1");

    [Fact]
    public Task EventTypeIsOneSpaceTrimmedAndCaseKept()
        => ExpectAsync("event:  Spaced \ndata: x\n\n", [" Spaced |x|"]);

    // --- id ---------------------------------------------------------------------------------

    [Fact]
    public Task IdIsStickyAcrossEvents()
        => ExpectAsync("id: 1\ndata: a\n\ndata: b\n\n", ["message|a|1", "message|b|1"], lastEventId: "1");

    [Fact]
    public Task IdWithNulIsIgnored()
        => ExpectAsync("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\nid: \0\ndata: c\n\n", ["message|a|1", "message|b|1", "message|c|1"], lastEventId: "1");

    [Fact]
    public Task EmptyIdResetsTheLastEventId()
        => ExpectAsync("id: 1\ndata: a\n\nid:\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\n", ["message|a|1", "message|b|", "message|c|2", "message|d|"]);

    [Fact]
    public Task IdIsCommittedOnlyAtDispatch_UnterminatedEventDoesNotChangeIt()
        => Task.WhenAll(
            ExpectAsync("id: 1\ndata: a\n\nid: 2\ndata: b", ["message|a|1"], lastEventId: "1"),
            ExpectAsync("id: 1\ndata: a\n\nid: 2\ndata: b\n", ["message|a|1"], lastEventId: "1"),
            ExpectAsync("id: 1\ndata: a\n\nid: 2\n", ["message|a|1"], lastEventId: "1"));

    [Fact]
    public async Task IdIsNotVisibleBeforeItsEventIsDispatched()
    {
        const string Input = "id: 1\ndata: a\n\nid: 2\n:seen\ndata: b\n:seen\n\n";
        await ExpectAsync(Input, ["message|a|1", ":seen", ":seen", "message|b|2"], lastEventId: "2", options: Comments);

        // At the comments the reader has parsed "id: 2" but not dispatched its event.
        foreach (string lineEnd in LineEnds.All)
        {
            await ForEachSplitAsync(Rewrite(Input, lineEnd), Comments, (split, run) =>
                Check($"{LineEnds.Name(lineEnd)}, {split}", new[] { "1", "1", "1", "2" }, run.Items.Select(i => i.LastEventId).ToArray()));
        }
    }

    [Fact]
    public async Task IdOnlyEventUpdatesTheLastEventId()
    {
        await ExpectAsync("id: 7\n\ndata: x\n\n", ["message|x|7"], lastEventId: "7");
        await ExpectAsync("id: 7\n\n", [], lastEventId: "7");
    }

    [Fact]
    public Task IdIsKeptExactly()
        => ExpectAsync("id:  spaced \ndata: x\n\nid: \u00e9\u20ac\ndata: y\n\n", ["message|x| spaced ", "message|y|\u00e9\u20ac"], lastEventId: "\u00e9\u20ac");

    [Fact]
    public Task IdWithInvalidUtf8IsDecodedWithReplacement()
        => ExpectAsync(Bytes("id: a", new byte[] { 0xFF }, "b\ndata: x\n\n"), ["message|x|a\uFFFDb"], lastEventId: "a\uFFFDb");

    // --- retry ------------------------------------------------------------------------------

    [Fact]
    public Task RetryTakesDigits()
        => Task.WhenAll(
            ExpectAsync("retry: 1500\n\n", [], retry: 1500),
            ExpectAsync("retry: 0\n\n", [], retry: 0),
            ExpectAsync("retry: 007\n\n", [], retry: 7),
            ExpectAsync("retry:42\n\n", [], retry: 42),
            ExpectAsync("retry: 9223372036854775807\n\n", [], retry: long.MaxValue));

    [Theory]
    [InlineData("retry: 1a")]
    [InlineData("retry: -1")]
    [InlineData("retry: +1")]
    [InlineData("retry:")]
    [InlineData("retry")]
    [InlineData("retry: 1.5")]
    [InlineData("retry: 1 ")]
    [InlineData("retry:  5")]
    [InlineData("retry: \u0661")]
    [InlineData("retry: 9223372036854775808")]
    [InlineData("retry: 99999999999999999999999999")]
    public Task InvalidRetryIsIgnored(string line)
        => ExpectAsync($"retry: 100\n{line}\ndata: x\n\n", ["message|x|"], retry: 100);

    [Fact]
    public Task RetryAppliesWithoutDispatch()
        => ExpectAsync("data: a\n\nretry: 42\ndata: b", ["message|a|"], retry: 42);

    // --- Dispatch ---------------------------------------------------------------------------

    [Fact]
    public Task EmptyDataBufferDispatchesNothing()
        => ExpectAsync("event: x\nid: 3\n\n\n\nfoo\n\ndata: y\n\n", ["message|y|3"], lastEventId: "3");

    [Fact]
    public Task UnterminatedFinalEventIsDiscarded()
        => Task.WhenAll(
            ExpectAsync("data: a\n\ndata: b", ["message|a|"]),
            ExpectAsync("data: a\n\ndata: b\n", ["message|a|"]),
            ExpectAsync("data: a\n\nevent: e\ndata: b\ndata: c\n", ["message|a|"]));

    [Fact]
    public Task UnterminatedFinalEventIsDispatchedWhenAsked()
        => Task.WhenAll(
            ExpectAsync("data: a\n\ndata: b", ["message|a|", "message|b|"], options: Unterminated),
            ExpectAsync("data: a\n\nevent: e\nid: 9\ndata: b\ndata: c\n", ["message|a|", "e|b\\nc|9"], lastEventId: "9", options: Unterminated),
            ExpectAsync("data: a\n\nid: 9", ["message|a|"], lastEventId: "9", options: Unterminated),
            ExpectAsync("data: a\n\n", ["message|a|"], options: Unterminated));

    [Fact]
    public Task UnterminatedEventAfterAReportedCommentIsStillDispatched()
        => Task.WhenAll(
            ExpectAsync("data: a\n:tail", [":tail", "message|a|"], options: new SseReaderOptions { DispatchUnterminatedEvent = true, ReportComments = true }),
            ExpectAsync("data: a\n:tail\n", [":tail", "message|a|"], options: new SseReaderOptions { DispatchUnterminatedEvent = true, ReportComments = true }));

    [Fact]
    public Task ManyEventsInOneRead()
        => ExpectAsync("data: 1\n\ndata: 2\n\nevent: e\ndata: 3\n\ndata: 4\n\n", ["message|1|", "message|2|", "e|3|", "message|4|"]);

    [Fact]
    public Task EmptyInput()
        => ExpectAsync([], []);

    // --- Line ends --------------------------------------------------------------------------

    [Fact]
    public Task CrLfIsOneLineEnd_CrThenOtherIsTwo()
        => Task.WhenAll(
            ExpectAsync("data: a\r\ndata: b\r\n\r\n", ["message|a\\nb|"], rewriteLineEnds: false),
            ExpectAsync("data: a\rdata: b\r\r", ["message|a\\nb|"], rewriteLineEnds: false),
            ExpectAsync("data: a\r\rdata: b\r\r", ["message|a|", "message|b|"], rewriteLineEnds: false));

    [Fact]
    public async Task CrAtTheEndOfAReadAndLfAtTheStartOfTheNextAreOneLineEnd()
    {
        SseRun run = await FeedAsync([Lf("data: a\r"), Lf("\ndata: b\r"), Lf("\n\r"), Lf("\n")]);
        Assert.Equal(["message|a\\nb|"], run.Rendered);
        Assert.Equal(20, run.BytesConsumed);
    }

    [Fact]
    public Task LfThenCrIsTwoLineEnds()
        => ExpectAsync("data: a\n\rdata: b\n\n", ["message|a|", "message|b|"], rewriteLineEnds: false);

    [Fact]
    public Task MixedLineEnds()
        => ExpectAsync("data: a\r\ndata: b\ndata: c\rdata: d\n\r\nid: 1\rdata: e\r\r\n", ["message|a\\nb\\nc\\nd|", "message|e|1"], lastEventId: "1", rewriteLineEnds: false);

    [Fact]
    public Task CrInsideAValueEndsTheLine()
        => ExpectAsync("data: a\rb\n\n", ["message|a|"], rewriteLineEnds: false);

    // --- Bytes ------------------------------------------------------------------------------

    [Fact]
    public Task InvalidUtf8IsPassedThroughUnchanged()
        => ExpectAsync(Bytes("data: ", new byte[] { 0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82 }, "\n\n"), ["message|\\xFF\\xFE\\xC3(\\xE2\\x82|"]);

    [Fact]
    public async Task InvalidUtf8InTheEventTypeIsReplaced()
    {
        await ExpectAsync(Bytes("event: a", new byte[] { 0xC3 }, "\ndata: x\n\n"), ["a\uFFFD|x|"]);
    }

    [Fact]
    public async Task MultiByteCharactersSplitAcrossReadsArePassedThrough()
    {
        await ExpectAsync("data: \u00e9\u20ac\U0001F600\n\n", ["message|\\xC3\\xA9\\xE2\\x82\\xAC\\xF0\\x9F\\x98\\x80|"]);
        await ForEachSplitAsync(Lf("data: \u00e9\u20ac\U0001F600\n\n"), null, (split, run) => Check(split.Name, "\u00e9\u20ac\U0001F600", System.Text.Encoding.UTF8.GetString(run.Items[0].Data)));
    }

    [Fact]
    public Task NulBytesInDataArePassedThrough()
        => ExpectAsync("data: a\0b\n\ndata: \0\n\n", ["message|a\\x00b|", "message|\\x00|"]);

    // --- Numbers and offsets ----------------------------------------------------------------

    [Fact]
    public async Task NumbersAndOffsets_Lf()
    {
        // 0: "data: a" LF LF; 9: ":c" LF; 12: "id: 1" LF; 18: "data: b" LF LF; 27: LF; 28: "event: e" ...
        byte[] input = Lf("data: a\n\n:c\nid: 1\ndata: b\n\n\nevent: e\ndata: c\n\n");
        await ForEachSplitAsync(input, Comments, (split, run) =>
        {
            Check(split.Name, ["message|a|", ":c", "message|b|1", "e|c|1"], run.Rendered);
            Check(split.Name + " numbers", new long[] { 1, 2, 2, 3 }, run.Items.Select(i => i.Number).ToArray());
            Check(split.Name + " offsets", new long[] { 0, 9, 12, 28 }, run.Items.Select(i => i.Offset).ToArray());
            Check(split.Name + " bytes", input.Length, (int)run.BytesConsumed);
        });
    }

    [Fact]
    public async Task NumbersAndOffsets_CrLf()
    {
        // 0: "data: a" CRLF CRLF; 11: ":c" CRLF; 15: "id: 1" CRLF; 22: "data: b" CRLF CRLF; 33: CRLF; 35: "event: e"
        byte[] input = CrLf("data: a\n\n:c\nid: 1\ndata: b\n\n\nevent: e\ndata: c\n\n");
        await ForEachSplitAsync(input, Comments, (split, run) =>
        {
            Check(split.Name, ["message|a|", ":c", "message|b|1", "e|c|1"], run.Rendered);
            Check(split.Name + " offsets", new long[] { 0, 11, 15, 35 }, run.Items.Select(i => i.Offset).ToArray());
        });
    }

    [Fact]
    public async Task BytesConsumedAdvancesPerItem()
    {
        var feedParts = new[] { Lf("data: a\n\ndata: b\n\n") };
        await using PipeFeed feed = PipeFeed.Start(feedParts);
        using var reader = new SseEventReader(feed.Reader);
        Assert.True(await reader.ReadAsync());
        Assert.Equal(9, reader.BytesConsumed);
        Assert.Equal(1, reader.EventCount);
        Assert.True(await reader.ReadAsync());
        Assert.Equal(18, reader.BytesConsumed);
        Assert.Equal(2, reader.EventCount);
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task DataStaysValidUntilTheNextRead()
    {
        // The first event's data is a slice of the pipe's buffer; reading on must not have changed it yet.
        await using PipeFeed feed = PipeFeed.Start([Lf("data: first\n\ndata: second\n\n")]);
        using var reader = new SseEventReader(feed.Reader);
        Assert.True(await reader.ReadAsync());
        SseEvent first = reader.Current;
        Assert.Equal("first", first.GetDataAsString());
        Assert.Equal("message", first.EventType);
        Assert.False(first.IsComment);
        Assert.True(await reader.ReadAsync());
        Assert.Equal("second", reader.Current.GetDataAsString());
    }
}

using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Cli;
using StreamCore.Tests.TestSupport;

namespace StreamCore.Tests.Cli;

/// <summary><c>streamcore events -</c> run in process: one JSON line per event, then one line of final state.</summary>
public class EventsCommandTests
{
    private static async Task<(int ExitCode, string[] Lines, string Errors)> RunAsync(byte[] input, params string[] args)
    {
        using var stdin = new MemoryStream(input);
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = await CommandLine.RunAsync(args.Length == 0 ? ["events", "-"] : args, stdin, stdout, stderr, CancellationToken.None);
        string text = Encoding.UTF8.GetString(stdout.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return (exit, text[..^1].Split('\n'), stderr.ToString());
    }

    private static async Task ExpectAsync(byte[] input, params string[] lines)
    {
        (int exit, string[] actual, string errors) = await RunAsync(input);
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, errors);
        Assert.Equal(lines, actual);
    }

    [Fact]
    public Task EventsThenFinalState()
        => ExpectAsync(
            LineEnds.Lf("event: e\nid: 1\ndata: a\n\ndata: b\ndata: c\n\nretry: 10\n"),
            """{"event":"e","data":"a","id":"1"}""",
            """{"event":"message","data":"b\nc","id":"1"}""",
            """{"lastEventId":"1","retry":10}""");

    [Fact]
    public Task EmptyInputPrintsOnlyTheFinalState()
        => ExpectAsync([], """{"lastEventId":"","retry":null}""");

    [Fact]
    public Task CrLfStreamWithBomAndComments()
        => ExpectAsync(
            LineEnds.Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, LineEnds.CrLf(": hi\nevent:\ndata: x\n\nevent: delta\nid: 9\ndata: y\n\n")),
            """{"event":"message","data":"x","id":""}""",
            """{"event":"delta","data":"y","id":"9"}""",
            """{"lastEventId":"9","retry":null}""");

    [Fact]
    public Task UnterminatedEventIsNotPrintedAndItsIdNotCommitted()
        => ExpectAsync(
            LineEnds.Lf("id: 1\ndata: a\n\nid: 2\nretry: 5\ndata: b"),
            """{"event":"message","data":"a","id":"1"}""",
            """{"lastEventId":"1","retry":5}""");

    [Fact]
    public Task InvalidUtf8IsReplacedAndControlCharactersAreEscaped()
        => ExpectAsync(
            LineEnds.Bytes("data: a", new byte[] { 0xFF }, "b\0c\td", new byte[] { 0x1F, 0x7F }, "\u0085 \u2028 \"q\" \\ \u00e9\u20ac\ndata: end", new byte[] { 0xE2, 0x82 }, "\n\n"),
            """{"event":"message","data":"a\uFFFDb\u0000c\td\u001F\u007F\u0085 \u2028 \"q\" \\ é€\nend\uFFFD","id":""}""",
            """{"lastEventId":"","retry":null}""");

    [Fact]
    public async Task ReadsAFileArgument()
    {
        string path = Path.Combine(Path.GetTempPath(), $"streamcore-events-{Guid.NewGuid():N}.sse");
        await File.WriteAllBytesAsync(path, LineEnds.Lf("data: from file\n\n"));
        try
        {
            (int exit, string[] lines, string errors) = await RunAsync([], "events", path);
            Assert.Equal(0, exit);
            Assert.Equal(string.Empty, errors);
            Assert.Equal(["""{"event":"message","data":"from file","id":""}""", """{"lastEventId":"","retry":null}"""], lines);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

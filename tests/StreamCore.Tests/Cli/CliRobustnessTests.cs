using System;
using System.Diagnostics;
using System.IO;
using System.Buffers;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Cli;
using StreamCore.Tests.Transport;

namespace StreamCore.Tests.Cli;

/// <summary>
/// The command line at its edges: no path ends in an unhandled exception, Ctrl+C prints what was
/// assembled and exits 130, a saved error answer is the provider error it holds, output is buffered
/// and a closed pipe ends the command. In process where that suffices, as a real process for signals and pipes.
/// </summary>
public sealed class CliRobustnessTests(LoopbackServer server) : IClassFixture<LoopbackServer>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("streamcore-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = await CommandLine.RunAsync(args, input, stdout, stderr, CancellationToken.None).WaitAsync(TransportTests.HangGuard);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    private static void AssertOneLine(string stderr, string contains)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string line = Assert.Single(lines);
        Assert.StartsWith("streamcore: ", line, StringComparison.Ordinal);
        Assert.Contains(contains, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task PostToAPortNobodyListensOnExitsOneWithOneLine()
    {
        string body = File("body.json", """{"model":"m","messages":[]}""");
        (int exit, string stdout, string stderr) = await RunAsync(string.Empty, "post", "http://127.0.0.1:1/v1/chat/completions", "--body", body);
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        AssertOneLine(stderr, "cannot reach http://127.0.0.1:1");
    }

    [Fact]
    public async Task PostToAnUnknownHostExitsOneWithOneLine()
    {
        string body = File("body.json", """{"model":"m","messages":[]}""");
        (int exit, _, string stderr) = await RunAsync(string.Empty, "post", "http://streamcore-test.invalid/v1/chat/completions", "--body", body);
        Assert.Equal(1, exit);
        AssertOneLine(stderr, "cannot reach http://streamcore-test.invalid");
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/x")]
    [InlineData("/v1/chat/completions")]
    public async Task PostWithABadUrlExitsOneWithOneLine(string url)
    {
        string body = File("body.json", """{"model":"m"}""");
        (int exit, _, string stderr) = await RunAsync(string.Empty, "post", url, "--body", body);
        Assert.Equal(1, exit);
        AssertOneLine(stderr, "is not an http or https URL");
    }

    [Theory]
    [InlineData("{\"model\": ", "is not JSON")]
    [InlineData("[1, 2]", "must be a JSON object, not array")]
    [InlineData("null", "must be a JSON object, not null")]
    [InlineData("\"text\"", "must be a JSON object, not string")]
    public async Task PostWithABodyThatIsNotAJsonObjectExitsOneWithOneLine(string content, string says)
    {
        string body = File("body.json", content);
        (int exit, _, string stderr) = await RunAsync(string.Empty, "post", server.Url("v1/chat/completions").ToString(), "--body", body);
        Assert.Equal(1, exit);
        AssertOneLine(stderr, says);
    }

    [Fact]
    public async Task PostWithABodyThatIsADirectoryOrMissingExitsOne()
    {
        (int exit, _, string stderr) = await RunAsync(string.Empty, "post", server.Url("v1/chat/completions").ToString(), "--body", _dir);
        Assert.Equal(1, exit);
        AssertOneLine(stderr, "is a directory");
        (exit, _, stderr) = await RunAsync(string.Empty, "post", server.Url("v1/chat/completions").ToString(), "--body", Path.Combine(_dir, "missing.json"));
        Assert.Equal(1, exit);
        AssertOneLine(stderr, "missing.json");
    }

    [Fact]
    public async Task PostThatGetsAnHtmlPageSaysWhatCameBack()
    {
        string body = File("body.json", """{"model":"m"}""");
        (int exit, string stdout, string stderr) = await RunAsync(string.Empty, "post", server.Url("html").ToString(), "--body", body);
        Assert.Equal(4, exit);
        Assert.Contains("text/html, not text/event-stream", stderr, StringComparison.Ordinal);
        Assert.Contains("Gateway login", (string?)JsonNode.Parse(stdout)!["error"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-")]
    [InlineData("file")]
    public async Task AJsonErrorBodyGivenAsInputIsTheProviderErrorItHolds(string how)
    {
        // What a failed curl leaves on disk: the answer's body, not an event stream.
        string saved = "\uFEFF\n  {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n";
        string[] args = how == "-" ? ["assemble", "-"] : ["assemble", File("saved.sse", saved)];
        (int exit, string stdout, string stderr) = await RunAsync(how == "-" ? saved : string.Empty, args);
        Assert.Equal(4, exit);
        Assert.Equal("""{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""" + "\n", stdout);
        AssertOneLine(stderr, "provider error");
        (exit, _, _) = await RunAsync(saved, "updates");
        Assert.Equal(4, exit);
    }

    [Fact]
    public async Task AJsonDocumentWithoutAnErrorIsMalformedInput()
    {
        (int exit, string stdout, string stderr) = await RunAsync("""{"id":"chatcmpl-1","object":"chat.completion","choices":[]}""", "assemble");
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        AssertOneLine(stderr, "not an event stream");
    }

    [Fact]
    public async Task ADirectoryAsInputSaysItIsADirectory()
    {
        foreach (string command in new[] { "assemble", "updates", "events" })
        {
            (int exit, _, string stderr) = await RunAsync(string.Empty, command, _dir);
            Assert.Equal(1, exit);
            AssertOneLine(stderr, "is a directory, not a file");
        }
    }

    [Fact]
    public async Task UpdatesAreWrittenInFewWritesNotTwoPerLine()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 500; i++)
        {
            text.Append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word ").Append(i).Append("\"}}]}\n\n");
        }

        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        using var stdout = new CountingWrites();
        int exit = await CommandLine.RunAsync(["updates"], stdin, stdout, TextWriter.Null, CancellationToken.None);
        Assert.Equal(3, exit); // the stream never said it ended
        Assert.Equal(501, Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.InRange(stdout.Writes, 1, 10); // buffered: flushed when the input is read again, and at the end
    }

    [Theory]
    [InlineData("updates")]
    [InlineData("events")]
    public async Task OutputReachesTheReaderWhileTheInputStaysOpen(string command)
    {
        // Buffered output is flushed when the input would block: a live stream's update is seen at once.
        var input = new Pipe();
        var output = new Pipe();
        using var cts = new CancellationTokenSource(TransportTests.HangGuard);
        Task<int> run = CommandLine.RunAsync([command], input.Reader.AsStream(), output.Writer.AsStream(), TextWriter.Null, cts.Token);
        await input.Writer.WriteAsync(Encoding.UTF8.GetBytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"live\"}}]}\n\n"), cts.Token);

        string seen = string.Empty;
        while (!seen.Contains('\n', StringComparison.Ordinal))
        {
            ReadResult read = await output.Reader.ReadAsync(cts.Token);
            seen = Encoding.UTF8.GetString(read.Buffer.ToArray());
            output.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        Assert.Contains("live", seen, StringComparison.Ordinal);
        Assert.False(run.IsCompleted, "the input is still open");
        await input.Writer.CompleteAsync();
        int exit = await run.WaitAsync(TransportTests.HangGuard);
        Assert.Equal(command == "updates" ? 3 : 0, exit); // updates: the stream never said it ended
        await output.Reader.CompleteAsync();
    }

    [Fact]
    public async Task AReaderThatClosesTheOutputEndsTheCommandWithoutReadingTheRest()
    {
        // An endless input: only a closed output can end the command.
        using var stdin = new EndlessEvents();
        using var stdout = new ClosingAfter(bytes: 10_000);
        var stderr = new StringWriter();
        foreach (string command in new[] { "updates", "events" })
        {
            int exit = await CommandLine.RunAsync([command], stdin, stdout, stderr, CancellationToken.None).WaitAsync(TransportTests.HangGuard);
            Assert.Equal(141, exit);
        }

        Assert.Equal(string.Empty, stderr.ToString());
        Assert.InRange(stdin.BytesRead, 1, 4 * 1024 * 1024);
    }

    [Fact]
    public async Task CtrlCDuringAssembleWithStandardInputOpenPrintsThePartialResultAndExits130()
    {
        using Process process = StartProgram("assemble");
        await process.StandardInput.WriteAsync("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"kept \"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"so far\"}}]}\n\n");
        await process.StandardInput.FlushAsync(); // and the input stays open
        await Task.Delay(1500);
        Interrupt(process);
        Assert.True(process.WaitForExit(TransportTests.HangGuard), "the program ends on Ctrl+C although its input is open");
        string stdout = await process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        Assert.Equal(130, process.ExitCode);
        Assert.Equal("kept so far", (string?)JsonNode.Parse(stdout)!["choices"]![0]!["message"]!["content"]);
        Assert.Contains("cancelled", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlCDuringPostPrintsThePartialResultAndExits130()
    {
        string body = File("body.json", """{"model":"loop-1","messages":[]}""");
        using Process process = StartProgram("post", server.Url("v1/stalling/chat/completions").ToString(), "--body", body);
        process.StandardInput.Close();
        await Task.Delay(2000); // the server sent two events and stalls
        Interrupt(process);
        Assert.True(process.WaitForExit(TransportTests.HangGuard), "the program ends on Ctrl+C during a stalled answer");
        string stdout = await process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        Assert.Equal(130, process.ExitCode);
        Assert.Equal("Hello over ", (string?)JsonNode.Parse(stdout)!["choices"]![0]!["message"]!["content"]);
        Assert.Contains("Hello over ", stderr, StringComparison.Ordinal); // the live text came first
    }

    [Fact]
    public async Task HeadOnTheOutputOfAnEndlessInputEndsTheProgram()
    {
        using Process process = StartProgram("events");
        var feeding = Task.Run(async () =>
        {
            byte[] line = Encoding.UTF8.GetBytes("data: {\"choices\":[{\"delta\":{\"content\":\"more\"}}]}\n\n");
            try
            {
                for (int i = 0; i < 2_000_000; i++)
                {
                    await process.StandardInput.BaseStream.WriteAsync(line);
                }
            }
            catch (IOException)
            {
                return true; // the program went away: its input pipe broke
            }

            return false;
        });
        string? first = await process.StandardOutput.ReadLineAsync();
        Assert.NotNull(first);
        process.StandardOutput.Close(); // what `| head -1` does
        Assert.True(process.WaitForExit(TransportTests.HangGuard), "the program stops once its reader is gone");
        Assert.Equal(141, process.ExitCode);
        Assert.True(await feeding.WaitAsync(TransportTests.HangGuard), "the program stopped before reading its whole input");
    }

    private static Process StartProgram(params string[] args)
    {
        string program = Path.Combine(AppContext.BaseDirectory, "streamcore.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static void Interrupt(Process process)
    {
        using Process kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    private sealed class CountingWrites : MemoryStream
    {
        public int Writes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            base.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Writes++;
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    /// <summary>An output whose reader goes away after some bytes: later writes fail as a broken pipe does.</summary>
    private sealed class ClosingAfter(int bytes) : MemoryStream
    {
        private int _written;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _written += buffer.Length;
            if (_written > bytes)
            {
                throw new IOException("Broken pipe");
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Events without end.</summary>
    private sealed class EndlessEvents : Stream
    {
        private static readonly byte[] Event = Encoding.UTF8.GetBytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"again \"}}]}\n\n");
        private long _position;

        public long BytesRead => _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                buffer[offset + i] = Event[(int)(_position++ % Event.Length)];
            }

            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

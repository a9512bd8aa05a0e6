using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Tests.Transport;

namespace StreamCore.Tests.Results;

/// <summary>
/// "Stop generating" keeps everything received, in every entry point: a real <see cref="HttpClient"/>
/// against a Kestrel server on loopback that stalls or drips its stream, cancelled when everything
/// before the stall has been read, and at random moments.
/// </summary>
public class CancellationTests(LoopbackServer server) : IClassFixture<LoopbackServer>
{
    private static readonly byte[] Fixture = TransportTests.TextFixture; // "Hello, world" in five deltas
    private static readonly int StallAfter = IndexAfter(Fixture, "\"wor\"},\"finish_reason\":null}]}\n\n");

    /// <summary>The ways to read a stream that a cancellation can interrupt.</summary>
    public enum EntryPoint
    {
        ChatAssembleResponse,
        ChatAssembleStream,
        ChatAssemblePipe,
        ChatUpdatesResponse,
        ChatUpdatesStream,
        ChatUpdatesPipe,
        ModelAssembleResponse,
        ModelAssembleStream,
        ModelUpdatesResponse,
        ModelUpdatesPipe,
    }

    public static TheoryData<EntryPoint> EntryPoints() => new(Enum.GetValues<EntryPoint>());

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task CancellingAStalledStreamThrowsWithEverythingReceived(EntryPoint entry)
    {
        using var cts = new CancellationTokenSource(TransportTests.HangGuard);
        using var client = new HttpClient(new ReadWatcher(StallAfter, cts)) { Timeout = Timeout.InfiniteTimeSpan };
        Uri url = server.StreamUrl(server.Register(Fixture), part: 23, stallAfter: StallAfter);
        (StreamCanceledException? canceled, StreamResult? completed, string announced) = await RunAsync(entry, client, url, cts.Token);

        Assert.Null(completed);
        Assert.NotNull(canceled);
        Assert.IsAssignableFrom<OperationCanceledException>(canceled);
        using StreamResult partial = canceled.PartialResult;
        Assert.Equal(StreamStatus.Incomplete, partial.Status);
        Assert.Equal("Hello, wor", partial.Text);
        Assert.Equal(4, partial.EventCount);
        if (partial is ChatCompletionResult chat)
        {
            Assert.Equal(ChatStreamStatus.Incomplete, chat.Status);
            Assert.IsType<ChatStreamCanceledException>(canceled);
        }

        if (IsUpdates(entry))
        {
            Assert.Equal("Hello, wor", announced);
        }
    }

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task CancellingAtRandomMomentsOfALiveStreamNeverLosesWhatArrived(EntryPoint entry)
    {
        // About 40 writes of 29 bytes, 10 ms apart.
        int cut = await CancelAtRandomMomentsAsync(server, entry, Fixture, new Random(1234 + (int)entry), rounds: 6, delayMs: 10);
        Assert.True(cut > 0, "at least one round was cancelled part-way through the text");
    }

    /// <summary>
    /// Reads <paramref name="body"/> ("Hello, world" in deltas) drip-fed by the server and cancels it at
    /// random moments: what completes is whole, what is cancelled is an incomplete prefix of the text,
    /// and on the update paths exactly what the updates announced. Returns how many rounds were
    /// cancelled with part of the text received, so that a caller can check the moments hit.
    /// </summary>
    internal static async Task<int> CancelAtRandomMomentsAsync(LoopbackServer server, EntryPoint entry, byte[] body, Random random, int rounds, int delayMs)
    {
        // The moments are placed by the bytes read, not by a clock (which the machine's load would
        // shift): the token fires when the reader comes back for more after a random number of
        // bytes between the first delta, "Hel", and the last, "ld", while the server drips the body.
        int textFrom = IndexAfter(body, "\"Hel\"") - 5;
        int textTo = IndexAfter(body, "\"ld\"");
        int cutPartWay = 0;
        for (int round = 0; round < rounds; round++)
        {
            Uri url = server.StreamUrl(server.Register(body), part: 29, delayMs: delayMs);
            using var cts = new CancellationTokenSource(TransportTests.HangGuard);
            using var client = new HttpClient(new ReadWatcher(random.Next(textFrom, textTo), cts)) { Timeout = Timeout.InfiniteTimeSpan };
            (StreamCanceledException? canceled, StreamResult? completed, string announced) = await RunAsync(entry, client, url, cts.Token);
            if (completed is not null)
            {
                using (completed)
                {
                    Assert.Equal(StreamStatus.Complete, completed.Status);
                    Assert.Equal("Hello, world", completed.Text);
                }

                continue;
            }

            if (canceled is null)
            {
                continue; // cancelled before the answer's headers arrived: nothing was received
            }

            using StreamResult partial = canceled.PartialResult;
            Assert.Equal(StreamStatus.Incomplete, partial.Status);
            string text = partial.Text ?? string.Empty;
            Assert.StartsWith(text, "Hello, world", StringComparison.Ordinal);
            if (IsUpdates(entry))
            {
                Assert.Equal(text, announced); // the result holds exactly what the updates announced
            }

            cutPartWay += text.Length is > 0 and < 12 ? 1 : 0;
        }

        return cutPartWay;
    }

    internal static bool IsUpdates(EntryPoint entry) => entry.ToString().Contains("Updates", StringComparison.Ordinal);

    /// <summary>Reads <paramref name="url"/> through <paramref name="entry"/>; returns the cancellation (or the result if it completed) and the text the updates announced.</summary>
    internal static async Task<(StreamCanceledException? Canceled, StreamResult? Completed, string Announced)> RunAsync(EntryPoint entry, HttpClient client, Uri url, CancellationToken token)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, token);
        }
        catch (OperationCanceledException e) when (e is not StreamCanceledException)
        {
            return (null, null, string.Empty);
        }

        using (response)
        {
            var announced = new StringBuilder();
            Stream? body = null;
            Pipe? pipe = null;
            Task? pump = null;
            try
            {
                if (entry.ToString().EndsWith("Stream", StringComparison.Ordinal) || entry.ToString().EndsWith("Pipe", StringComparison.Ordinal))
                {
                    body = await response.Content.ReadAsStreamAsync(token);
                }

                PipeReader? reader = null;
                if (entry.ToString().EndsWith("Pipe", StringComparison.Ordinal))
                {
                    // The pump waits until the reader consumed each write: it reads the body again only
                    // when everything before is processed, as the library's own reads do.
                    pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1));
                    pump = body!.CopyToAsync(pipe.Writer.AsStream(), token).ContinueWith(t => pipe.Writer.Complete(t.Exception), TaskScheduler.Default);
                    reader = pipe.Reader;
                }

                StreamResult result = entry switch
                {
                    EntryPoint.ChatAssembleResponse => await ChatStream.AssembleAsync(response, cancellationToken: token),
                    EntryPoint.ChatAssembleStream => await ChatStream.AssembleAsync(body!, cancellationToken: token),
                    EntryPoint.ChatAssemblePipe => await ChatStream.AssembleAsync(reader!, cancellationToken: token),
                    EntryPoint.ModelAssembleResponse => await ModelStream.AssembleAsync(response, cancellationToken: token),
                    EntryPoint.ModelAssembleStream => await ModelStream.AssembleAsync(body!, cancellationToken: token),
                    EntryPoint.ChatUpdatesResponse => await ConsumeAsync(ChatStream.ReadUpdatesAsync(response, cancellationToken: token).Select(u => u.Update), announced),
                    EntryPoint.ChatUpdatesStream => await ConsumeAsync(ChatStream.ReadUpdatesAsync(body!, cancellationToken: token).Select(u => u.Update), announced),
                    EntryPoint.ChatUpdatesPipe => await ConsumeAsync(ChatStream.ReadUpdatesAsync(reader!, cancellationToken: token).Select(u => u.Update), announced),
                    EntryPoint.ModelUpdatesResponse => await ConsumeAsync(ModelStream.ReadUpdatesAsync(response, cancellationToken: token), announced),
                    _ => await ConsumeAsync(ModelStream.ReadUpdatesAsync(reader!, cancellationToken: token), announced),
                };
                return (null, result, announced.ToString());
            }
            catch (StreamCanceledException e)
            {
                return (e, null, announced.ToString());
            }
            finally
            {
                if (pipe is not null)
                {
                    await pipe.Reader.CompleteAsync();
                    await pump!.ContinueWith(_ => { }, TaskScheduler.Default);
                }

                body?.Dispose();
            }
        }
    }

    private static async Task<StreamResult> ConsumeAsync(IAsyncEnumerable<StreamUpdate> updates, StringBuilder announced)
    {
        StreamResult? result = null;
        await foreach (StreamUpdate update in updates)
        {
            result = update.Result;
            if (update.Kind == StreamUpdateKind.ContentDelta)
            {
                announced.Append(update.GetText());
            }
        }

        return result!;
    }

    internal static int IndexAfter(byte[] haystack, string needle)
    {
        int at = haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle));
        Assert.True(at >= 0);
        return at + Encoding.UTF8.GetByteCount(needle);
    }

    /// <summary>Cancels <paramref name="cts"/> once the response body has been read up to <paramref name="bytes"/>: everything before the stall is then in the reader's hands.</summary>
    internal sealed class ReadWatcher(long bytes, CancellationTokenSource cts) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            HttpContent original = response.Content;
            var watched = new StreamContent(new WatchedStream(await original.ReadAsStreamAsync(cancellationToken), bytes, cts));
            foreach (var header in original.Headers)
            {
                watched.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = watched;
            return response;
        }
    }

    private sealed class WatchedStream(Stream inner, long bytes, CancellationTokenSource cts) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= bytes)
            {
                await cts.CancelAsync(); // the reader came back for more: what arrived is processed
            }

            int read = await inner.ReadAsync(buffer, cancellationToken);
            _read += read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

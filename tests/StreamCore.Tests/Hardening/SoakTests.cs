using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Sse;
using StreamCore.Tests.Transport;
using Xunit.Abstractions;
using static StreamCore.Tests.Hardening.Inputs;

namespace StreamCore.Tests.Hardening;

/// <summary>
/// Thousands of streams of every ending through one process: memory returns to its baseline, and
/// readers give their pooled buffers back on success, failure and cancellation alike. Runs alone.
/// </summary>
[Collection(MemoryMeasuringCollection.Name)]
public class SoakTests(ITestOutputHelper output)
{
    private const int Streams = 24_000;
    private const long AllowedGrowth = 8L * 1024 * 1024;
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static readonly byte[] Success = TransportTests.TextFixture;
    private static readonly string Prefix = Chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"so \"},\"finish_reason\":null}")
        + Chunk("{\"index\":0,\"delta\":{\"content\":\"far\"},\"finish_reason\":null}");

    private static readonly byte[] ProviderError = Utf8(Prefix + "event: error\ndata: {\"error\":{\"message\":\"boom\",\"code\":503}}\n\n");
    private static readonly byte[] ErrorChunk = Utf8(Prefix + "data: {\"choices\":[],\"error\":{\"message\":\"mid\"}}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"ignored\"}}]}\n\n");
    private static readonly byte[] Malformed = Utf8(Prefix + "data: {\"choices\":[{\"delta\":nope}]}\n\n");
    private static readonly byte[] LongLine = Utf8(Prefix + "data: " + new string('z', 20_000) + "\n\n");
    private static readonly byte[] Incomplete = Success[..(Success.Length * 2 / 3)];
    private static readonly ChatStreamOptions SmallLines = new() { Sse = new SseReaderOptions { MaxLineLength = 4096 } };

    private enum Ending
    {
        Complete,
        ProviderError,
        ErrorChunk,
        Malformed,
        LineLimit,
        Incomplete,
        CancelledAssemble,
        CancelledUpdates,
    }

    [Fact]
    public async Task ThousandsOfMixedStreamsReturnMemoryToItsBaseline()
    {
        var counts = new Dictionary<Ending, int>();
        await RunAsync(800, counts).WaitAsync(HangGuard); // warm-up: JIT, pools, caches
        counts.Clear();

        long baseline = SettledMemory();
        var clock = Stopwatch.StartNew();
        await RunAsync(Streams, counts).WaitAsync(HangGuard);
        TimeSpan elapsed = clock.Elapsed;
        long after = SettledMemory();
        long growth = after - baseline;
        output.WriteLine($"soak: {Streams} streams in {elapsed.TotalSeconds:0.00} s; heap {baseline} -> {after} bytes (growth {growth}); {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");

        Assert.Equal(Enum.GetValues<Ending>().Length, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, Streams / counts.Count, (Streams / counts.Count) + 1));
        Assert.InRange(growth, long.MinValue, AllowedGrowth);
    }

    [Fact]
    public async Task DisposedReadersHoldNoPooledMemoryWhateverTheEnding()
    {
        // Success, with data copied into pooled buffers (lines cut across segments, multi-line data).
        byte[] multiLine = Utf8("id: 7\ndata: a\ndata: b\n\n" + Encoding.UTF8.GetString(Success));
        PipeReader pipe = Segmented(multiLine, [3, 9, 40, 41, 200]);
        var reader = new SseEventReader(pipe);
        int events = 0;
        while (await reader.ReadAsync())
        {
            events++;
        }

        Assert.Equal(8, events);
        Assert.True(reader.HoldsPooledMemory);
        reader.Dispose();
        Assert.False(reader.HoldsPooledMemory);

        // A limit breach while a line is buffered.
        reader = new SseEventReader(Segmented(LongLine, [LongLine.Length - 15_000]), new SseReaderOptions { MaxLineLength = 8192 });
        var limit = await Assert.ThrowsAsync<SseLimitExceededException>(async () =>
        {
            while (await reader.ReadAsync())
            {
            }
        });
        Assert.Equal("MaxLineLength", limit.LimitName);
        Assert.True(reader.HoldsPooledMemory);
        reader.Dispose();
        Assert.False(reader.HoldsPooledMemory);

        // Cancellation while a partial line waits for the rest.
        var live = new Pipe(new PipeOptions(useSynchronizationContext: false));
        await live.Writer.WriteAsync(Utf8("data: {\"partial"));
        reader = new SseEventReader(live.Reader);
        using (var cts = new CancellationTokenSource())
        {
            ValueTask<bool> pending = reader.ReadAsync(cts.Token);
            Assert.False(pending.IsCompleted);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending).WaitAsync(HangGuard);
        }

        Assert.True(reader.HoldsPooledMemory);
        reader.Dispose();
        Assert.False(reader.HoldsPooledMemory);
        await live.Writer.CompleteAsync();
        await live.Reader.CompleteAsync();

        // End of input inside an unterminated event.
        reader = new SseEventReader(Segmented(Incomplete, [Incomplete.Length / 2]));
        while (await reader.ReadAsync())
        {
        }

        reader.Dispose();
        Assert.False(reader.HoldsPooledMemory);
    }

    [Fact]
    public async Task CancelledUpdatesLeaveTheCallerAUsableIncompleteResult()
    {
        ChatCompletionResult? seen = await CancelUpdatesAsync();
        Assert.NotNull(seen);
        Assert.Equal(ChatStreamStatus.Incomplete, seen.Status);
        Assert.Equal("so far", seen.Choices[0].Content);
        seen.Dispose(); // the caller owns it
        Assert.Throws<ObjectDisposedException>(() => seen.Status);
    }

    private static long SettledMemory()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task RunAsync(int streams, Dictionary<Ending, int> counts)
    {
        Ending[] endings = Enum.GetValues<Ending>();
        for (int i = 0; i < streams; i++)
        {
            Ending ending = endings[i % endings.Length];
            await RunOneAsync(ending, i);
            counts[ending] = counts.GetValueOrDefault(ending) + 1;
        }
    }

    private static async Task RunOneAsync(Ending ending, int i)
    {
        int[] cuts = [1 + (i % 50), 60 + (i % 97)];
        switch (ending)
        {
            case Ending.Complete:
            {
                using ChatCompletionResult result = await ChatStream.AssembleAsync(Segmented(Success, cuts));
                Assert.Equal(ChatStreamStatus.Complete, result.Status);
                Assert.Equal("Hello, world", result.Choices[0].Content);
                break;
            }

            case Ending.ProviderError or Ending.ErrorChunk:
            {
                using ChatCompletionResult result = await ChatStream.AssembleAsync(Segmented(ending == Ending.ProviderError ? ProviderError : ErrorChunk, cuts));
                Assert.Equal(ChatStreamStatus.Failed, result.Status);
                Assert.Equal("so far", result.Choices[0].Content);
                var error = Assert.Throws<ChatProviderErrorException>(() => result.EnsureSuccess());
                Assert.Contains(ending == Ending.ProviderError ? "boom" : "mid", error.ErrorJson, StringComparison.Ordinal);
                break;
            }

            case Ending.Malformed or Ending.LineLimit:
            {
                var error = await Assert.ThrowsAsync<ChatStreamFormatException>(async () =>
                    await ChatStream.AssembleAsync(Segmented(ending == Ending.Malformed ? Malformed : LongLine, cuts), SmallLines));
                using ChatCompletionResult partial = error.PartialResult!;
                Assert.Equal("so far", partial.Choices[0].Content);
                Assert.Equal(3, error.EventNumber);
                break;
            }

            case Ending.Incomplete:
            {
                using ChatCompletionResult result = await ChatStream.AssembleAsync(Segmented(Incomplete, cuts));
                Assert.Equal(ChatStreamStatus.Incomplete, result.Status);
                Assert.StartsWith("Hel", result.Choices[0].Content, StringComparison.Ordinal);
                break;
            }

            case Ending.CancelledAssemble:
            {
                var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
                await pipe.Writer.WriteAsync(Utf8(Prefix + "data: {\"choi"));
                using var cts = new CancellationTokenSource();
                ValueTask<ChatCompletionResult> pending = ChatStream.AssembleAsync(pipe.Reader, cancellationToken: cts.Token);
                Assert.False(pending.IsCompleted); // waiting for the rest of the third event
                await cts.CancelAsync();
                ChatStreamCanceledException canceled = await Assert.ThrowsAsync<ChatStreamCanceledException>(async () => await pending);
                using (canceled.PartialResult)
                {
                    Assert.Equal(ChatStreamStatus.Incomplete, canceled.PartialResult.Status);
                }

                await pipe.Writer.CompleteAsync();
                await pipe.Reader.CompleteAsync();
                break;
            }

            default:
                using (ChatCompletionResult? seen = await CancelUpdatesAsync())
                {
                    Assert.Equal(ChatStreamStatus.Incomplete, seen!.Status);
                }

                break;
        }
    }

    /// <summary>Reads updates until the text "so far" arrived, then cancels; returns the result the updates carried.</summary>
    private static async Task<ChatCompletionResult?> CancelUpdatesAsync()
    {
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        await pipe.Writer.WriteAsync(Utf8(Prefix + "data: {\"choi"));
        using var cts = new CancellationTokenSource();
        ChatCompletionResult? seen = null;
        var text = new StringBuilder();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(pipe.Reader, cancellationToken: cts.Token))
            {
                seen = update.Completion;
                if (update.Kind == ChatUpdateKind.ContentDelta)
                {
                    text.Append(update.GetText());
                    if (text.ToString() == "so far")
                    {
                        await cts.CancelAsync();
                    }
                }
            }
        });
        Assert.Equal("so far", text.ToString());
        await pipe.Writer.CompleteAsync();
        await pipe.Reader.CompleteAsync();
        return seen;
    }
}

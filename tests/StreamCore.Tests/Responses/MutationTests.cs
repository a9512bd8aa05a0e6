using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Responses;
using StreamCore.Sse;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Responses.ResponsesTestSupport;

namespace StreamCore.Tests.Responses;

/// <summary>
/// The recordings, mutated with a seeded generator (bytes flipped, inserted, deleted; events repeated,
/// dropped, swapped; JSON fragments spliced in): every outcome is a result or a
/// <see cref="StreamFormatException"/> with its partial result, never another exception, and the same
/// through the update path and through a pipe cut anywhere. The compared paths (delta runs, terminal
/// output) meet broken input here most.
/// </summary>
public class MutationTests
{
    private const int CasesPerFile = 300;

    private static readonly StreamOptions Tight = new()
    {
        Protocol = StreamProtocol.Responses,
        MaxOutputItems = 12,
        MaxPartsPerItem = 6,
        MaxAnnotations = 8,
        MaxResultBytes = 256 * 1024,
        MaxJsonDepth = 24,
        Sse = new SseReaderOptions { MaxLineLength = 256 * 1024, MaxEventSize = 256 * 1024 },
    };

    private static readonly byte[][] Insertions =
    [
        [0], [0xFF], [0xC3], "\""u8.ToArray(), "\\"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(),
        ","u8.ToArray(), "\n"u8.ToArray(), "\n\n"u8.ToArray(), "\t"u8.ToArray(), "0"u8.ToArray(), "9"u8.ToArray(), "-"u8.ToArray(), "."u8.ToArray(),
        "\\ud83d"u8.ToArray(), "\\u00"u8.ToArray(), "data: [DONE]\n\n"u8.ToArray(), "event: error\n"u8.ToArray(), "\"output_index\":2147483647,"u8.ToArray(),
        "\"content_index\":99,"u8.ToArray(), "\"type\":\"message_start\","u8.ToArray(), "\"output\":null,"u8.ToArray(), "\"delta\":\"x\","u8.ToArray(),
        "\"sequence_number\":07,"u8.ToArray(), "\"obfuscation\":\"\\\"\","u8.ToArray(),
    ];

    public static TheoryData<string> Files() => CorpusTheory();

    [Theory]
    [MemberData(nameof(Files))]
    public async Task MutatedRecordingsEndAsAResultOrAFormatError(string file)
    {
        byte[] original = ReadCorpus(file);
        var random = new Random(file.Length * 7919);
        var endings = new HashSet<string>();
        for (int i = 0; i < CasesPerFile; i++)
        {
            byte[] input = Mutate(original, random);
            string outcome = Run(input);
            endings.Add(outcome[..outcome.IndexOfAny([' ', '|'])]);
            string updates = RunUpdates(input);
            Assert.True(outcome == updates, $"case {i}: assembling gave {Head(outcome)}, the updates {Head(updates)}");
            if (i % 25 == 0)
            {
                IReadOnlyList<byte[]> parts = Splits.At(input, Enumerable.Range(0, 6).Select(_ => random.Next(1, Math.Max(2, input.Length))).ToArray());
                string piped = await OutcomeThroughPipeAsync(parts, Tight);
                Assert.True(outcome == piped, $"case {i}: whole {Head(outcome)}, piped {Head(piped)}");
            }
        }

        Assert.True(endings.Count >= 2, $"the mutations reached more than one ending: {string.Join(", ", endings)}");
    }

    private static string Head(string text) => text.Length > 300 ? text[..300] : text;

    private static string Run(byte[] input)
    {
        try
        {
            ValueTask<StreamResult> pending = ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)), Tight);
            using StreamResult result = pending.AsTask().GetAwaiter().GetResult();
            return $"{result.Status}|{result.ToJson()}";
        }
        catch (StreamFormatException e)
        {
            using StreamResult partial = e.PartialResult;
            Assert.Equal(StreamStatus.Failed, partial.Status);
            Assert.InRange(e.ByteOffset, 0, input.Length);
            return $"malformed {e.EventNumber}@{e.ByteOffset}|{partial.ToJson()}";
        }
    }

    private static string RunUpdates(byte[] input)
    {
        IAsyncEnumerator<StreamUpdate> updates = ModelStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)), Tight).GetAsyncEnumerator();
        StreamResult? result = null;
        try
        {
            while (updates.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                StreamUpdate update = updates.Current;
                result = update.Result;
                _ = update.Kind is StreamUpdateKind.ContentDelta or StreamUpdateKind.ReasoningDelta or StreamUpdateKind.RefusalDelta or StreamUpdateKind.ToolCallArgumentsDelta
                    ? update.GetText()
                    : update.ToString();
            }

            return $"{result!.Status}|{result.ToJson()}";
        }
        catch (StreamFormatException e)
        {
            using StreamResult partial = e.PartialResult;
            return $"malformed {e.EventNumber}@{e.ByteOffset}|{partial.ToJson()}";
        }
        finally
        {
            result?.Dispose();
            updates.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.InsertRange(at, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(40)));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at); // cut
                    break;
                default:
                    MutateEvents(bytes, random);
                    break;
            }

            if (bytes.Count == 0)
            {
                bytes.AddRange(original.Take(10));
            }
        }

        return [.. bytes];
    }

    /// <summary>Repeats, drops or swaps whole events.</summary>
    private static void MutateEvents(List<byte> bytes, Random random)
    {
        string text = Encoding.UTF8.GetString([.. bytes]);
        var events = text.Split("\n\n").ToList();
        if (events.Count < 3)
        {
            return;
        }

        int a = random.Next(events.Count - 1);
        int b = random.Next(events.Count - 1);
        switch (random.Next(3))
        {
            case 0:
                events.Insert(b, events[a]);
                break;
            case 1:
                events.RemoveAt(a);
                break;
            default:
                (events[a], events[b]) = (events[b], events[a]);
                break;
        }

        bytes.Clear();
        bytes.AddRange(Encoding.UTF8.GetBytes(string.Join("\n\n", events)));
    }
}

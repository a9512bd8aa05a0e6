using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using StreamCore.Aitronos;
using StreamCore.Sse;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Aitronos.AitronosTestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>
/// Seeded mutations of the Aitronos fixtures (bytes flipped, inserted, deleted, the input cut), read
/// as Aitronos: every outcome is a result or a <see cref="StreamFormatException"/> with its partial
/// result, whose JSON is valid; never another exception; and the same input cut into two reads
/// through a real pipe ends the same way.
/// </summary>
public class MutationFuzzTests
{
    private const int Cases = 3000;

    private static readonly StreamOptions Tight = new()
    {
        Protocol = StreamProtocol.Aitronos,
        MaxToolCallsPerChoice = 8,
        MaxResultBytes = 64 * 1024,
        MaxJsonDepth = 16,
        Sse = new SseReaderOptions { MaxLineLength = 16 * 1024, MaxEventSize = 32 * 1024 },
    };

    private static readonly byte[][] Insertions =
    [
        [0], [0xFF], [0xC3], [0xED, 0xA0, 0x80], "\""u8.ToArray(), "\\"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), ","u8.ToArray(),
        "\n"u8.ToArray(), "\r"u8.ToArray(), "\n\n"u8.ToArray(), "data: [DONE]\n\n"u8.ToArray(), "event: response.error\n"u8.ToArray(), ": c\n"u8.ToArray(),
        "\\ud800"u8.ToArray(), "\\udc00"u8.ToArray(), "null"u8.ToArray(), "\"event\":\"response.completed\","u8.ToArray(),
        "\"event\":\"response.cancelled\","u8.ToArray(), "\"event\":\"response.block\",\"block\":{\"type\":\"tool_call\"},"u8.ToArray(),
        "\"response_blocks\":[{\"type\":\"tool_call\",\"tool_arguments\":{\"a\":[1]}}],"u8.ToArray(), "\"type\":\"message_start\","u8.ToArray(),
        "\"response\":\"full\","u8.ToArray(), "\"usage\":{\"outputSynapses\":1},"u8.ToArray(), "\"delta\":7,"u8.ToArray(), "\"x\":[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]],"u8.ToArray(),
    ];

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.InsertRange(at, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 8)));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return bytes.ToArray();
    }

    private static string Check(byte[] input)
    {
        try
        {
            using AitronosResult result = Assemble(input, Tight);
            using JsonDocument document = JsonDocument.Parse(result.ToJsonUtf8());
            _ = result.Text;
            _ = result.Reasoning;
            _ = result.ToolCalls.Select(c => c.Arguments).ToList();
            return $"{result.Status}|{Encoding.UTF8.GetString(result.ToJsonUtf8())}";
        }
        catch (StreamFormatException e)
        {
            using StreamResult partial = Assert.IsType<AitronosResult>(e.PartialResult);
            Assert.Equal(StreamStatus.Failed, partial.Status);
            Assert.InRange(e.ByteOffset, 0, input.Length);
            using JsonDocument document = JsonDocument.Parse(partial.ToJsonUtf8());
            return $"malformed {e.EventNumber}@{e.ByteOffset}: {e.Message}|{partial.ToJson()}";
        }
    }

    [Fact]
    public async Task MutatedStreamsEndAsAResultOrAFormatError()
    {
        var random = new Random(20_250_301);
        byte[][] bases = AitronosFixtures.All.Select(f => f.Bytes).ToArray();
        var statuses = new Dictionary<string, int>();
        for (int i = 0; i < Cases; i++)
        {
            byte[] input = Mutate(bases[random.Next(bases.Length)], random);
            string whole;
            try
            {
                whole = Check(input);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new InvalidOperationException($"case {i}: {Encoding.UTF8.GetString(input)}", e);
            }

            string kind = whole[..whole.IndexOf('|', StringComparison.Ordinal)].Split(' ')[0];
            statuses[kind] = statuses.GetValueOrDefault(kind) + 1;
            if (i % 10 == 0 && input.Length > 1)
            {
                string split = await OutcomeThroughPipeAsync(Splits.At(input, [random.Next(1, input.Length)]), Tight);
                Assert.True(whole == split, $"case {i}: {Encoding.UTF8.GetString(input)}\nwhole: {whole}\nsplit: {split}");
            }
        }

        // The mutations reach every ending.
        Assert.All(new[] { "Complete", "Incomplete", "Failed", "malformed" }, s => Assert.True(statuses.GetValueOrDefault(s) > 0, $"{s}: {string.Join(", ", statuses)}"));
    }
}

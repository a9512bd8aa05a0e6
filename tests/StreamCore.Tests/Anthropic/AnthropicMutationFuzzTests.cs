using System;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Anthropic;
using StreamCore.Sse;
using StreamCore.Tests.Hardening;
using static StreamCore.Tests.Anthropic.AnthropicTestSupport;

namespace StreamCore.Tests.Anthropic;

/// <summary>
/// A seeded mutation fuzzer over the Anthropic recordings: every mutated stream ends as a result
/// or a <see cref="StreamFormatException"/> carrying its partial result, whose views and JSON can
/// all be read; never another exception. The same input cut into segments ends the same way.
/// </summary>
public class AnthropicMutationFuzzTests
{
    private const int Cases = 3000;

    private static readonly StreamOptions Tight = new()
    {
        Protocol = StreamProtocol.AnthropicMessages,
        MaxContentBlocks = 12,
        MaxAnnotations = 6,
        MaxResultBytes = 256 * 1024,
        MaxJsonDepth = 24,
        Sse = new SseReaderOptions { MaxLineLength = 128 * 1024, MaxEventSize = 256 * 1024 },
    };

    private static readonly byte[][] Insertions =
    [
        [0], [0xFF], [0xC3], [0xED, 0xA0, 0x80], "\""u8.ToArray(), "\\"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), ","u8.ToArray(),
        "\n"u8.ToArray(), "\n\n"u8.ToArray(), "data: "u8.ToArray(), "data: [DONE]\n\n"u8.ToArray(), "event: error\n"u8.ToArray(), "event: ping\n"u8.ToArray(),
        "\\ud800"u8.ToArray(), "\\u0000"u8.ToArray(), "null"u8.ToArray(), "2147483647"u8.ToArray(), "-1"u8.ToArray(), "\"index\":"u8.ToArray(),
        "data: {\"type\":\"error\",\"error\":{\"type\":\"x\"}}\n\n"u8.ToArray(), "data: {\"type\":\"response.created\"}\n\n"u8.ToArray(),
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"other\"}}\n\n"u8.ToArray(), "\"input_json_delta\""u8.ToArray(), "\"citations_delta\""u8.ToArray(),
        "\"text_delta\""u8.ToArray(), "\"thinking_delta\""u8.ToArray(), "\"compaction_delta\""u8.ToArray(), "\"signature_delta\""u8.ToArray(),
        ",\"usage\":{\"input_tokens\":null,\"x\":[1]}"u8.ToArray(), ",\"citation\":null"u8.ToArray(), ",\"event\":\"response.x\""u8.ToArray(),
    ];

    [Fact]
    public async Task MutatedRecordingsEndAsAResultOrAFormatError()
    {
        byte[][] bases = CorpusNames.Select(n => ReadCorpus(n, completeSdkFixtures: true)).Where(b => b.Length < 40_000).ToArray();
        var failures = new List<string>();
        int formatErrors = 0;
        for (int seed = 0; seed < Cases && failures.Count < 5; seed++)
        {
            var random = new Random(seed * 7919);
            byte[] input = Mutate(bases[random.Next(bases.Length)], random);
            string whole = Outcome(input, seed, failures);
            formatErrors += whole.StartsWith("malformed", StringComparison.Ordinal) ? 1 : 0;
            int[] cuts = Enumerable.Range(0, 3).Select(_ => random.Next(1, Math.Max(2, input.Length))).Distinct().Order().ToArray();
            string segmented = await SegmentedOutcomeAsync(input, cuts, seed, failures);
            if (whole != segmented)
            {
                failures.Add($"case {seed}: whole and segmented at {string.Join(",", cuts)} differ:\n{whole}\n{segmented}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.InRange(formatErrors, Cases / 20, Cases - (Cases / 20)); // the mutations reach both outcomes
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                    break;
                case 1:
                    bytes.InsertRange(at, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 2:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 3:
                    // An event repeated: a duplicate start, a doubled delta, a doubled stop.
                    int start = Math.Max(0, bytes.LastIndexOf((byte)'\n', at));
                    int end = bytes.IndexOf((byte)'\n', at);
                    if (end > start)
                    {
                        bytes.InsertRange(end + 1, bytes.GetRange(start, end - start + 1));
                    }

                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at); // cut
                    break;
            }
        }

        return bytes.ToArray();
    }

    private static string Outcome(byte[] input, int seed, List<string> failures)
    {
        try
        {
            using AnthropicMessageResult result = Assemble(input, Tight);
            return Describe(result, seed, failures);
        }
        catch (StreamFormatException e)
        {
            using StreamResult partial = e.PartialResult;
            return $"malformed {e.EventNumber}@{e.ByteOffset} {Describe(partial, seed, failures)}";
        }
        catch (Exception e)
        {
            failures.Add($"case {seed}: {e}");
            return "exception";
        }
    }

    private static async Task<string> SegmentedOutcomeAsync(byte[] input, int[] cuts, int seed, List<string> failures)
    {
        try
        {
            using StreamResult result = await ModelStream.AssembleAsync(Inputs.Segmented(input, cuts), Tight);
            return Describe(result, seed, failures);
        }
        catch (StreamFormatException e)
        {
            using StreamResult partial = e.PartialResult;
            return $"malformed {e.EventNumber}@{e.ByteOffset} {Describe(partial, seed, failures)}";
        }
        catch (Exception e)
        {
            failures.Add($"case {seed} (segmented): {e}");
            return "exception";
        }
    }

    // Every view of the result can be read, whatever the input was.
    private static string Describe(StreamResult result, int seed, List<string> failures)
    {
        try
        {
            var anthropic = (AnthropicMessageResult)result;
            string json = result.ToJson();
            string indented = result.ToJson(indented: true);
            using (System.Text.Json.JsonDocument.Parse(json))
            using (System.Text.Json.JsonDocument.Parse(indented))
            {
                // Both are JSON. Verbatim values may hold a lone surrogate escape, which compact output
                // keeps and indented output (re-written token by token) replaces with U+FFFD: compared
                // only when neither has one.
                if (!System.Text.RegularExpressions.Regex.IsMatch(json, @"\\u[dD][89a-fA-F]") && Normalize(json) != Normalize(indented))
                {
                    failures.Add($"case {seed}: compact and indented JSON differ");
                }
            }

            var text = new StringBuilder();
            text.Append(result.Status).Append('|').Append(json).Append('|').Append(result.Id).Append(result.Model).Append(result.Text).Append(result.Reasoning).Append(result.Refusal)
                .Append(result.StopReason).Append(result.StopKind).Append(result.Usage).Append(result.ErrorJson.Length).Append(anthropic.StopSequence).Append(anthropic.RequestedModel);
            foreach (ToolCall call in result.ToolCalls)
            {
                text.Append(call.Id).Append(call.Name).Append(call.Arguments).Append(call.ArgumentsStatus).Append(call.GetArgumentsPreview());
            }

            foreach (AnthropicContentBlock block in anthropic.Blocks)
            {
                text.Append(block.Type).Append(block.InputStatus).Append(block.ToJson().Length);
            }

            return text.ToString();
        }
        catch (Exception e)
        {
            failures.Add($"case {seed}: reading the result threw {e}");
            return "unreadable";
        }
    }
}

using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Sse;
using StreamCore.Tests.Transport;
using Xunit.Abstractions;

namespace StreamCore.Tests.Hardening;

/// <summary>
/// A seeded mutation fuzzer: recorded and hand-made streams, mutated, assembled. Every outcome must
/// be a result (complete, incomplete or failed) or a <see cref="ChatStreamFormatException"/> with its
/// partial result and a position inside the input; never another exception, never a hang, never
/// more memory than the limits allow. The same input cut into segments must end the same way.
/// </summary>
/// <remarks>
/// Every case has its own seed, printed on failure: set <c>STREAMCORE_FUZZ_CASE</c> to it to replay
/// one case alone (see <see cref="ReplayOneCase"/>); <c>STREAMCORE_FUZZ_SEED</c> changes the run's seed.
/// </remarks>
public class MutationFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 8000;
    private const int DefaultSeed = 20_240_611;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Tight limits, so that mutations reach them.</summary>
    private static readonly ChatStreamOptions Tight = new()
    {
        MaxChoices = 8,
        MaxToolCallsPerChoice = 16,
        MaxResultBytes = 512 * 1024,
        MaxJsonDepth = 24,
        Sse = new SseReaderOptions { MaxLineLength = 128 * 1024, MaxEventSize = 256 * 1024 },
    };

    private static readonly Lazy<byte[][]> Bases = new(LoadBases);

    private static readonly byte[][] Insertions =
    [
        [0], [0xFF], [0xFE], [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], "\""u8.ToArray(), "\\"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(),
        "{"u8.ToArray(), "}"u8.ToArray(), ":"u8.ToArray(), ","u8.ToArray(), "\n"u8.ToArray(), "\r"u8.ToArray(), "\n\n"u8.ToArray(),
        "data: "u8.ToArray(), "data: [DONE]\n\n"u8.ToArray(), "event: error\n"u8.ToArray(), "event: ping\n"u8.ToArray(), ": c\n"u8.ToArray(),
        "\\ud800"u8.ToArray(), "\\udc00"u8.ToArray(), "\\u0000"u8.ToArray(), "null"u8.ToArray(), "\"index\":"u8.ToArray(),
        "\"error\":{\"message\":\"x\"},"u8.ToArray(), "\"tool_calls\":[{\"index\":2147483647,\"id\":\"z\"}],"u8.ToArray(), "-"u8.ToArray(), "e999"u8.ToArray(),
    ];

    private static IEnumerable<int> CaseSeeds(int runSeed) => Enumerable.Range(0, Cases).Select(i => unchecked((runSeed * 7919) + i));

    private static int RunSeed =>
        int.TryParse(Environment.GetEnvironmentVariable("STREAMCORE_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : DefaultSeed;

    [Fact]
    public async Task MutatedStreamsEndAsResultOrFormatError()
    {
        var failures = new Dictionary<string, List<string>>();
        long maxAllocated = 0;
        int results = 0;
        int formatErrors = 0;
        var statuses = new Dictionary<ChatStreamStatus, int>();
        foreach (int caseSeed in CaseSeeds(RunSeed))
        {
            CaseReport report = await RunCaseAsync(caseSeed);
            if (report.Failure is not null)
            {
                // Grouped by the kind of failure (its first line without numbers), two examples each.
                string kind = new(report.Failure.Split('\n')[1].Where(c => !char.IsDigit(c)).Take(160).ToArray());
                List<string> examples = failures.TryGetValue(kind, out List<string>? list) ? list : failures[kind] = [];
                if (examples.Count < 2)
                {
                    examples.Add(report.Failure);
                }

                continue;
            }

            maxAllocated = Math.Max(maxAllocated, report.Allocated);
            if (report.Status is ChatStreamStatus status)
            {
                results++;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }
            else
            {
                formatErrors++;
            }
        }

        output.WriteLine($"run seed {RunSeed}: {results} results ({string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}), {formatErrors} format errors, most allocated by one case {maxAllocated} bytes");
        Assert.True(failures.Count == 0, $"{failures.Count} kinds of failure:\n\n" + string.Join("\n\n", failures.Values.SelectMany(v => v)));

        // The mutations must reach every kind of ending, or the fuzzer tests little.
        Assert.True(formatErrors > Cases / 20, $"only {formatErrors} format errors");
        Assert.True(statuses.GetValueOrDefault(ChatStreamStatus.Complete) > Cases / 20, "too few complete");
        Assert.True(statuses.GetValueOrDefault(ChatStreamStatus.Incomplete) > 0, "no incomplete");
        Assert.True(statuses.GetValueOrDefault(ChatStreamStatus.Failed) > 0, "no provider failure");
    }

    /// <summary>Replays the case named by <c>STREAMCORE_FUZZ_CASE</c>, if set (a no-op otherwise).</summary>
    [Fact]
    public async Task ReplayOneCase()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("STREAMCORE_FUZZ_CASE"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int caseSeed))
        {
            return;
        }

        CaseReport report = await RunCaseAsync(caseSeed);
        output.WriteLine(report.Description);
        Assert.True(report.Failure is null, report.Failure);
    }

    private sealed record CaseReport(string Description, string? Failure, ChatStreamStatus? Status, long Allocated);

    private static async Task<CaseReport> RunCaseAsync(int caseSeed)
    {
        var random = new Random(caseSeed);
        (byte[] input, string recipe) = Mutate(random);
        ChatStreamOptions options = random.Next(4) == 0 ? new ChatStreamOptions() : Tight;
        int[] cuts = RandomCuts(random, input.Length);
        string description = $"case seed {caseSeed} (replay: STREAMCORE_FUZZ_CASE={caseSeed}): {recipe}; {input.Length} bytes, {cuts.Length} cuts, {(ReferenceEquals(options, Tight) ? "tight" : "default")} limits";
        try
        {
            // Synchronous from memory, so the thread's allocation count is the whole case's.
            (Outcome whole, long allocated) = await Task.Run(() => Assemble(input, [], options)).WaitAsync(CaseTimeout);
            (Outcome split, _) = await Task.Run(() => Assemble(input, cuts, options)).WaitAsync(CaseTimeout);
            Outcome updates = await ReadUpdatesAsync(input, cuts, options).WaitAsync(CaseTimeout);
            string? problem = whole.Problem ?? split.Problem ?? updates.Problem;
            if (problem is null && whole.Text != split.Text)
            {
                problem = $"whole and cut into segments end differently:\n--- whole\n{Clip(whole.Text)}\n--- cut\n{Clip(split.Text)}";
            }

            if (problem is null && whole.Text != updates.Text)
            {
                problem = $"AssembleAsync and ReadUpdatesAsync end differently:\n--- assemble\n{Clip(whole.Text)}\n--- updates\n{Clip(updates.Text)}";
            }

            // Nothing the limits allow comes near this: a line, an event, the result and their copies.
            long budget = (8L * options.Sse.MaxEventSize) + (4L * options.MaxResultBytes) + (16L * input.Length) + (4L * 1024 * 1024);
            if (problem is null && allocated > budget)
            {
                problem = $"allocated {allocated} bytes, more than the budget {budget}";
            }

            return new CaseReport($"{description}\n{whole.Text}", problem is null ? null : $"{description}\n{problem}\ninput: {Show(input)}", whole.Status, allocated);
        }
        catch (TimeoutException)
        {
            return new CaseReport(description, $"{description}\nhung for {CaseTimeout}\ninput: {Show(input)}", null, 0);
        }
    }

    private readonly record struct Outcome(string Text, string? Problem, ChatStreamStatus? Status);

    private static (Outcome Outcome, long Allocated) Assemble(byte[] input, int[] cuts, ChatStreamOptions options)
    {
        PipeReader reader = Inputs.Segmented(input, cuts);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            ValueTask<ChatCompletionResult> pending = ChatStream.AssembleAsync(reader, options);
            if (!pending.IsCompleted)
            {
                return (new Outcome(string.Empty, "assembly from memory did not complete synchronously", null), 0);
            }

            using ChatCompletionResult result = pending.Result;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (result.Status is not (ChatStreamStatus.Complete or ChatStreamStatus.Incomplete or ChatStreamStatus.Failed))
            {
                return (new Outcome(string.Empty, $"status {result.Status}", null), allocated);
            }

            if (result.Status == ChatStreamStatus.Failed && !result.HasProviderError)
            {
                return (new Outcome(string.Empty, "failed without a provider error and without an exception", null), allocated);
            }

            string? bad = CheckJson(result, out string json);
            return (new Outcome($"{result.Status} {result.EventCount}\n{json}", bad, result.Status), allocated);
        }
        catch (ChatStreamFormatException e)
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (e.PartialResult is null)
            {
                return (new Outcome(string.Empty, $"format error without a partial result: {e}", null), allocated);
            }

            using ChatCompletionResult partial = e.PartialResult;
            string? bad = e.ByteOffset < 0 || e.ByteOffset > input.Length ? $"byte offset {e.ByteOffset} outside the input"
                : e.EventNumber < 1 || e.EventNumber > input.Length + 1 ? $"event number {e.EventNumber} impossible"
                : partial.Status != ChatStreamStatus.Failed ? $"partial result status {partial.Status}"
                : CheckJson(partial, out _);
            CheckJson(partial, out string json);
            return (new Outcome($"format {e.Message}\n{json}", bad, null), allocated);
        }
        catch (Exception e)
        {
            return (new Outcome(string.Empty, $"unexpected exception {e}", null), 0);
        }
        finally
        {
            reader.Complete();
        }
    }

    /// <summary>The same input read as updates: the result the last update carries must be the assembled one.</summary>
    private static async Task<Outcome> ReadUpdatesAsync(byte[] input, int[] cuts, ChatStreamOptions options)
    {
        PipeReader reader = Inputs.Segmented(input, cuts);
        ChatCompletionResult? last = null;
        try
        {
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(reader, options))
            {
                last = update.Completion;
                if (update.Kind == ChatUpdateKind.End)
                {
                    CheckJson(last, out string json);
                    return new Outcome($"{last.Status} {last.EventCount}\n{json}", null, last.Status);
                }
            }

            return new Outcome(string.Empty, "the updates ended without an End update", null);
        }
        catch (ChatStreamFormatException e)
        {
            CheckJson(e.PartialResult!, out string json);
            return new Outcome($"format {e.Message}\n{json}", null, null);
        }
        catch (Exception e)
        {
            return new Outcome(string.Empty, $"unexpected exception from ReadUpdatesAsync {e}", null);
        }
        finally
        {
            last?.Dispose();
            await reader.CompleteAsync();
        }
    }

    /// <summary>The result must always serialize to valid UTF-8 JSON.</summary>
    private static string? CheckJson(ChatCompletionResult result, out string json)
    {
        json = string.Empty;
        try
        {
            byte[] utf8 = result.ToJsonUtf8();
            json = Encoding.UTF8.GetString(utf8);
            using var document = JsonDocument.Parse(utf8);
            if (!document.RootElement.TryGetProperty("choices", out _))
            {
                return "the JSON has no choices";
            }

            // Strings must decode (valid UTF-8, no broken escapes).
            Walk(document.RootElement);
            CheckText(document.RootElement);
            return null;
        }
        catch (Exception e)
        {
            return $"writing the result failed: {e}\n{json}";
        }
    }

    private static void Walk(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Walk(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Walk(item);
                }

                break;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                }
                catch (InvalidOperationException) when (element.GetRawText().Contains("\\u", StringComparison.OrdinalIgnoreCase))
                {
                    // A lone surrogate escape in a value kept verbatim (an unknown member): legal JSON,
                    // kept as sent. Assembled text is checked strictly by CheckText.
                }

                break;
        }
    }

    /// <summary>Assembled text (content, refusal, tool names and arguments) always decodes: lone surrogates become U+FFFD.</summary>
    private static void CheckText(JsonElement root)
    {
        foreach (JsonElement choice in root.GetProperty("choices").EnumerateArray())
        {
            JsonElement message = choice.GetProperty("message");
            foreach (string name in new[] { "content", "refusal" })
            {
                if (message.TryGetProperty(name, out JsonElement text) && text.ValueKind == JsonValueKind.String)
                {
                    _ = text.GetString();
                }
            }

            if (message.TryGetProperty("tool_calls", out JsonElement calls) || message.TryGetProperty("toolCalls", out calls))
            {
                foreach (JsonElement call in calls.EnumerateArray())
                {
                    if (call.TryGetProperty("function", out JsonElement function) && function.ValueKind == JsonValueKind.Object)
                    {
                        foreach (JsonProperty member in function.EnumerateObject().Where(m => m.Value.ValueKind == JsonValueKind.String && m.Name is "name" or "arguments"))
                        {
                            _ = member.Value.GetString();
                        }
                    }
                }
            }
        }
    }

    private static (byte[] Input, string Recipe) Mutate(Random random)
    {
        byte[][] bases = Bases.Value;
        int which = random.Next(bases.Length);
        var data = new List<byte>(bases[which]);
        var recipe = new StringBuilder($"base {which}");
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations; m++)
        {
            int kind = random.Next(9);
            int at = random.Next(data.Count + 1);
            switch (kind)
            {
                case 0 when data.Count > 0: // flip bits
                    int flips = 1 + random.Next(8);
                    for (int f = 0; f < flips; f++)
                    {
                        int i = random.Next(data.Count);
                        data[i] ^= (byte)(1 << random.Next(8));
                    }

                    recipe.Append($", flip {flips}");
                    break;
                case 1: // cut a range
                    int cutLength = Math.Min(data.Count - at, random.Next(random.Next(2) == 0 ? 8 : 400));
                    data.RemoveRange(at, cutLength);
                    recipe.Append($", cut {cutLength}@{at}");
                    break;
                case 2: // duplicate a range
                    int dupLength = Math.Min(data.Count - at, random.Next(600));
                    int to = random.Next(data.Count + 1);
                    data.InsertRange(to, data.GetRange(at, dupLength));
                    recipe.Append($", dup {dupLength}@{at}->{to}");
                    break;
                case 3: // splice with another stream
                    byte[] other = bases[random.Next(bases.Length)];
                    int from = random.Next(other.Length + 1);
                    data.RemoveRange(at, data.Count - at);
                    data.AddRange(other.AsSpan(from).ToArray());
                    recipe.Append($", splice @{at} with another from {from}");
                    break;
                case 4: // change line ends
                    int changed = 0;
                    byte[] replacement = random.Next(3) switch { 0 => "\r"u8.ToArray(), 1 => "\r\n"u8.ToArray(), _ => [] };
                    for (int i = data.Count - 1; i >= 0 && changed < 6; i--)
                    {
                        if (data[i] == (byte)'\n' && random.Next(8) == 0)
                        {
                            data.RemoveAt(i);
                            data.InsertRange(i, replacement);
                            changed++;
                        }
                    }

                    recipe.Append($", {changed} line ends to {replacement.Length} bytes");
                    break;
                case 5: // insert hostile bytes
                    byte[] insert = Insertions[random.Next(Insertions.Length)];
                    data.InsertRange(at, insert);
                    recipe.Append($", insert {Show(insert)}@{at}");
                    break;
                case 6: // a huge run of digits
                    int digits = random.Next(2) == 0 ? 20 + random.Next(20) : 300 + random.Next(3000);
                    data.InsertRange(at, Enumerable.Range(0, digits).Select(_ => (byte)('0' + random.Next(10))));
                    recipe.Append($", {digits} digits@{at}");
                    break;
                case 7: // random bytes
                    int count = 1 + random.Next(12);
                    byte[] noise = new byte[count];
                    random.NextBytes(noise);
                    data.InsertRange(at, noise);
                    recipe.Append($", {count} random bytes@{at}");
                    break;
                default: // truncate
                    data.RemoveRange(at, data.Count - at);
                    recipe.Append($", truncate @{at}");
                    break;
            }
        }

        return (data.ToArray(), recipe.ToString());
    }

    private static int[] RandomCuts(Random random, int length)
    {
        if (length < 2)
        {
            return [];
        }

        int count = random.Next(2) == 0 ? random.Next(1, 6) : random.Next(6, 64);
        return Enumerable.Range(0, count).Select(_ => random.Next(1, length)).Distinct().Order().ToArray();
    }

    private static byte[][] LoadBases()
    {
        var bases = new List<byte[]>();
        foreach (string name in TestCorpus.Names)
        {
            byte[] bytes = TestCorpus.Read(name);
            if (bytes.Length <= 40_000)
            {
                bases.Add(bytes);
            }
        }

        bases.Add(TransportTests.TextFixture);
        bases.Add(TransportTests.ToolFixture);
        bases.Add(LoopbackServer.GeneratedStream(42));
        bases.Add(LoopbackServer.PostStream);
        bases.Add(Inputs.Utf8(
            "event: ping\ndata: {}\n\n"
            + Inputs.Chunk("{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"a\"}]},\"finish_reason\":null}")
            + Inputs.Chunk("{\"index\":0,\"delta\":{\"content\":\"\\ud83d\"}}") + Inputs.Chunk("{\"index\":0,\"delta\":{\"content\":\"\\ude00\"}}")
            + Inputs.Chunk("{\"index\":0,\"delta\":{\"audio\":{\"id\":\"a1\",\"data\":\"AAE=\",\"transcript\":\"t\"}}}")
            + Inputs.Chunk("{\"index\":0,\"delta\":{\"audio\":{\"data\":\"AgM=\"}},\"finish_reason\":\"stop\"}")
            + "event: error\ndata: {\"error\":{\"message\":\"late\"}}\n\n"));
        bases.Add(Inputs.Utf8(
            "data: {\"id\":\"r1\",\"object\":\"response\",\"createdAt\":5,\"model\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\",\"toolCalls\":[{\"index\":0,\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}]},\"finishReason\":null}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"toolCalls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]},\"finishReason\":\"tool_calls\"}],\"usage\":{\"inputNeurons\":1,\"outputSynapses\":2}}\n\n"
            + "data: [DONE]\n\n"));
        return bases.ToArray();
    }

    private static string Clip(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

    private static string Show(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes.Length <= 3000 ? bytes : bytes[..3000])
        {
            text.Append(b is >= 0x20 and < 0x7F && b != (byte)'\\' ? ((char)b).ToString() : b == (byte)'\n' ? "\\n" : $"\\x{b:X2}");
        }

        return bytes.Length <= 3000 ? text.ToString() : text + $"… ({bytes.Length} bytes)";
    }
}

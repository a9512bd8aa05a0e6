using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Pipelines.Sockets.Unofficial;
using StreamCore.Benchmarks.Baselines;
using StreamCore.Chat;
using StreamCore.Sse;

namespace StreamCore.Benchmarks;

/// <summary>
/// Runs once before benchmarking: every method must read every workload correctly, or the numbers
/// mean nothing. Baselines are compared with the generators' ground truth (for the corpus, with
/// <see cref="ReferenceReader"/>); the SSE-layer methods must agree on event counts and data bytes.
/// The typed workloads are checked by <see cref="TypedSelfCheck"/>. Only the selected workloads
/// are checked.
/// </summary>
internal static class SelfCheck
{
    /// <summary>Known limitations found while checking (reported, not failures).</summary>
    public static List<string> Notes { get; } = [];

    public static bool Run(TextWriter log, BenchmarkSelection selection)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(selection);
        var failures = new List<string>();
        var sdk = new OpenAiSdkBaseline();
        var sdkUnsupported = new List<string>();
        var sdkDifferent = new List<string>();
        var streamCoreDifferent = new List<string>();

        foreach (string name in selection.Workloads.Where(Workloads.ChatNames.Contains))
        {
            Workload workload;
            try
            {
                workload = Workloads.Get(name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{name}: cannot load: {e.Message}");
                continue;
            }

            CheckSseLayer(workload, failures);
            for (int i = 0; i < workload.Streams.Count; i++)
            {
                byte[] body = workload.Streams[i];
                string where = workload.Streams.Count == 1 ? name : $"{name}/{workload.StreamNames[i]}";
                AssembledResult expected = workload.Expected?[i] ?? ReferenceReader.Read(body);
                bool generated = workload.Expected is not null;
                if (generated)
                {
                    CheckArgumentsAreJson(where, expected, failures);
                }

                AssembledResult stj = SseParserStjBaseline.Assemble(new MemoryStream(body, writable: false));
                Compare($"Baseline_SseParserStj on {where}", stj, expected, failures);
                if (generated && stj.TotalTokens != expected.TotalTokens)
                {
                    failures.Add($"Baseline_SseParserStj on {where}: usage total {stj.TotalTokens} != {expected.TotalTokens}");
                }

                CheckStreamCore(where, body, expected, generated, failures, streamCoreDifferent);

                AssembledResult fromSdk;
                try
                {
                    fromSdk = sdk.Assemble(body);
                }
                catch (ArgumentOutOfRangeException e) when (!generated)
                {
                    sdkUnsupported.Add($"{workload.StreamNames[i]} ({e.Message.Split('\n')[0].Trim()})");
                    continue;
                }

                if (expected.Choices.Count > 1)
                {
                    // The SDK does not expose the choice index: all choices' text arrives in one accumulator.
                    if (workload.ContentInStreamOrder is { } inOrder && fromSdk.Choices[0].Content != inOrder[i])
                    {
                        failures.Add($"Baseline_OpenAiSdk on {where}: interleaved content differs from the streamed fragments");
                    }

                    continue;
                }

                var sdkFailures = new List<string>();
                Compare($"Baseline_OpenAiSdk on {where}", fromSdk, expected, sdkFailures, sdkView: true);
                if (generated)
                {
                    failures.AddRange(sdkFailures);
                    if (fromSdk.TotalTokens != expected.TotalTokens)
                    {
                        failures.Add($"Baseline_OpenAiSdk on {where}: usage total {fromSdk.TotalTokens} != {expected.TotalTokens}");
                    }
                }
                else if (sdkFailures.Count > 0)
                {
                    sdkDifferent.Add(workload.StreamNames[i]);
                }
            }

            log.WriteLine($"self-check: {name,-12} {workload.Streams.Count,3} stream(s) {workload.TotalBytes,10:N0} bytes {workload.EventCount,7:N0} events");
        }

        if (sdkUnsupported.Count > 0)
        {
            Notes.Add($"The OpenAI SDK throws on {sdkUnsupported.Count} corpus stream(s): {string.Join("; ", sdkUnsupported)}. Its corpus time includes reading those streams up to the exception.");
        }

        if (sdkDifferent.Count > 0)
        {
            Notes.Add($"The OpenAI SDK's accumulated text/tool calls differ from a direct reading for {sdkDifferent.Count} single-choice corpus stream(s) (fields it does not surface, e.g. reasoning, or calls without an index): {string.Join(", ", sdkDifferent)}.");
        }

        TypedSelfCheck.Run(selection.Workloads.Where(Workloads.TypedNames.Contains), selection, log, failures, Notes);

        if (streamCoreDifferent.Count > 0)
        {
            Notes.Add($"StreamCore_EndToEnd differs from the plain index-keyed reading (JsonDocument, tool calls keyed by index) on {streamCoreDifferent.Count} corpus stream(s); StreamCore follows assembly-rules.md (e.g. tool-call identity by id), so this is expected where the rules differ: {string.Join("; ", streamCoreDifferent)}.");
        }

        foreach (string note in Notes)
        {
            log.WriteLine("self-check note: " + note);
        }

        if (failures.Count == 0)
        {
            log.WriteLine("self-check: all methods agree with the ground truth.");
            return true;
        }

        log.WriteLine($"SELF-CHECK FAILED ({failures.Count}):");
        foreach (string failure in failures)
        {
            log.WriteLine("  " + failure);
        }

        return false;
    }

    /// <summary>StreamCore's end-to-end result: strict on the generated workloads, reported as a note on the corpus.</summary>
    private static void CheckStreamCore(string where, byte[] body, AssembledResult expected, bool generated, List<string> failures, List<string> corpusDifferences)
    {
        var differences = new List<string>();
        try
        {
            using ChatCompletionResult result = ChatStream.AssembleAsync(new MemoryStream(body, writable: false)).AsTask().GetAwaiter().GetResult();
            AssembledResult actual = StreamCoreEndToEndBenchmarks.ToAssembledResult(result);
            Compare($"StreamCore_EndToEnd on {where}", actual, expected, differences, sdkView: false, checkLogprobs: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            differences.Add($"StreamCore_EndToEnd on {where}: threw {e.GetType().Name}: {e.Message}");
        }

        if (generated)
        {
            failures.AddRange(differences);
        }
        else if (differences.Count > 0)
        {
            corpusDifferences.Add(string.Join(" / ", differences.Select(d => d.Replace("StreamCore_EndToEnd on ", "", StringComparison.Ordinal))));
        }
    }

    private static void CheckArgumentsAreJson(string where, AssembledResult expected, List<string> failures)
    {
        foreach (ToolCallResult call in expected.Choices.Values.SelectMany(c => c.ToolCalls))
        {
            try
            {
                using var doc = JsonDocument.Parse(call.Arguments);
            }
            catch (JsonException e)
            {
                failures.Add($"generator for {where}: tool call {call.Index} arguments are not valid JSON ({e.Message})");
            }
        }
    }

    private static void CheckSseLayer(Workload workload, List<string> failures)
    {
        long streamCoreEvents = 0, streamCoreBytes = 0, parserBytes = 0;
        foreach (byte[] body in workload.Streams)
        {
            using (SseEventReader reader = SseEventReader.Create(new MemoryStream(body, writable: false)))
            {
                while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    streamCoreEvents++;
                    streamCoreBytes += reader.Current.Data.Length;
                }
            }

            foreach (SseItem<int> item in SseParser.Create(new MemoryStream(body, writable: false), static (_, data) => data.Length).Enumerate())
            {
                parserBytes += item.Data;
            }
        }

        if (streamCoreEvents != workload.EventCount || streamCoreBytes != parserBytes)
        {
            failures.Add($"SSE layer on {workload.Name}: StreamCore read {streamCoreEvents} events / {streamCoreBytes} data bytes, SseParser {workload.EventCount} / {parserBytes}");
        }

        // The Stream readers compared with StreamBufferReader read the same events and bytes.
        foreach ((string name, Func<Stream, PipeReader> open) in new (string, Func<Stream, PipeReader>)[]
        {
            ("PipeReader.Create", stream => PipeReader.Create(stream)),
            ("StreamConnection.GetReader", stream => StreamConnection.GetReader(stream)),
        })
        {
            long events = 0, bytes = 0;
            foreach (byte[] body in workload.Streams)
            {
                PipeReader pipe = open(new MemoryStream(body, writable: false));
                using (var reader = new SseEventReader(pipe))
                {
                    while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
                    {
                        events++;
                        bytes += reader.Current.Data.Length;
                    }
                }

                pipe.Complete();
            }

            if (events != workload.EventCount || bytes != parserBytes)
            {
                failures.Add($"SSE layer over {name} on {workload.Name}: {events} events / {bytes} data bytes, SseParser {workload.EventCount} / {parserBytes}");
            }
        }
    }

    private static void Compare(string what, AssembledResult actual, AssembledResult expected, List<string> failures, bool sdkView = false, bool checkLogprobs = true)
    {
        if (!sdkView && actual.Choices.Count != expected.Choices.Count)
        {
            failures.Add($"{what}: {actual.Choices.Count} choices, expected {expected.Choices.Count}");
            return;
        }

        foreach ((int index, ChoiceResult want) in expected.Choices)
        {
            if (!actual.Choices.TryGetValue(index, out ChoiceResult? got))
            {
                failures.Add($"{what}: choice {index} missing");
                continue;
            }

            Field(what, index, "content", got.Content, want.Content, failures, sdkView);
            Field(what, index, "refusal", got.Refusal, want.Refusal, failures, sdkView);
            if (!sdkView)
            {
                // The SDK surfaces neither reasoning text nor logprob counts in a comparable way.
                Field(what, index, "reasoning", got.Reasoning, want.Reasoning, failures, sdkView);
                Field(what, index, "finish_reason", got.FinishReason, want.FinishReason, failures, sdkView);
                if (checkLogprobs && got.LogprobCount != want.LogprobCount)
                {
                    failures.Add($"{what}: choice {index} has {got.LogprobCount} logprob entries, expected {want.LogprobCount}");
                }
            }
            else if (want.FinishReason is not null && got.FinishReason != want.FinishReason)
            {
                failures.Add($"{what}: finish_reason '{got.FinishReason}', expected '{want.FinishReason}'");
            }

            if (got.ToolCalls.Count != want.ToolCalls.Count)
            {
                failures.Add($"{what}: choice {index} has {got.ToolCalls.Count} tool calls, expected {want.ToolCalls.Count}");
                continue;
            }

            for (int t = 0; t < want.ToolCalls.Count; t++)
            {
                // Matched by id where there is one: StreamCore lists calls by first appearance, the baselines by index.
                ToolCallResult e = want.ToolCalls[t];
                ToolCallResult a = (e.Id is null ? null : got.ToolCalls.Find(c => c.Id == e.Id)) ?? got.ToolCalls[t];
                if (a.Id != e.Id || a.Name != e.Name || a.Arguments != e.Arguments)
                {
                    failures.Add($"{what}: tool call {t} of choice {index} differs (id {a.Id}/{e.Id}, name {a.Name}/{e.Name}, arguments {a.Arguments.Length}/{e.Arguments.Length} chars{FirstDifference(a.Arguments, e.Arguments)})");
                }
            }
        }
    }

    private static void Field(string what, int index, string field, string? got, string? want, List<string> failures, bool emptyIsNull)
    {
        if (emptyIsNull)
        {
            got = string.IsNullOrEmpty(got) ? null : got;
            want = string.IsNullOrEmpty(want) ? null : want;
        }

        if (got != want)
        {
            failures.Add($"{what}: choice {index} {field} differs ({got?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} vs {want?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} chars{FirstDifference(got ?? "", want ?? "")})");
        }
    }

    private static string FirstDifference(string a, string b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        if (i == a.Length && i == b.Length)
        {
            return string.Empty;
        }

        static string Around(string s, int at) => s.Substring(Math.Max(0, at - 10), Math.Min(s.Length, at + 10) - Math.Max(0, at - 10)).Replace("\n", "\\n", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("; first difference at ").Append(i).Append(": '").Append(Around(a, i)).Append("' vs '").Append(Around(b, i)).Append('\'');
        return sb.ToString();
    }
}

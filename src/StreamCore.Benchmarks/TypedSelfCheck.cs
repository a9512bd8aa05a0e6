using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StreamCore.Benchmarks.Baselines;

namespace StreamCore.Benchmarks;

/// <summary>
/// The self-check of the typed workloads, before any timing. On a generated workload every method
/// must give the generator's truth (text, reasoning, refusal; tool calls' ids, names, and arguments
/// equal as JSON), the reference reader too, and the stream must look like its recording (every
/// event of a kind and member layout the recording has; every kind of the recording present). On
/// a corpus, differences from the reference reader are reported as notes, as for the chat corpus.
/// Only the methods the run selects are checked, so the baselines can run before StreamCore reads
/// the typed protocols.
/// </summary>
internal static class TypedSelfCheck
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Run(IEnumerable<string> workloads, BenchmarkSelection selection, TextWriter log, List<string> failures, List<string> notes)
    {
        var responsesSdk = new OpenAiResponsesSdkBaseline();
        var anthropicSdk = new AnthropicSdkBaseline();
        var notReadYet = new SortedDictionary<string, (string Message, List<string> Workloads)>(StringComparer.Ordinal);
        var corpusNotes = new List<string>();
        bool endToEnd = selection.Includes(typeof(TypedStreamCoreBenchmarks), nameof(TypedStreamCoreBenchmarks.StreamCore_EndToEnd));
        bool updates = selection.Includes(typeof(TypedStreamCoreBenchmarks), nameof(TypedStreamCoreBenchmarks.StreamCore_Updates));
        bool floor = selection.Includes(typeof(TypedFloorBenchmarks), nameof(TypedFloorBenchmarks.Floor_Utf8JsonReaderTokenize));

        foreach (string name in workloads)
        {
            Workload workload;
            try
            {
                workload = Workloads.Get(name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException)
            {
                failures.Add($"{name}: cannot load: {e.Message}");
                continue;
            }

            bool generated = workload.TypedExpected is not null;
            if (generated)
            {
                CheckShape(workload, failures);
            }

            (string sdkName, bool sdkSelected) = workload.Protocol == StreamProtocol.Responses
                ? (ReportWriter.ResponsesSdk, selection.Includes(typeof(BaselineOpenAiResponsesSdkBenchmarks), nameof(BaselineOpenAiResponsesSdkBenchmarks.Baseline_OpenAiResponsesSdk)))
                : (ReportWriter.AnthropicSdk, selection.Includes(typeof(BaselineAnthropicSdkBenchmarks), nameof(BaselineAnthropicSdkBenchmarks.Baseline_AnthropicSdk)));
            for (int i = 0; i < workload.Streams.Count; i++)
            {
                byte[] body = workload.Streams[i];
                string where = generated ? name : $"{name}/{workload.StreamNames[i]}";
                TypedResult reference = TypedReferenceReader.Read(workload.Protocol, body);
                TypedResult expected = workload.TypedExpected?[i] ?? reference;
                var differences = new List<string>();
                if (generated)
                {
                    Compare($"TypedReferenceReader on {where}", reference, expected, failures);
                }

                if (sdkSelected)
                {
                    try
                    {
                        TypedResult fromSdk = workload.Protocol == StreamProtocol.Responses
                            ? responsesSdk.AssembleAsync(body).GetAwaiter().GetResult()
                            : anthropicSdk.AssembleAsync(body).GetAwaiter().GetResult();
                        Compare($"{sdkName} on {where}", fromSdk, expected, differences);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        differences.Add($"{sdkName} on {where}: threw {e.GetType().Name}: {FirstLine(e.Message)}");
                    }
                }

                if (endToEnd)
                {
                    RunStreamCore("StreamCore_EndToEnd", where, name, workload.Protocol, () => CheckEndToEnd(body, expected, where, differences), notReadYet, differences);
                }

                if (updates)
                {
                    RunStreamCore("StreamCore_Updates", where, name, workload.Protocol, () => CheckUpdatesAsync(body, expected, where, differences).GetAwaiter().GetResult(), notReadYet, differences);
                }

                if (floor)
                {
                    // The floor frames events its own way; it must tokenize the events every reader sees
                    // (plus, in a recording without its last blank line, the event no reader dispatches).
                    long tokens = FloorBenchmarks.Tokenize([body], out long events);
                    long dispatched = EventCounter.Count(body);
                    if (tokens == 0 || (events != dispatched && !(events == dispatched + 1 && !body.AsSpan().EndsWith("\n\n"u8))))
                    {
                        failures.Add($"Floor_Utf8JsonReaderTokenize on {where}: tokenized {events} events ({tokens} tokens), the SSE parser dispatches {dispatched}");
                    }
                }

                (generated ? failures : corpusNotes).AddRange(differences);
            }

            log.WriteLine($"self-check: {name,-24} {workload.Streams.Count,3} stream(s) {workload.TotalBytes,10:N0} bytes {workload.EventCount,7:N0} events");
        }

        foreach ((string protocol, (string message, List<string> affected)) in notReadYet)
        {
            failures.Add(
                $"StreamCore does not read {protocol} streams yet ({message}): StreamCore_EndToEnd and StreamCore_Updates cannot run on {string.Join(", ", affected)}. "
                + $"They will once that protocol's branch is merged. To run the baselines and the floor alone now: --workload {string.Join(",", affected)} --filter '*Baseline*' '*Floor*' (the check then skips StreamCore), or --skip-check.");
        }

        if (corpusNotes.Count > 0)
        {
            notes.Add($"On the typed corpora, {corpusNotes.Count} reading(s) differ from the plain JsonDocument reference (parts joined in index order, .done wins); expected where a method follows other conventions or throws: {string.Join("; ", corpusNotes)}.");
        }
    }

    /// <summary>Runs a StreamCore check; a protocol not implemented yet is collected once per protocol instead of per stream.</summary>
    private static void RunStreamCore(string method, string where, string workload, StreamProtocol protocol, Action check, SortedDictionary<string, (string, List<string>)> notReadYet, List<string> differences)
    {
        try
        {
            check();
        }
        catch (NotImplementedException e)
        {
            string key = protocol == StreamProtocol.Responses ? "OpenAI Responses" : "Anthropic Messages";
            if (!notReadYet.TryGetValue(key, out (string Message, List<string> Workloads) entry))
            {
                notReadYet[key] = entry = ($"{method} threw NotImplementedException: {FirstLine(e.Message)}", []);
            }

            if (!entry.Workloads.Contains(workload))
            {
                entry.Workloads.Add(workload);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            differences.Add($"{method} on {where}: threw {e.GetType().Name}: {FirstLine(e.Message)}");
        }
    }

    private static void CheckEndToEnd(byte[] body, TypedResult expected, string where, List<string> differences)
    {
        using StreamResult result = ModelStream.AssembleAsync(new MemoryStream(body, writable: false)).AsTask().GetAwaiter().GetResult();
        Compare($"StreamCore_EndToEnd on {where}", TypedStreamCoreBenchmarks.ToTypedResult(result), expected, differences);
    }

    /// <summary>
    /// Typed-protocols.md section 4: the text announced by the updates, restarting at each
    /// replacement, is the result's text (and so for reasoning); completed tool calls carry the
    /// whole arguments.
    /// </summary>
    private static async Task CheckUpdatesAsync(byte[] body, TypedResult expected, string where, List<string> differences)
    {
        var text = new SortedDictionary<(int Item, int Part), ArrayBufferWriter<byte>>();
        var reasoning = new SortedDictionary<(int Item, int Part), ArrayBufferWriter<byte>>();
        var fromUpdates = new TypedResult();
        PipeReader pipe = PipeReader.Create(new ReadOnlySequence<byte>(body));
        StreamResult? result = null;
        await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(pipe))
        {
            result = update.Result;
            switch (update.Kind)
            {
                case StreamUpdateKind.ContentDelta or StreamUpdateKind.ReasoningDelta:
                    var parts = update.Kind == StreamUpdateKind.ContentDelta ? text : reasoning;
                    if (!parts.TryGetValue((update.ItemIndex, update.PartIndex), out ArrayBufferWriter<byte>? part))
                    {
                        parts[(update.ItemIndex, update.PartIndex)] = part = new ArrayBufferWriter<byte>();
                    }

                    if (update.IsReplacement)
                    {
                        part.Clear();
                    }

                    part.Write(update.Utf8Text.Span);
                    break;
                case StreamUpdateKind.ToolCallCompleted when update.ToolCall is { } call:
                    fromUpdates.ToolCalls.Add(new ToolCallResult { Index = call.Position, Id = call.Id, Name = call.Name, Arguments = call.Arguments });
                    break;
            }
        }

        result?.Dispose();
        await pipe.CompleteAsync();
        fromUpdates.Text = text.Count == 0 ? null : string.Concat(text.Values.Select(p => Encoding.UTF8.GetString(p.WrittenSpan)));
        fromUpdates.Reasoning = reasoning.Count == 0 ? null : string.Concat(reasoning.Values.Select(p => Encoding.UTF8.GetString(p.WrittenSpan)));
        fromUpdates.Refusal = expected.Refusal; // refusal deltas are not gathered here
        Compare($"StreamCore_Updates on {where}", fromUpdates, expected, differences);
    }

    private static void Compare(string what, TypedResult actual, TypedResult expected, List<string> failures)
    {
        Field(what, "text", actual.Text, expected.Text, failures);
        Field(what, "reasoning", actual.Reasoning, expected.Reasoning, failures);
        Field(what, "refusal", actual.Refusal, expected.Refusal, failures);
        if (actual.ToolCalls.Count != expected.ToolCalls.Count)
        {
            failures.Add($"{what}: {actual.ToolCalls.Count} tool calls, expected {expected.ToolCalls.Count}");
            return;
        }

        for (int t = 0; t < expected.ToolCalls.Count; t++)
        {
            ToolCallResult e = expected.ToolCalls[t];
            ToolCallResult a = actual.ToolCalls[t];
            if (a.Id != e.Id || a.Name != e.Name || !TypedResult.SameArguments(a.Arguments, e.Arguments))
            {
                failures.Add($"{what}: tool call {t} differs (id {a.Id}/{e.Id}, name {a.Name}/{e.Name}, arguments {a.Arguments.Length}/{e.Arguments.Length} chars, not the same JSON)");
            }
        }
    }

    private static void Field(string what, string field, string? got, string? want, List<string> failures)
    {
        got = string.IsNullOrEmpty(got) ? null : got;
        want = string.IsNullOrEmpty(want) ? null : want;
        if (got != want)
        {
            int at = 0;
            while (got is not null && want is not null && at < got.Length && at < want.Length && got[at] == want[at])
            {
                at++;
            }

            failures.Add(string.Create(Inv, $"{what}: {field} differs ({got?.Length.ToString(Inv) ?? "null"} vs {want?.Length.ToString(Inv) ?? "null"} chars, first difference at {at})"));
        }
    }

    // ---- the workloads look like their recordings ---------------------------------------------

    /// <summary>
    /// Every generated event has a kind (data <c>type</c>, plus the delta's type for Anthropic) and
    /// SSE event name of the recording, and one of the member layouts the recording has for that
    /// kind (member paths in order, arrays folded); every kind of the recording appears, except
    /// those the generator leaves out on purpose (<see cref="TypedWorkloads.OmittedKinds"/>).
    /// </summary>
    private static void CheckShape(Workload workload, List<string> failures)
    {
        Recording recording = Recording.Load(TypedWorkloads.Sources[workload.Name]);
        var layouts = recording.Events.GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.Select(Layout).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        List<RecordedEvent> generated = Recording.Parse(workload.Streams[0], workload.Name);
        int reported = 0;
        foreach (RecordedEvent e in generated)
        {
            string problem = !layouts.TryGetValue(e.Kind, out HashSet<string>? known) ? $"an event of kind {e.Kind}, which {recording.Name} does not have"
                : !known.Contains(Layout(e)) ? $"a {e.Kind} event whose members ({Layout(e)}) are laid out as in no event of {recording.Name}"
                : "";
            if (problem.Length > 0 && reported++ < 3)
            {
                failures.Add($"generator for {workload.Name}: {problem}");
            }
        }

        string[] omitted = TypedWorkloads.OmittedKinds.TryGetValue(workload.Name, out string[]? o) ? o : [];
        foreach (string kind in layouts.Keys.Except(generated.Select(e => e.Kind)).Except(omitted))
        {
            failures.Add($"generator for {workload.Name}: no {kind} event, which {recording.Name} has");
        }

        if (generated.Count != workload.EventCount)
        {
            failures.Add($"generator for {workload.Name}: {generated.Count} events parsed, the SSE parser counts {workload.EventCount}");
        }
    }

    /// <summary>The SSE event name and the data's member paths in order of first appearance, arrays folded (<c>response.output[].content[].text</c>).</summary>
    private static string Layout(RecordedEvent e)
    {
        var paths = new List<string> { "event:" + e.EventName };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Walk(e.Data, "", paths, seen);
        return string.Join(",", paths);

        static void Walk(JsonNode? node, string prefix, List<string> paths, HashSet<string> seen)
        {
            if (node is JsonObject obj)
            {
                foreach ((string key, JsonNode? value) in obj)
                {
                    string path = prefix.Length == 0 ? key : prefix + "." + key;
                    if (seen.Add(path))
                    {
                        paths.Add(path);
                    }

                    Walk(value, path, paths, seen);
                }
            }
            else if (node is JsonArray array)
            {
                foreach (JsonNode? item in array)
                {
                    Walk(item, prefix + "[]", paths, seen);
                }
            }
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}

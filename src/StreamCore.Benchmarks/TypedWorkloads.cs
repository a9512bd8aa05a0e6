using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace StreamCore.Benchmarks;

/// <summary>
/// The typed-protocol workloads. Each generated one is a recording of <c>../shared/corpus-typed</c>
/// with its delta events scaled up: the recording's own events are the templates (member order,
/// envelopes, ids, <c>obfuscation</c> padding, usage shapes as recorded), its deltas are replayed
/// several times or replaced by larger generated arguments, and every final value that repeats the
/// recorded whole (<c>.done</c> events, finished items, the terminal response) is replaced by the
/// new whole, so the stream stays consistent. Deterministic: the same recordings give the same bytes.
/// </summary>
public static class TypedWorkloads
{
    public const string ResponsesText = "responses-text";
    public const string ResponsesFunctionCall = "responses-function-call";
    public const string ResponsesReasoning = "responses-reasoning";
    public const string ResponsesCorpus = "responses-corpus";
    public const string AnthropicText = "anthropic-text";
    public const string AnthropicToolUse = "anthropic-tool-use";
    public const string AnthropicThinking = "anthropic-thinking";
    public const string AnthropicCorpus = "anthropic-corpus";

    /// <summary>The recording each generated workload is scaled from (relative to <c>corpus-typed</c>).</summary>
    public static IReadOnlyDictionary<string, string> Sources { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ResponsesText] = "openai-responses/xai-reasoning-summary-1.sse",
        [ResponsesFunctionCall] = "openai-responses/azure-function-call-1.sse",
        [ResponsesReasoning] = "openai-responses/openai-reasoning-summary-function-calls-1.sse",
        [AnthropicText] = "anthropic/compaction-1.sse",
        [AnthropicToolUse] = "anthropic/sdk-tool-use-1.sse",
        [AnthropicThinking] = "anthropic/thinking-signature-1.sse",
    };

    /// <summary>
    /// Event kinds of a source recording that its generated workload leaves out on purpose (the
    /// shape check accepts their absence): anthropic-text keeps compaction-1's text block only.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> OmittedKinds { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [AnthropicText] = ["content_block_delta/compaction_delta"],
    };

    internal static Workload Create(string name) => Create(name, scale: 1);

    /// <summary>
    /// A generated workload with <paramref name="scale"/> times its deltas (the same stream,
    /// longer), for measuring what each extra event allocates; null for the corpora.
    /// </summary>
    internal static Workload? CreateScaled(string name, int scale) =>
        name is ResponsesCorpus or AnthropicCorpus ? null : Create(name, scale);

    private static Workload Create(string name, int scale) => name switch
    {
        ResponsesText => ResponsesLongText(scale),
        ResponsesFunctionCall => ResponsesFragmentedArguments(scale),
        ResponsesReasoning => ResponsesReasoningSummary(scale),
        AnthropicText => AnthropicLongText(scale),
        AnthropicToolUse => AnthropicFragmentedToolInput(scale),
        AnthropicThinking => AnthropicThinkingWithSignature(scale),
        ResponsesCorpus => LoadCorpus(name, "openai-responses", StreamProtocol.Responses),
        AnthropicCorpus => LoadCorpus(name, "anthropic", StreamProtocol.AnthropicMessages),
        _ => throw new ArgumentException($"Unknown typed workload '{name}'.", nameof(name)),
    };

    // ---- OpenAI Responses ---------------------------------------------------------------------

    /// <summary>xai-reasoning-summary-1: its reasoning summary as recorded, then its output_text deltas replayed 3 times.</summary>
    private static Workload ResponsesLongText(int scale)
    {
        Recording recording = Recording.Load(Sources[ResponsesText]);
        var builder = new StreamBuilder(recording, sequenceNumbers: true);
        builder.Replay(e => e.Kind == "response.output_text.delta", "delta", times: 3 * scale);
        TypedResult expected = builder.Build();
        return Generated(ResponsesText, StreamProtocol.Responses, builder, expected,
            $"xai shape: reasoning summary ({builder.CountOf("response.reasoning_summary_text.delta")} deltas), then {builder.CountOf("response.output_text.delta"):N0} output_text deltas (the recording's {recording.CountOf("response.output_text.delta")}, {3 * scale} times)");
    }

    /// <summary>azure-function-call-1: one function_call whose ~8 KB arguments arrive in 2-8 character deltas with obfuscation padding, then <c>.done</c>.</summary>
    private static Workload ResponsesFragmentedArguments(int scale)
    {
        Recording recording = Recording.Load(Sources[ResponsesFunctionCall]);
        var builder = new StreamBuilder(recording, sequenceNumbers: true);
        var random = new Random(2150);
        builder.ReplaceFragments(e => e.Kind == "response.function_call_arguments.delta", "delta", Workloads.ToolArguments(random, scale * 8 * 1024), random, 2, 8, obfuscationWidth: 16);
        TypedResult expected = builder.Build();
        return Generated(ResponsesFunctionCall, StreamProtocol.Responses, builder, expected,
            $"Azure shape: one function_call, {expected.ToolCalls[0].Arguments.Length:N0} chars of JSON arguments in {builder.CountOf("response.function_call_arguments.delta"):N0} deltas of 2-8 chars (+ obfuscation), then .done");
    }

    /// <summary>openai-reasoning-summary-function-calls-1: a reasoning item whose summary deltas are replayed 40 times, then its function call as recorded.</summary>
    private static Workload ResponsesReasoningSummary(int scale)
    {
        Recording recording = Recording.Load(Sources[ResponsesReasoning]);
        var builder = new StreamBuilder(recording, sequenceNumbers: true);
        builder.Replay(e => e.Kind == "response.reasoning_summary_text.delta", "delta", times: 40 * scale);
        TypedResult expected = builder.Build();
        return Generated(ResponsesReasoning, StreamProtocol.Responses, builder, expected,
            $"OpenAI shape: reasoning item (encrypted_content) with {builder.CountOf("response.reasoning_summary_text.delta"):N0} summary deltas (the recording's {recording.CountOf("response.reasoning_summary_text.delta")}, {40 * scale} times), then a function_call ({builder.CountOf("response.function_call_arguments.delta")} argument deltas)");
    }

    // ---- Anthropic Messages -------------------------------------------------------------------

    /// <summary>compaction-1's text block alone (its compaction block left out, the text block renumbered 0): its text deltas replayed twice.</summary>
    private static Workload AnthropicLongText(int scale)
    {
        Recording recording = Recording.Load(Sources[AnthropicText]);
        var builder = new StreamBuilder(recording, sequenceNumbers: false);
        builder.DropBlock(0);
        builder.Replay(e => e.Kind == "content_block_delta/text_delta", "delta.text", times: 2 * scale);
        TypedResult expected = builder.Build();
        return Generated(AnthropicText, StreamProtocol.AnthropicMessages, builder, expected,
            $"compaction-1's text block: {builder.CountOf("content_block_delta/text_delta"):N0} text_delta events (the recording's {recording.CountOf("content_block_delta/text_delta")}, {2 * scale} times)");
    }

    /// <summary>sdk-tool-use-1: its text, then a tool_use whose ~12 KB input arrives in 2-12 character input_json_delta fragments after the recorded empty first one.</summary>
    private static Workload AnthropicFragmentedToolInput(int scale)
    {
        Recording recording = Recording.Load(Sources[AnthropicToolUse]);
        var builder = new StreamBuilder(recording, sequenceNumbers: false);
        var random = new Random(1314);
        builder.ReplaceFragments(e => e.Kind == "content_block_delta/input_json_delta", "delta.partial_json", Workloads.ToolArguments(random, scale * 12 * 1024), random, 2, 12, obfuscationWidth: 0, keepFirst: true);
        TypedResult expected = builder.Build();
        return Generated(AnthropicToolUse, StreamProtocol.AnthropicMessages, builder, expected,
            $"SDK fixture shape: text, then tool_use with {expected.ToolCalls[0].Arguments.Length:N0} chars of input in {builder.CountOf("content_block_delta/input_json_delta"):N0} input_json_delta fragments of 2-12 chars");
    }

    /// <summary>thinking-signature-1: its thinking and text deltas replayed 20 times, the signature_delta kept before the thinking block's stop.</summary>
    private static Workload AnthropicThinkingWithSignature(int scale)
    {
        Recording recording = Recording.Load(Sources[AnthropicThinking]);
        var builder = new StreamBuilder(recording, sequenceNumbers: false);
        builder.Replay(e => e.Kind == "content_block_delta/thinking_delta", "delta.thinking", times: 20 * scale);
        builder.Replay(e => e.Kind == "content_block_delta/text_delta", "delta.text", times: 20 * scale);
        TypedResult expected = builder.Build();
        return Generated(AnthropicThinking, StreamProtocol.AnthropicMessages, builder, expected,
            $"thinking block ({builder.CountOf("content_block_delta/thinking_delta"):N0} thinking_delta, one signature_delta), then text ({builder.CountOf("content_block_delta/text_delta"):N0} text_delta): the recording's {recording.CountOf("content_block_delta/thinking_delta")} and {recording.CountOf("content_block_delta/text_delta")}, {20 * scale} times");
    }

    // ---- corpora ------------------------------------------------------------------------------

    private static Workload LoadCorpus(string name, string folder, StreamProtocol protocol)
    {
        string dir = Path.Combine(Workloads.FindTypedCorpusDirectory(), folder);
        string[] files = Directory.GetFiles(dir, "*.sse");
        Array.Sort(files, StringComparer.Ordinal);
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"No *.sse files in {dir}.");
        }

        return new Workload(
            name,
            protocol,
            $"{files.Length} recorded {(protocol == StreamProtocol.Responses ? "Responses" : "Anthropic")} streams from ../shared/corpus-typed/{folder}, each processed on its own, bytes as recorded",
            files.Select(File.ReadAllBytes).ToArray(),
            files.Select(Path.GetFileName).Select(n => n!).ToArray(),
            typedExpected: null);
    }

    private static Workload Generated(string name, StreamProtocol protocol, StreamBuilder builder, TypedResult expected, string description) =>
        new(name, protocol, description, [builder.ToBytes()], [name + ".sse"], [expected]);

    /// <summary>
    /// Builds a stream from a recording's events: replays or replaces runs of delta events and
    /// rewrites the final values that repeat the recorded wholes. <see cref="Build"/> writes it.
    /// </summary>
    private sealed class StreamBuilder(Recording recording, bool sequenceNumbers)
    {
        private readonly List<RecordedEvent> _events = [.. recording.Events.Select(e => e.Clone())];
        private readonly Dictionary<string, string> _wholes = new(StringComparer.Ordinal);
        private readonly HashSet<RecordedEvent> _deltas = [];
        private readonly StringBuilder _body = new();

        public int CountOf(string kind) => _events.Count(e => e.Kind == kind);

        /// <summary>Replays each run of matching deltas <paramref name="times"/> times (the recording's own fragments, in order).</summary>
        public void Replay(Func<RecordedEvent, bool> isDelta, string member, int times) =>
            ReplaceRuns(isDelta, member, run => [.. Enumerable.Range(0, times).SelectMany(_ => run.Select(e => e.Clone()))]);

        /// <summary>Replaces each run of matching deltas with <paramref name="whole"/> cut into fragments of <paramref name="min"/>-<paramref name="max"/> characters.</summary>
        public void ReplaceFragments(Func<RecordedEvent, bool> isDelta, string member, string whole, Random random, int min, int max, int obfuscationWidth, bool keepFirst = false) =>
            ReplaceRuns(isDelta, member, run =>
            {
                var events = new List<RecordedEvent>();
                if (keepFirst)
                {
                    events.Add(run[0].Clone()); // sdk-tool-use-1 starts its input with an empty fragment
                }

                RecordedEvent template = run[^1];
                for (int at = 0; at < whole.Length;)
                {
                    int length = Math.Min(random.Next(min, max + 1), whole.Length - at);
                    if (char.IsHighSurrogate(whole[at + length - 1]) && at + length < whole.Length)
                    {
                        length++;
                    }

                    RecordedEvent fragment = template.Clone();
                    fragment.Set(member, whole.Substring(at, length));
                    if (obfuscationWidth > 0 && fragment.Data.ContainsKey("obfuscation"))
                    {
                        // Azure pads delta + obfuscation to a constant width so token lengths do not show.
                        fragment.Data["obfuscation"] = Workloads.RandomToken(random, Math.Max(2, obfuscationWidth - length));
                    }

                    events.Add(fragment);
                    at += length;
                }

                return events;
            });

        /// <summary>Leaves out an Anthropic content block and renumbers the blocks after it.</summary>
        public void DropBlock(int index)
        {
            _events.RemoveAll(e => e.Data["index"] is JsonValue v && v.GetValue<int>() == index);
            foreach (RecordedEvent e in _events.Where(e => e.Data["index"] is JsonValue v && v.GetValue<int>() > index))
            {
                e.Data["index"] = e.Data["index"]!.GetValue<int>() - 1;
            }
        }

        /// <summary>Writes the stream and returns what it streams (<see cref="Truth"/>).</summary>
        public TypedResult Build()
        {
            int sequence = 0;
            var replaced = _wholes.Keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
            foreach (RecordedEvent e in _events)
            {
                if (sequenceNumbers && e.Data.ContainsKey("sequence_number"))
                {
                    e.Data["sequence_number"] = sequence++;
                }

                // Final values repeat a whole; a generated delta is a fragment, even one equal to a recorded whole.
                foreach ((string recorded, string generated) in _deltas.Contains(e) ? [] : _wholes)
                {
                    replaced[recorded] += e.ReplaceStrings(recorded, generated);
                }

                _body.Append(e.ToSse());
            }

            // Responses repeats every whole in its final values (.done, the finished item, the
            // terminal response); one that was not found would leave the stream contradicting itself.
            if (recording.Protocol == StreamProtocol.Responses && replaced.FirstOrDefault(r => r.Value == 0 && _wholes[r.Key] != r.Key) is { Key: not null } missed)
            {
                throw new InvalidOperationException($"{recording.Name}: no final value repeats the recorded whole of {missed.Key.Length} chars; the recording's deltas do not add up to its .done value.");
            }

            return Truth();
        }

        public byte[] ToBytes() => Encoding.UTF8.GetBytes(_body.ToString());

        private void ReplaceRuns(Func<RecordedEvent, bool> isDelta, string member, Func<List<RecordedEvent>, List<RecordedEvent>> replace)
        {
            for (int i = 0; i < _events.Count; i++)
            {
                if (!isDelta(_events[i]))
                {
                    continue;
                }

                int end = i;
                while (end < _events.Count && isDelta(_events[end]))
                {
                    end++;
                }

                List<RecordedEvent> run = _events.GetRange(i, end - i);
                List<RecordedEvent> generated = replace(run);
                string recordedWhole = string.Concat(run.Select(e => e.Get(member)));
                string generatedWhole = string.Concat(generated.Select(e => e.Get(member)));
                if (recordedWhole.Length > 0)
                {
                    // Final values (.done, finished items, the terminal response) repeat the whole.
                    _wholes[recordedWhole] = generatedWhole;
                }

                _events.RemoveRange(i, run.Count);
                _events.InsertRange(i, generated);
                _deltas.UnionWith(generated);
                i += generated.Count - 1;
            }
        }

        /// <summary>
        /// The ground truth, from the deltas alone (independent of <see cref="TypedReferenceReader"/>,
        /// which the self-check compares with it): text, reasoning and each tool call's arguments
        /// joined in order. Every generated workload has one text part, one reasoning part and
        /// single-part tool calls, so joining needs no separator.
        /// </summary>
        private TypedResult Truth()
        {
            var result = new TypedResult();
            var calls = new Dictionary<int, ToolCallResult>();
            StringBuilder? text = null, reasoning = null;
            foreach (RecordedEvent e in _events)
            {
                switch (e.Kind)
                {
                    case "response.output_item.added" when e.Get("item.type") == "function_call":
                        calls[e.Int("output_index")] = new ToolCallResult { Index = calls.Count, Id = e.Get("item.call_id"), Name = e.Get("item.name") };
                        break;
                    case "content_block_start" when e.Get("content_block.type") == "tool_use":
                        calls[e.Int("index")] = new ToolCallResult { Index = calls.Count, Id = e.Get("content_block.id"), Name = e.Get("content_block.name") };
                        break;
                    case "response.output_text.delta":
                        (text ??= new StringBuilder()).Append(e.Get("delta"));
                        break;
                    case "content_block_delta/text_delta":
                        (text ??= new StringBuilder()).Append(e.Get("delta.text"));
                        break;
                    case "response.reasoning_summary_text.delta":
                        (reasoning ??= new StringBuilder()).Append(e.Get("delta"));
                        break;
                    case "content_block_delta/thinking_delta":
                        (reasoning ??= new StringBuilder()).Append(e.Get("delta.thinking"));
                        break;
                    case "response.function_call_arguments.delta":
                        calls[e.Int("output_index")].Arguments += e.Get("delta");
                        break;
                    case "content_block_delta/input_json_delta":
                        calls[e.Int("index")].Arguments += e.Get("delta.partial_json");
                        break;
                }
            }

            result.Text = text?.ToString();
            result.Reasoning = reasoning?.ToString();
            result.ToolCalls.AddRange(calls.Values.OrderBy(c => c.Index));
            return result;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using StreamCore.Buffers;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore.Responses;

/// <summary>
/// The <c>response</c> object assembled from an OpenAI Responses stream (<c>typed-protocols.md</c>,
/// section 1), or the part received so far, with the normalized view every protocol shares and what
/// only Responses has: the response's own status, and the stream's <c>sequence_number</c> diagnostics.
/// </summary>
/// <remarks>
/// The normalized view reads the same items the JSON writes: when the terminal event's
/// <c>output</c> is used, its items are the items. Strings are built on first access and rebuilt
/// only after the stream changed them.
/// </remarks>
public sealed class ResponsesResult : StreamResult
{
    private readonly List<ToolCall> _toolCalls = [];
    private TextCache _id;
    private TextCache _model;
    private TextCache _status;
    private JoinedText _text;
    private JoinedText _refusal;
    private JoinedText _reasoning;
    private string? _stopReason;
    private long _stopReasonVersion = -1;

    internal ResponsesResult(ResponsesState state)
        : base(state)
    {
    }

    /// <inheritdoc/>
    public override StreamProtocol Protocol => StreamProtocol.Responses;

    /// <summary>The response's <c>id</c> (from the last lifecycle or terminal event), or null when none arrived.</summary>
    public override string? Id => EnvelopeString(Responses.EnvelopeMembers.Id, ref _id);

    /// <summary>The response's <c>model</c> (from the last lifecycle or terminal event), or null when none arrived.</summary>
    public override string? Model => EnvelopeString(Responses.EnvelopeMembers.Model, ref _model);

    /// <summary>The text of the <c>output_text</c> parts of <c>message</c> items, joined as they are (no separator) in output order; null when there is none.</summary>
    public override string? Text => _text.Get(Responses, static (item, part) => item.Kind == ItemKind.Message && part.Kind == PartKind.OutputText, separator: false);

    /// <summary>The text of the <c>refusal</c> parts of <c>message</c> items, joined as they are in output order; null when there is none.</summary>
    public override string? Refusal => _refusal.Get(Responses, static (item, part) => item.Kind == ItemKind.Message && part.Kind == PartKind.Refusal, separator: false);

    /// <summary>
    /// The reasoning: for each <c>reasoning</c> item in output order, the texts of its <c>summary</c>
    /// parts, then of its <c>reasoning_text</c> content parts, each text separated from the next by a
    /// blank line (<c>"\n\n"</c>); null when there is none. Encrypted reasoning is not text: it stays in the JSON.
    /// </summary>
    public override string? Reasoning => _reasoning.Get(Responses, static (item, part) => item.Kind == ItemKind.Reasoning && part.Kind is PartKind.SummaryText or PartKind.ReasoningText, separator: true);

    /// <summary>
    /// The <c>function_call</c> items (id: <c>call_id</c>, <c>name</c>, <c>arguments</c>) and
    /// <c>custom_tool_call</c> items (their free-form <c>input</c> as the arguments text) in order of
    /// first appearance. Provider-run tools (web search, code interpreter, MCP) are output items, not tool calls.
    /// </summary>
    public override IReadOnlyList<ToolCall> ToolCalls
    {
        get
        {
            List<ToolCallState> calls = Responses.ToolCalls;
            for (int i = _toolCalls.Count; i < calls.Count; i++)
            {
                _toolCalls.Add(GetView(calls[i]));
            }

            return _toolCalls;
        }
    }

    /// <summary>
    /// Once a terminal event arrived: <c>incomplete_details.reason</c> when the response is incomplete,
    /// else the response's <c>status</c> (<c>completed</c>, <c>failed</c>, ...). Null while no terminal
    /// event arrived (a cut stream has no stop).
    /// </summary>
    public override string? StopReason
    {
        get
        {
            ResponsesState state = Responses;
            if (state.Terminal == ResponsesEventKind.Unknown)
            {
                return null;
            }

            if (_stopReasonVersion != state.Version)
            {
                _stopReason = ComputeStopReason(state);
                _stopReasonVersion = state.Version;
            }

            return _stopReason;
        }
    }

    /// <summary>The response's <c>status</c> as the last lifecycle or terminal event gave it (<c>in_progress</c>, <c>completed</c>, <c>incomplete</c>, <c>failed</c>, ...), or null.</summary>
    public string? ResponseStatus => EnvelopeString(Responses.EnvelopeMembers.Status, ref _status);

    /// <summary>The <c>incomplete_details.reason</c> of the response (<c>max_output_tokens</c>, <c>content_filter</c>), or null.</summary>
    public string? IncompleteReason
    {
        get
        {
            ResponsesState state = Responses;
            ReadOnlySpan<byte> reason = IncompleteReasonOf(state);
            return reason.IsEmpty ? null : JsonText.ToString(reason);
        }
    }

    /// <summary>Whether the stream's terminal event (<c>response.completed</c>, <c>incomplete</c> or <c>failed</c>) arrived.</summary>
    public bool HasTerminalEvent => Responses.Terminal != ResponsesEventKind.Unknown;

    /// <summary>
    /// Rule 13, diagnostics: how many times an event's <c>sequence_number</c> skipped ahead of the one
    /// expected (events lost or dropped by a proxy). Never fatal, never used to reorder.
    /// </summary>
    public int SequenceGaps => Responses.SequenceGaps;

    /// <summary>Rule 13, diagnostics: how many times an event's <c>sequence_number</c> was not above the highest one before it (a repeat, or one out of order).</summary>
    public int SequenceRepeats => Responses.SequenceRepeats;

    /// <summary>The highest <c>sequence_number</c> the stream carried, or null when its events had none.</summary>
    public long? LastSequenceNumber => Responses.HasSequenceNumber ? Responses.LastSequenceNumber : null;

    /// <summary>The number of output items assembled from the stream (the terminal output's, when it is used).</summary>
    public int OutputItemCount => Responses.Items.Count;

    private protected override StopKind StopKindOfReason
    {
        get
        {
            ResponsesState state = Responses;
            return state.Terminal switch
            {
                // "completed → ToolCalls when the output has client tool calls, else Stop"
                ResponsesEventKind.Completed => state.ToolCalls.Count > 0 ? StopKind.ToolCalls : StopKind.Stop,

                // "incomplete is complete with the stop kind its incomplete_details.reason gives"
                ResponsesEventKind.Incomplete => IncompleteKind(IncompleteReasonOf(state)),
                ResponsesEventKind.Failed => StopKind.Error,
                _ => StopKind.None,
            };
        }
    }

    private protected override ReadOnlySpan<byte> UsageSpan
    {
        get
        {
            ReadOnlySpan<byte> usage = EnvelopeRaw(Responses.EnvelopeMembers.Usage);
            return !usage.IsEmpty && usage[0] == (byte)'{' ? usage : default;
        }
    }

    private protected override ReadOnlySpan<byte> ErrorSpan
    {
        get
        {
            ResponsesState state = Responses;
            if (!state.ProviderError.IsEmpty)
            {
                return state.ProviderError.Span;
            }

            // "failed is failed with response.error"
            ReadOnlySpan<byte> error = EnvelopeRaw(state.EnvelopeMembers.Error);
            return state.HasProviderError && !error.SequenceEqual("null"u8) ? error : default;
        }
    }

    private ResponsesState Responses => (ResponsesState)Live;

    /// <summary>The raw JSON of a member of the <c>response</c> object (the envelope), or empty when it has none. A copy: the caller may keep it.</summary>
    public ReadOnlyMemory<byte> GetMemberJson(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ResponsesState state = Responses;
        if (!state.HasEnvelope)
        {
            return default;
        }

        ReadOnlySpan<byte> envelope = state.Envelope.Span;
        var reader = new Utf8JsonReader(envelope, new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        byte[] wanted = Encoding.UTF8.GetBytes(name);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = ResponsesWriter.NameIs(ref reader, wanted);
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (match)
            {
                return envelope[start..(int)reader.BytesConsumed].ToArray();
            }
        }

        return default;
    }

    private protected override void WriteJson(Utf8JsonWriter writer) => ResponsesWriter.Write(writer, Responses);

    private static StopKind IncompleteKind(ReadOnlySpan<byte> reason)
    {
        if (reason.IsEmpty)
        {
            return StopKind.Other;
        }

        StopKind kind = StopKinds.FromReason(reason);
        return kind == StopKind.None ? StopKind.Other : kind;
    }

    private static ReadOnlySpan<byte> IncompleteReasonOf(ResponsesState state)
    {
        Slice details = state.EnvelopeMembers.IncompleteDetails;
        if (!details.IsPresent)
        {
            return default;
        }

        var reader = new Utf8JsonReader(details.Of(state.Envelope.Span));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isReason = ResponsesWriter.NameIs(ref reader, "reason"u8);
            reader.Read();
            if (isReason && reader.TokenType == JsonTokenType.String)
            {
                return reader.ValueSpan;
            }

            reader.Skip();
        }

        return default;
    }

    private static string ComputeStopReason(ResponsesState state)
    {
        ReadOnlySpan<byte> envelope = state.Envelope.Span;
        ReadOnlySpan<byte> status = state.EnvelopeMembers.Status.Of(envelope);
        ReadOnlySpan<byte> reason = IncompleteReasonOf(state);
        bool incomplete = state.Terminal == ResponsesEventKind.Incomplete || status.SequenceEqual("incomplete"u8);
        if (incomplete && !reason.IsEmpty)
        {
            return JsonText.ToString(reason);
        }

        if (!status.IsEmpty)
        {
            return JsonText.ToString(status);
        }

        return state.Terminal switch
        {
            ResponsesEventKind.Completed => "completed",
            ResponsesEventKind.Incomplete => "incomplete",
            _ => "failed",
        };
    }

    // The envelope is replaced whole by later events; its strings are kept while they still spell it.
    private string? EnvelopeString(Slice member, ref TextCache cache)
        => member.IsPresent ? cache.GetReplaceable(member.Of(Responses.Envelope.Span)) : null;

    private ReadOnlySpan<byte> EnvelopeRaw(Slice member)
    {
        ResponsesState state = Responses;
        return member.IsPresent ? member.Of(state.Envelope.Span) : default;
    }

    /// <summary>A text joined from the parts that a filter selects, rebuilt only after the output changed.</summary>
    private struct JoinedText
    {
        private string? _value;
        private long _version;
        private bool _built;

        public string? Get(ResponsesState state, Func<OutputItemState, OutputPartState, bool> select, bool separator)
        {
            if (_built && _version == state.Version)
            {
                return _value;
            }

            var joined = default(PooledByteBuffer);
            bool any = false;
            try
            {
                foreach (OutputItemState item in state.Items.Entries)
                {
                    // A reasoning item's summary comes before its content; a message has content only.
                    Append(item.Summary);
                    Append(item.Content);

                    void Append(PartList? parts)
                    {
                        if (parts is null)
                        {
                            return;
                        }

                        foreach (OutputPartState part in parts.Parts)
                        {
                            if (!select(item, part) || !part.HasText)
                            {
                                continue;
                            }

                            if (any && separator)
                            {
                                joined.Append("\\n\\n"u8); // escaped: the buffer holds string content as it arrived
                            }

                            joined.Append(part.Text.Span);
                            any = true;
                        }
                    }
                }

                _value = any ? JsonText.ToString(joined.Span) : null;
            }
            finally
            {
                joined.Dispose();
            }

            _version = state.Version;
            _built = true;
            return _value;
        }
    }
}

using System;
using System.Buffers;
using System.Text;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;
using StreamCore.Sse;

namespace StreamCore.Responses;

/// <summary>
/// The events of a Responses stream (<c>typed-protocols.md</c>, sections 0 and 1): what each event
/// is, the envelope and the end of the stream. The output's events go to <see cref="OutputEvents"/>.
/// </summary>
internal static class ResponsesEvents
{
    /// <summary>Reads one event: one pass over its data (<see cref="EventReader"/>), then the rule its name names.</summary>
    public static void Process<TSink>(ResponsesState state, string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        state.Result.EventCount = eventNumber;

        // A delta that repeats the last one's bytes around new values goes where it went, unread.
        DeltaTemplate template = state.Template;
        if (ReferenceEquals(template.EventType, eventType) && template.Match(data, out Slice delta, out long sequenceNumber, out bool hasSequenceNumber))
        {
            if (hasSequenceNumber)
            {
                state.NoteSequenceNumber(sequenceNumber);
            }

            OutputEvents.RepeatedDelta(state, template, data, delta, ref sink);
            return;
        }

        // "Empty-data events are keep-alives." "A data: [DONE] that a relay adds ... is ignored."
        if (data.IsEmpty || data.IndexOfAnyExcept(" \t\r\n"u8) < 0 || data.SequenceEqual("[DONE]"u8))
        {
            return;
        }

        // "Dispatch on the SSE event name, else on the data's type (it is not always the first member)."
        bool named = !ReferenceEquals(eventType, SseEventTypes.Message) && eventType != SseEventTypes.Message;
        ResponsesEventKind kind = named ? state.ClassifyEventName(eventType) : ResponsesEventKind.Unknown;
        state.EventType = eventType;

        EventFields.Init(out EventFields e);
        state.Scratch.Clear();
        try
        {
            EventReader.Read(data, state, ref e);
        }
        catch (Exception ex) when (named && (ex is JsonException or MalformedEventException) && (kind is ResponsesEventKind.KeepAlive or ResponsesEventKind.Error))
        {
            // A ping's data says nothing; an error event's data that is not an object is the error, as a JSON string.
            if (kind == ResponsesEventKind.Error)
            {
                SetProviderError(state, IsJson(data) ? data : JsonText.Quote(data), -1, ref sink);
            }

            return;
        }

        // Section 0: "a later event that names another protocol ... is malformed input".
        ReadOnlySpan<byte> type = e.Type.Of(data);
        if (kind == ResponsesEventKind.OtherProtocol || (e.Type.IsPresent && ProtocolDetector.IsAnthropicType(type)))
        {
            string name = kind == ResponsesEventKind.OtherProtocol ? eventType : Encoding.UTF8.GetString(type);
            throw new MalformedEventException($"an Anthropic Messages event ('{name}') in an OpenAI Responses stream");
        }

        if (e.AitronosEvent.IsPresent && ProtocolDetector.IsAitronosEvent(e.AitronosEvent.Of(data)))
        {
            throw new MalformedEventException($"an Aitronos event ('{Encoding.UTF8.GetString(e.AitronosEvent.Of(data))}') in an OpenAI Responses stream");
        }

        if (!named)
        {
            kind = e.Type.IsPresent ? ResponsesEventNames.Classify(type) : ResponsesEventKind.Unknown;
        }

        if (e.HasSequenceNumber)
        {
            state.NoteSequenceNumber(e.SequenceNumber);
        }

        Dispatch(state, kind, eventType, named, data, e, ref sink);
    }

    /// <summary>Rule 12: input that ends without a terminal event is incomplete; tool calls still open complete now.</summary>
    public static void Finish<TSink>(ResponsesState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        foreach (OutputItemState item in state.Items.Entries)
        {
            ItemLoader.CompleteCall(state, item, ref sink);
        }

        if (state.Status == StreamStatus.InProgress)
        {
            state.Status = StreamStatus.Incomplete;
        }
    }

    private static void Dispatch<TSink>(ResponsesState state, ResponsesEventKind kind, string eventType, bool named, ReadOnlySpan<byte> data, in EventFields e, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        switch (kind)
        {
            case ResponsesEventKind.OutputTextDelta:
                OutputEvents.TextDelta(state, data, e, PartKind.OutputText, ref sink);
                break;
            case ResponsesEventKind.SummaryTextDelta:
                OutputEvents.TextDelta(state, data, e, PartKind.SummaryText, ref sink);
                break;
            case ResponsesEventKind.ReasoningTextDelta:
                OutputEvents.TextDelta(state, data, e, PartKind.ReasoningText, ref sink);
                break;
            case ResponsesEventKind.RefusalDelta:
                OutputEvents.TextDelta(state, data, e, PartKind.Refusal, ref sink);
                break;
            case ResponsesEventKind.FunctionArgumentsDelta:
                OutputEvents.ArgumentsDelta(state, data, e, "function_call"u8, ref sink);
                break;
            case ResponsesEventKind.CustomInputDelta:
                OutputEvents.ArgumentsDelta(state, data, e, "custom_tool_call"u8, ref sink);
                break;
            case ResponsesEventKind.McpArgumentsDelta:
                OutputEvents.ArgumentsDelta(state, data, e, "mcp_call"u8, ref sink);
                break;
            case ResponsesEventKind.CodeDelta:
                OutputEvents.Code(state, data, e, isDone: false, ref sink);
                break;
            case ResponsesEventKind.OutputTextDone:
                OutputEvents.TextDone(state, data, e, PartKind.OutputText, ref sink);
                break;
            case ResponsesEventKind.SummaryTextDone:
                OutputEvents.TextDone(state, data, e, PartKind.SummaryText, ref sink);
                break;
            case ResponsesEventKind.ReasoningTextDone:
                OutputEvents.TextDone(state, data, e, PartKind.ReasoningText, ref sink);
                break;
            case ResponsesEventKind.RefusalDone:
                OutputEvents.TextDone(state, data, e, PartKind.Refusal, ref sink);
                break;
            case ResponsesEventKind.FunctionArgumentsDone:
                OutputEvents.ArgumentsDone(state, data, e, "function_call"u8, ref sink);
                break;
            case ResponsesEventKind.CustomInputDone:
                OutputEvents.ArgumentsDone(state, data, e, "custom_tool_call"u8, ref sink);
                break;
            case ResponsesEventKind.McpArgumentsDone:
                OutputEvents.ArgumentsDone(state, data, e, "mcp_call"u8, ref sink);
                break;
            case ResponsesEventKind.CodeDone:
                OutputEvents.Code(state, data, e, isDone: true, ref sink);
                break;
            case ResponsesEventKind.ItemAdded:
                OutputEvents.ItemAdded(state, data, e, ref sink);
                break;
            case ResponsesEventKind.ItemDone:
                OutputEvents.ItemDone(state, data, e, ref sink);
                break;
            case ResponsesEventKind.ContentPartAdded or ResponsesEventKind.ContentPartDone:
                OutputEvents.PartEvent(state, data, e, summary: false, isFinal: kind == ResponsesEventKind.ContentPartDone, ref sink);
                break;
            case ResponsesEventKind.SummaryPartAdded or ResponsesEventKind.SummaryPartDone:
                OutputEvents.PartEvent(state, data, e, summary: true, isFinal: kind == ResponsesEventKind.SummaryPartDone, ref sink);
                break;
            case ResponsesEventKind.AnnotationAdded:
                OutputEvents.AnnotationAdded(state, data, e, ref sink);
                break;
            case ResponsesEventKind.ToolStatus:
                ToolStatus(state, eventType, named, data, e, ref sink);
                break;
            case ResponsesEventKind.Lifecycle:
                // Rule 1: "response.created / queued / in_progress set the envelope: the response object's members, verbatim."
                if (e.HasResponse)
                {
                    state.SetEnvelope(data, e.Response);
                }

                break;
            case ResponsesEventKind.Completed or ResponsesEventKind.Incomplete or ResponsesEventKind.Failed:
                TerminalEvents.End(state, kind, data, e, ref sink);
                break;
            case ResponsesEventKind.Error:
                // Rule 10: "The error is the data's error member when present (what the live API sends),
                // else the data itself (code, message, param: the documented shape)."
                Slice error = e.Error.IsPresent ? e.Error : new Slice(0, data.Length);
                SetProviderError(state, error.Of(data), error.Start, ref sink);
                break;
            case ResponsesEventKind.KeepAlive:
                break; // "ping, keepalive and comments are no-ops"
            default:
                // "Unknown event types ... change nothing in the result; they are handed to update consumers raw."
                // image_generation_call.partial_image "is passed to consumers, not stored".
                Unknown(state, eventType, named, data, e, ref sink);
                break;
        }
    }

    /// <summary>Rule 10: <c>error</c> fails the stream; a <c>response.failed</c> that follows still updates the envelope, so reading goes on.</summary>
    internal static void SetProviderError<TSink>(ResponsesState state, ReadOnlySpan<byte> error, int offset, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (state.ProviderError.IsEmpty)
        {
            state.ProviderError.Set(error);
        }

        state.HasProviderError = true;
        state.Status = StreamStatus.Failed;
        state.Version++;
        if (sink.IsEnabled)
        {
            sink.OnJson(state.Result, StreamUpdateKind.ProviderError, -1, -1, error, offset);
        }
    }

    private static void ToolStatus<TSink>(ResponsesState state, string eventType, bool named, ReadOnlySpan<byte> data, in EventFields e, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (!named)
        {
            OutputEvents.ToolStatus(state, data, e, e.Type.Of(data), ref sink);
            return;
        }

        Span<byte> name = stackalloc byte[128 * 3]; // classified, so at most 128 characters
        OutputEvents.ToolStatus(state, data, e, name[..Encoding.UTF8.GetBytes(eventType, name)], ref sink);
    }

    private static void Unknown<TSink>(ResponsesState state, string eventType, bool named, ReadOnlySpan<byte> data, in EventFields e, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (!sink.IsEnabled)
        {
            return;
        }

        if (!named && e.Type.IsPresent)
        {
            sink.OnUnknownEvent(state.Result, e.Type.Of(data), e.Type.Start, data);
            return;
        }

        // The SSE event name is not in the data: the collector copies it.
        byte[]? rented = null;
        int length = Encoding.UTF8.GetMaxByteCount(eventType.Length);
        Span<byte> name = length <= 384 ? stackalloc byte[384] : (rented = ArrayPool<byte>.Shared.Rent(length));
        sink.OnUnknownEvent(state.Result, name[..Encoding.UTF8.GetBytes(eventType, name)], -1, data);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool IsJson(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            reader.Read();
            reader.Skip();
            return !reader.Read(); // trailing content makes it not JSON
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>The Responses protocol at the seam: the loops and push assemblers specialize on it.</summary>
internal readonly struct ResponsesProtocol(ResponsesState state) : IProtocolAssembler<ResponsesProtocol>
{
    public bool IsEnded => state.Ended;

    public AssemblyState State => state;

    public static ResponsesProtocol Create(StreamOptions options) => new(new ResponsesState(options));

    public static StreamProviderErrorException ProviderError(string errorJson, int statusCode, string? contentType) => new(errorJson, statusCode, partialResult: null, contentType);

    public void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => ResponsesEvents.Process(state, eventType, data, eventNumber, ref sink);

    public void Finish<TSink>(ref TSink sink)
        where TSink : struct, IUpdateSink
        => ResponsesEvents.Finish(state, ref sink);
}

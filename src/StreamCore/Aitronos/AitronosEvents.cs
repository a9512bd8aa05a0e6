using System;
using System.Text;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;
using StreamCore.Sse;

namespace StreamCore.Aitronos;

/// <summary>
/// The events of an Aitronos stream (<c>typed-protocols.md</c>, section 3; section 0 for what every
/// typed stream shares): what each event is, in any of the three documented generations, and what
/// it changes in the seed's camelCase <c>response</c> object.
/// </summary>
internal static class AitronosEvents
{
    private const int MaxStackName = 128;

    /// <summary>Merges one event; throws <see cref="MalformedEventException"/> or <see cref="JsonException"/> for malformed input.</summary>
    public static void Process<TSink>(AitronosState state, string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        state.Result.EventCount = eventNumber;

        // "Heartbeats, ping, comments and empty data are keep-alives." (Comments never leave the SSE layer.)
        ReadOnlySpan<byte> trimmed = data.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty || eventType == SseEventTypes.Ping || eventType == "keepalive")
        {
            return;
        }

        // "[DONE] ... complete[s] it."
        if (trimmed.SequenceEqual("[DONE]"u8))
        {
            state.DoneSeen = true;
            state.Generations |= GenerationMarks.Current;
            state.Ended = true;
            return;
        }

        AitronosEventFields fields = AitronosEventFields.Read(data, state.Options.MaxJsonDepth);
        RejectOtherProtocols(fields.Type);

        // "The event name comes from the data's event member, else from the SSE event name."
        Span<byte> nameBuffer = stackalloc byte[MaxStackName];
        scoped ReadOnlySpan<byte> name;
        int nameOffset = -1;
        if (fields.Event.HasValue)
        {
            if (!fields.Event.IsString)
            {
                throw new MalformedEventException("the event's 'event' member is not a string");
            }

            state.Generations |= GenerationMarks.Typed;
            name = fields.Event.Escaped;
            nameOffset = fields.Event.EscapedOffset;
            if (name.IndexOf((byte)'\\') >= 0)
            {
                name = Unescape(name, nameBuffer);
                nameOffset = -1;
            }
        }
        else if (eventType != SseEventTypes.Message)
        {
            name = eventType.Length <= MaxStackName / 3
                ? nameBuffer[..Encoding.UTF8.GetBytes(eventType, nameBuffer)]
                : Encoding.UTF8.GetBytes(eventType);
        }
        else
        {
            name = default; // no name at all: nothing says what the event is
        }

        AitronosEventKind kind = AitronosEventNames.Find(name);
        state.Generations |= AitronosEventNames.MarkOf(kind);
        if (!fields.Event.HasValue && kind is AitronosEventKind.ContentDelta or AitronosEventKind.Error)
        {
            state.Generations |= GenerationMarks.Previous; // the current generation names every event in its data
        }
        switch (kind)
        {
            case AitronosEventKind.Unknown:
                // "Unknown event types ... change nothing in the result; they are handed to update consumers raw."
                if (sink.IsEnabled)
                {
                    sink.OnUnknownEvent(state.Result, name.IsEmpty ? "message"u8 : name, nameOffset, data);
                }

                return;
            case AitronosEventKind.Heartbeat:
                return; // a keep-alive: "carr[ies] metadata only", and nothing that stays
            default:
                Merge(ref fields, kind, name, data, state, ref sink);
                return;
        }
    }

    /// <summary>
    /// "response.cancelled ... ends the stream as incomplete ... response.error / response.failed fail
    /// it. [DONE], or response.completed when the input then ends, complete it." Input that ends
    /// otherwise is a cut stream: incomplete.
    /// </summary>
    public static void Finish<TSink>(AitronosState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (state.Status == StreamStatus.InProgress)
        {
            state.Status = state.DoneSeen || state.CompletedSeen ? StreamStatus.Complete : StreamStatus.Incomplete;
        }
    }

    /// <summary>A known event: the mapping table's rows, then what the event itself does.</summary>
    private static void Merge<TSink>(ref AitronosEventFields fields, AitronosEventKind kind, scoped ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, AitronosState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        CheckShapes(ref fields, kind, name);

        // "id: response_id, or the oldest generation's id of response.created (first non-empty)"
        state.Id.Offer(fields.ResponseId, state);
        if (kind == AitronosEventKind.Created && fields.Id.HasValue)
        {
            state.Id.Offer(fields.Id, state);
            state.Generations |= GenerationMarks.Oldest;
        }

        // "threadId, organizationId: thread_id, org_id (first non-empty)"
        state.ThreadId.Offer(fields.ThreadId, state);
        state.OrganizationId.Offer(fields.OrgId, state);

        // "createdAt, model: not streamed: written as null unless a member of that name arrives"
        if (fields.Model.HasValue)
        {
            SetLastNonNull(ref state.Model, fields.Model, state);
            state.ModelVersion++;
        }

        SetLastNonNull(ref state.CreatedAt, fields.CreatedAt, state);

        // "anything else: top-level members of any event, last non-null, verbatim, under their own names"
        if (fields.VerbatimMembers > 0)
        {
            MergeVerbatim(data, state);
        }

        switch (kind)
        {
            case AitronosEventKind.ContentDelta:
            case AitronosEventKind.OutputTextDelta:
                // "the content deltas joined: response.content_delta {delta}, oldest response.output_text.delta {index, delta}"
                // The index places nothing: there is one message, and it never sizes anything.
                AitronosText.Append(ref state.Content, fields.Delta, StreamUpdateKind.ContentDelta, state, ref sink);
                break;
            case AitronosEventKind.OutputTextDone:
                // "a full text that arrives (... response.output_text.done.text) replaces it"
                AitronosText.Replace(ref state.Content, fields.Text, StreamUpdateKind.ContentDelta, state, ref sink);
                break;
            case AitronosEventKind.ResponseReasoningDelta:
                AitronosText.Append(ref state.Reasoning, fields.Delta, StreamUpdateKind.ReasoningDelta, state, ref sink);
                break;
            case AitronosEventKind.ReasoningContent:
                AitronosText.Append(ref state.Reasoning, fields.Content, StreamUpdateKind.ReasoningDelta, state, ref sink);
                break;
            case AitronosEventKind.ReasoningCompleted:
            case AitronosEventKind.ResponseReasoningCompleted:
                // "reasoning_content of the completed event replaces it": read on the reasoning's own completion too.
                AitronosText.Replace(ref state.Reasoning, fields.ReasoningContent, StreamUpdateKind.ReasoningDelta, state, ref sink);
                break;
            case AitronosEventKind.Completed:
                AitronosText.Replace(ref state.Content, fields.Response, StreamUpdateKind.ContentDelta, state, ref sink);
                AitronosText.Replace(ref state.Reasoning, fields.ReasoningContent, StreamUpdateKind.ReasoningDelta, state, ref sink);
                break;
            case AitronosEventKind.OutputItemAdded:
                SetRole(fields.Item, state);
                break;
            case AitronosEventKind.Block:
            case AitronosEventKind.ToolDone:
                AitronosToolCalls.AddFromEvent(ref fields, state, ref sink);
                break;
            default:
                break; // lifecycle events "carry metadata only"
        }

        // "the tool_call entries of a response_blocks that arrives are the final list and replace the streamed ones"
        if (fields.ResponseBlocks.HasValue)
        {
            AitronosToolCalls.ReplaceFromResponseBlocks(fields.ResponseBlocks, state, ref sink);
        }

        // "usage: the usage object of any event, last non-null, verbatim"
        if (fields.Usage.HasValue)
        {
            SetLastNonNull(ref state.Usage, fields.Usage, state);
            if (sink.IsEnabled)
            {
                sink.OnJson(state.Result, StreamUpdateKind.Usage, -1, -1, fields.Usage.Raw, fields.Usage.Offset);
            }
        }

        switch (kind)
        {
            case AitronosEventKind.Completed:
                // "choices[0].finishReason: "stop" on response.completed"; the stream goes on until [DONE] or its end.
                state.CompletedSeen = true;
                if (sink.IsEnabled)
                {
                    sink.OnStop(state.Result, 0, StopKind.Stop, AitronosResult.StopReasonOfCompletion);
                }

                break;
            case AitronosEventKind.Cancelled:
                // "response.cancelled (the user stopped generation) ends the stream as incomplete, with
                // partial_content_length kept" (kept among the rest, verbatim).
                state.Cancelled = true;
                state.Status = StreamStatus.Incomplete;
                state.Ended = true;
                break;
            case AitronosEventKind.Error:
            case AitronosEventKind.Failed:
                SetError(ref fields, state, ref sink);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// The values that the event's rules read must have the shape they read (a text a string, a block
    /// an object, response_blocks an array); null is no value. Checked before anything changes, so
    /// that a malformed event leaves no trace in the partial result.
    /// </summary>
    private static void CheckShapes(ref AitronosEventFields fields, AitronosEventKind kind, scoped ReadOnlySpan<byte> name)
    {
        switch (kind)
        {
            case AitronosEventKind.ContentDelta or AitronosEventKind.OutputTextDelta or AitronosEventKind.ResponseReasoningDelta:
                CheckString(fields.Delta, name, "delta");
                break;
            case AitronosEventKind.OutputTextDone:
                CheckString(fields.Text, name, "text");
                break;
            case AitronosEventKind.ReasoningContent:
                CheckString(fields.Content, name, "content");
                break;
            case AitronosEventKind.ReasoningCompleted or AitronosEventKind.ResponseReasoningCompleted:
                CheckString(fields.ReasoningContent, name, "reasoning_content");
                break;
            case AitronosEventKind.Completed:
                CheckString(fields.Response, name, "response");
                CheckString(fields.ReasoningContent, name, "reasoning_content");
                break;
            case AitronosEventKind.Block or AitronosEventKind.ToolDone when fields.Block.HasValue && fields.Block.Token != JsonTokenType.StartObject:
                throw new MalformedEventException($"the 'block' of {AitronosText.Describe(name)} is not a JSON object");
            default:
                break;
        }

        if (fields.ResponseBlocks.HasValue && fields.ResponseBlocks.Token != JsonTokenType.StartArray)
        {
            throw new MalformedEventException($"the 'response_blocks' of {AitronosText.Describe(name)} is not a JSON array");
        }
    }

    private static void CheckString(EventValue value, scoped ReadOnlySpan<byte> name, string member)
    {
        if (value.HasValue && !value.IsString)
        {
            throw new MalformedEventException($"the '{member}' of {AitronosText.Describe(name)} is not a string");
        }
    }

    // "error: response.error / response.failed: the error member, else {"message": message}"
    private static void SetError<TSink>(ref AitronosEventFields fields, AitronosState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        ReadOnlySpan<byte> error;
        int offset;
        if (fields.Error.HasValue)
        {
            error = fields.Error.Raw;
            offset = fields.Error.Offset;
        }
        else
        {
            state.Scratch.Set("{\"message\":"u8);
            state.Scratch.Append(fields.Message.HasValue ? fields.Message.Raw : "null"u8);
            state.Scratch.Append((byte)'}');
            error = state.Scratch.Span;
            offset = -1;
        }

        MergedMember member = state.Extras.GetOrAdd(MemberNames.Error, MemberKind.Raw, MemberNames.Error);
        state.Charge(Math.Max(0, error.Length - member.Value.Length));
        MemberMerger.SetRaw(member, error);
        state.HasProviderError = true;
        state.Status = StreamStatus.Failed;
        state.Ended = true;
        if (sink.IsEnabled)
        {
            sink.OnJson(state.Result, StreamUpdateKind.ProviderError, -1, -1, error, offset);
        }
    }

    /// <summary>The message's role: the first non-empty <c>role</c> of a <c>response.output_item.added</c> item (the oldest generation's).</summary>
    private static void SetRole(EventValue item, AitronosState state)
    {
        if (item.Token != JsonTokenType.StartObject)
        {
            return; // bookkeeping: nothing else of the item is read
        }

        var reader = new Utf8JsonReader(item.Raw, new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isRole = reader.ValueTextEquals("role"u8);
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            JsonTokenType token = reader.TokenType;
            reader.Skip();
            if (isRole && token == JsonTokenType.String)
            {
                state.Role.Offer(new EventValue(item.Raw[start..(int)reader.BytesConsumed], item.Offset + start, token), state);
            }
        }
    }

    private static void SetLastNonNull(ref Buffers.PooledByteBuffer target, EventValue value, AitronosState state)
    {
        if (value.HasValue)
        {
            state.Charge(Math.Max(0, value.Raw.Length - target.Length));
            target.Set(value.Raw);
        }
    }

    /// <summary>
    /// The second pass, for events that carry members kept verbatim: each "anything else" member is
    /// merged into <see cref="AitronosState.Extras"/> (last non-null; a member that only ever came as
    /// null is kept as null). Lifecycle events have a few; delta events have none and skip this.
    /// </summary>
    private static void MergeVerbatim(ReadOnlySpan<byte> data, AitronosState state)
    {
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> memberName = MemberMerger.GetName(ref reader);
            bool verbatim = AitronosEventFields.IsVerbatim(AitronosEventFields.Classify(memberName));
            reader.Read();
            if (!verbatim)
            {
                reader.Skip();
                continue;
            }

            MergedMember? member = state.Extras.Find(memberName);
            if (member is null)
            {
                state.Charge(memberName.Length);
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                member ??= state.Extras.GetOrAdd(memberName, MemberKind.Null);
                continue;
            }

            ReadOnlySpan<byte> raw = MemberMerger.ReadRaw(ref reader, data);
            member ??= state.Extras.GetOrAdd(memberName, MemberKind.Raw);
            state.Charge(Math.Max(0, raw.Length - member.Value.Length));
            MemberMerger.SetRaw(member, raw);
        }
    }

    // "In a typed stream, a later event that names another protocol ... is malformed input; events
    // that name none (ping, error, unknown ones) are not."
    private static void RejectOtherProtocols(EventValue type)
    {
        if (!type.IsString)
        {
            return;
        }

        ReadOnlySpan<byte> value = type.Escaped;
        if (ProtocolDetector.IsAnthropicType(value))
        {
            throw new MalformedEventException($"an Anthropic Messages event ('type': '{Encoding.UTF8.GetString(value)}') in an Aitronos stream");
        }

        if (value.StartsWith("response."u8))
        {
            throw new MalformedEventException($"an OpenAI Responses event ('type': '{Encoding.UTF8.GetString(value)}') in an Aitronos stream");
        }
    }

    private static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> escaped, Span<byte> buffer)
    {
        byte[] target = escaped.Length <= buffer.Length ? [] : new byte[escaped.Length];
        Span<byte> destination = target.Length > 0 ? target : buffer;
        return destination[..JsonText.Unescape(escaped, destination)];
    }
}

/// <summary>The Aitronos protocol at the seam: the loops and push assemblers specialize on it.</summary>
internal readonly struct AitronosProtocol(AitronosState state) : IProtocolAssembler<AitronosProtocol>
{
    public bool IsEnded => state.Ended;

    public AssemblyState State => state;

    public static AitronosProtocol Create(StreamOptions options) => new(new AitronosState(options));

    public static StreamProviderErrorException ProviderError(string errorJson, int statusCode, string? contentType) => new(errorJson, statusCode, partialResult: null, contentType);

    public void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => AitronosEvents.Process(state, eventType, data, eventNumber, ref sink);

    public void Finish<TSink>(ref TSink sink)
        where TSink : struct, IUpdateSink
        => AitronosEvents.Finish(state, ref sink);
}

using System;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;
using StreamCore.Sse;

namespace StreamCore.Anthropic;

/// <summary>What an Anthropic event is, by its data's <c>type</c>, else by its SSE event name.</summary>
internal enum AnthropicEventKind : byte
{
    Unknown,
    MessageStart,
    ContentBlockStart,
    ContentBlockDelta,
    ContentBlockStop,
    MessageDelta,
    MessageStop,
    Ping,
    Error,

    /// <summary>An event of OpenAI Responses (<c>response.*</c>): another protocol.</summary>
    Responses,
}

/// <summary>
/// The events of an Anthropic Messages stream (<c>typed-protocols.md</c>, sections 0 and 2): what
/// each event is, then its rule (<see cref="AnthropicMessageRules"/>, <see cref="AnthropicBlockRules"/>).
/// </summary>
internal static class AnthropicEvents
{
    /// <summary>
    /// "Dispatch on the data's type, else on the SSE event name: proxies re-frame streams without
    /// event: lines." Empty data and <c>ping</c> are keep-alives; a relay's <c>[DONE]</c> is ignored.
    /// </summary>
    public static void Process<TSink>(AnthropicState state, string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        state.Result.EventCount = eventNumber;
        if (data.IsEmpty)
        {
            return;
        }

        // A string delta of the block before, repeated around a new string: only the string is read.
        if (state.RepeatedDelta.Match(data, out ReadOnlySpan<byte> value, out int offset))
        {
            state.Revision++;
            AnthropicBlockRules.StringDelta(state, state.RepeatedDelta.Index, state.RepeatedDelta.Kind, value, offset, ref sink);
            return;
        }

        ProcessRead(state, eventType, data, ref sink);
    }

    // Every other event, read in full. A method of its own: the event record it fills is large, and
    // the repeated-delta path above does not pay for clearing it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ProcessRead<TSink>(AnthropicState state, string eventType, ReadOnlySpan<byte> data, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (data[0] != (byte)'{')
        {
            ReadOnlySpan<byte> trimmed = data.Trim(" \t\r\n"u8);

            // "A data: [DONE] that a relay adds to a Responses or Anthropic stream is ignored: the
            // protocol's own terminal event decides."
            if (trimmed.IsEmpty || trimmed.SequenceEqual("[DONE]"u8))
            {
                return;
            }

            if (trimmed[0] != (byte)'{' && eventType == SseEventTypes.Error)
            {
                state.Revision++;
                AnthropicMessageRules.Error(state, JsonText.Quote(trimmed), -1, ref sink);
                return;
            }
        }

        AnthropicEvent e;
        try
        {
            e = AnthropicEventReader.Read(data, state.Options.MaxJsonDepth);
        }
        catch (JsonException) when (eventType == SseEventTypes.Error)
        {
            state.Revision++;
            AnthropicMessageRules.Error(state, JsonText.Quote(data.Trim(" \t\r\n"u8)), -1, ref sink);
            return;
        }

        // Section 0: "a later event that names another protocol (... a response.* type in an
        // Anthropic one, an Aitronos event member in either) is malformed input".
        if (!e.AitronosEvent.IsEmpty)
        {
            throw new MalformedEventException($"an Aitronos event ('{Encoding.UTF8.GetString(e.AitronosEvent)}') in an Anthropic Messages stream");
        }

        AnthropicEventKind kind = e.HasType ? KindOf(e.Type) : KindOf(eventType);
        switch (kind)
        {
            case AnthropicEventKind.Ping:
                return; // "ping, keepalive and comments are no-ops"
            case AnthropicEventKind.Responses:
                throw new MalformedEventException(
                    $"an OpenAI Responses event ('{(e.HasType ? Encoding.UTF8.GetString(e.Type) : eventType)}') in an Anthropic Messages stream");
            case AnthropicEventKind.Unknown:
                // "Unknown event types ... change nothing in the result; they are handed to update consumers raw."
                if (sink.IsEnabled)
                {
                    ReportUnknown(state, e.HasType, e.Type, e.TypeOffset, eventType, data, ref sink);
                }

                return;
        }

        state.Revision++;
        switch (kind)
        {
            case AnthropicEventKind.ContentBlockDelta:
                AnthropicBlockRules.Delta(state, ref e, data, ref sink);
                break;
            case AnthropicEventKind.ContentBlockStart:
                if (e.Index < 0)
                {
                    throw new MalformedEventException("a content_block_start has no index");
                }

                if (e.ContentBlock.IsEmpty)
                {
                    throw new MalformedEventException($"the content_block_start of block {e.Index} has no content_block");
                }

                AnthropicBlockRules.Start(state, e.Index, e.ContentBlock, e.ContentBlockOffset, ref sink);
                break;
            case AnthropicEventKind.ContentBlockStop:
                AnthropicBlockRules.Stop(state, e.Index, ref sink);
                break;
            case AnthropicEventKind.MessageStart:
                AnthropicMessageRules.Start(state, e.Message, e.MessageOffset, ref sink);
                break;
            case AnthropicEventKind.MessageDelta:
                AnthropicMessageRules.Delta(state, ref e, data, ref sink);
                break;
            case AnthropicEventKind.MessageStop:
                // Rule 6: "message_stop: complete. Anything after it is ignored."
                state.Status = StreamStatus.Complete;
                state.Ended = true;
                break;
            default:
                // Rule 7: the error object is the data's error member, else the data itself.
                if (e.Error.IsEmpty)
                {
                    AnthropicMessageRules.Error(state, data.TrimEnd(" \t\r\n"u8), 0, ref sink);
                }
                else
                {
                    AnthropicMessageRules.Error(state, e.Error, e.ErrorOffset, ref sink);
                }

                break;
        }
    }

    /// <summary>
    /// The input ended. Rule 4 for every block never stopped; rule 8: "Input ends without
    /// message_stop: incomplete."
    /// </summary>
    public static void Finish<TSink>(AnthropicState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        foreach (AnthropicBlock block in state.Blocks)
        {
            if (!block.Closed)
            {
                AnthropicBlockRules.Close(state, block, ref sink);
            }
        }

        if (state.Status == StreamStatus.InProgress)
        {
            state.Status = StreamStatus.Incomplete;
        }
    }

    /// <summary>The kind of an event whose data's <c>type</c> is <paramref name="type"/>.</summary>
    public static AnthropicEventKind KindOf(ReadOnlySpan<byte> type) => type.Length switch
    {
        19 when type.SequenceEqual("content_block_delta"u8) => AnthropicEventKind.ContentBlockDelta,
        19 when type.SequenceEqual("content_block_start"u8) => AnthropicEventKind.ContentBlockStart,
        18 when type.SequenceEqual("content_block_stop"u8) => AnthropicEventKind.ContentBlockStop,
        13 when type.SequenceEqual("message_start"u8) => AnthropicEventKind.MessageStart,
        13 when type.SequenceEqual("message_delta"u8) => AnthropicEventKind.MessageDelta,
        12 when type.SequenceEqual("message_stop"u8) => AnthropicEventKind.MessageStop,
        4 when type.SequenceEqual("ping"u8) => AnthropicEventKind.Ping,
        9 when type.SequenceEqual("keepalive"u8) => AnthropicEventKind.Ping,
        5 when type.SequenceEqual("error"u8) => AnthropicEventKind.Error,
        _ when type.StartsWith("response."u8) => AnthropicEventKind.Responses,
        _ => AnthropicEventKind.Unknown,
    };

    /// <summary>The kind of an event whose data has no <c>type</c>, by its SSE event name.</summary>
    public static AnthropicEventKind KindOf(string eventType) => eventType switch
    {
        "content_block_delta" => AnthropicEventKind.ContentBlockDelta,
        "content_block_start" => AnthropicEventKind.ContentBlockStart,
        "content_block_stop" => AnthropicEventKind.ContentBlockStop,
        "message_start" => AnthropicEventKind.MessageStart,
        "message_delta" => AnthropicEventKind.MessageDelta,
        "message_stop" => AnthropicEventKind.MessageStop,
        SseEventTypes.Ping or "keepalive" => AnthropicEventKind.Ping,
        SseEventTypes.Error => AnthropicEventKind.Error,
        _ when eventType.StartsWith("response.", StringComparison.Ordinal) => AnthropicEventKind.Responses,
        _ => AnthropicEventKind.Unknown,
    };

    private static void ReportUnknown<TSink>(AnthropicState state, bool hasType, ReadOnlySpan<byte> type, int typeOffset, string eventType, ReadOnlySpan<byte> data, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (hasType)
        {
            sink.OnUnknownEvent(state.Result, type, typeOffset, data);
            return;
        }

        // Without a type the event's name is its SSE name: copied (the sink copies names it cannot slice).
        Span<byte> name = eventType.Length <= 128 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(eventType.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(eventType.Length)];
        int length = Encoding.UTF8.GetBytes(eventType, name);
        sink.OnUnknownEvent(state.Result, name[..length], -1, data);
    }
}

/// <summary>The Anthropic protocol at the seam: the loops and push assemblers specialize on it.</summary>
internal readonly struct AnthropicProtocol(AnthropicState state) : IProtocolAssembler<AnthropicProtocol>
{
    public bool IsEnded => state.Ended;

    public AssemblyState State => state;

    public static AnthropicProtocol Create(StreamOptions options) => new(new AnthropicState(options));

    public static StreamProviderErrorException ProviderError(string errorJson, int statusCode, string? contentType) => new(errorJson, statusCode, partialResult: null, contentType);

    public void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => AnthropicEvents.Process(state, eventType, data, eventNumber, ref sink);

    public void Finish<TSink>(ref TSink sink)
        where TSink : struct, IUpdateSink
        => AnthropicEvents.Finish(state, ref sink);
}

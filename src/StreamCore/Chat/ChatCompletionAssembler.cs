using System;
using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using StreamCore.Buffers;
using StreamCore.Sse;

namespace StreamCore.Chat;

/// <summary>
/// Assembles a chat-completion stream pushed to it one event at a time, for SDKs that own their
/// transport: hand it each chunk's JSON (<see cref="AppendChunk"/>) or each event
/// (<see cref="AppendEvent"/>), then call <see cref="Complete"/>. Optionally publishes
/// <see cref="ChatUpdate"/>s to a channel for a consumer on another task.
/// </summary>
/// <example>
/// <code>
/// using var assembler = new ChatCompletionAssembler();
/// foreach (byte[] chunk in chunksFromMyTransport) assembler.AppendChunk(chunk);
/// using ChatCompletionResult result = assembler.Complete();
/// </code>
/// </example>
public sealed class ChatCompletionAssembler : IDisposable
{
    private readonly CompletionState _state;
    private readonly Channel<ChatUpdate>? _channel;
    private readonly ChatUpdateBuffer? _channelUpdates;
    private PooledByteBuffer _chunkCopy;
    private bool _doneSeen;
    private long _eventCount;
    private long _bytes;

    /// <summary>Creates an assembler.</summary>
    /// <param name="options">Limits; the defaults are safe for untrusted peers.</param>
    /// <param name="publishUpdates">
    /// Whether to publish updates to <see cref="Updates"/>. Published updates are detached (their
    /// bytes copied), since the consumer reads them later: this allocates per update.
    /// </param>
    public ChatCompletionAssembler(ChatStreamOptions? options = null, bool publishUpdates = false)
    {
        _state = new CompletionState(options ?? ChatStreamOptions.Default);
        Result = new ChatCompletionResult(_state);
        if (publishUpdates)
        {
            _channel = Channel.CreateUnbounded<ChatUpdate>(new UnboundedChannelOptions { SingleWriter = true });
            _channelUpdates = new ChatUpdateBuffer(Result);
        }
    }

    /// <summary>The result assembled so far; final after <see cref="Complete"/>.</summary>
    public ChatCompletionResult Result { get; }

    /// <summary>Whether <c>[DONE]</c> or a provider error ended the stream (later input is ignored).</summary>
    public bool IsEnded => _state.Ended;

    /// <summary>The updates, when the assembler was created with <c>publishUpdates</c>; completed by <see cref="Complete"/>.</summary>
    public ChannelReader<ChatUpdate> Updates => _channel?.Reader ?? throw new InvalidOperationException("Create the assembler with publishUpdates: true to read updates.");

    /// <summary>Appends one chunk: the data of one <c>message</c> event (<c>[DONE]</c> and empty data are understood too).</summary>
    /// <exception cref="ChatStreamFormatException">The data is not a JSON object of the chunk shape, or a limit was exceeded.</exception>
    public void AppendChunk(ReadOnlySpan<byte> json) => AppendEvent(SseEventTypes.Message, json);

    /// <summary>Appends one server-sent event: its type (<c>message</c>, <c>error</c>, <c>ping</c>, ...) and data.</summary>
    /// <exception cref="ChatStreamFormatException">The data is not a JSON object of the chunk shape, or a limit was exceeded.</exception>
    public void AppendEvent(string eventType, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        long offset = _bytes;
        _bytes += data.Length;
        if (_channelUpdates is null)
        {
            var none = default(NoUpdates);
            Process(eventType, data, ++_eventCount, offset, ref none);
            return;
        }

        // Updates slice the event's bytes: give them memory that outlives this call's span.
        _chunkCopy.Set(data);
        _channelUpdates.Begin(_chunkCopy.Memory);
        var sink = new CollectUpdates(_channelUpdates);
        try
        {
            Process(eventType, _chunkCopy.Span, ++_eventCount, offset, ref sink);
        }
        finally
        {
            Publish();
        }
    }

    /// <summary>Ends the input and returns the result with its final status.</summary>
    public ChatCompletionResult Complete()
    {
        if (_channelUpdates is null)
        {
            var none = default(NoUpdates);
            Finish(ref none);
            return Result;
        }

        _channelUpdates.Begin(default);
        var sink = new CollectUpdates(_channelUpdates);
        Finish(ref sink);
        _channelUpdates.Add(ChatUpdateKind.End, -1, null, default, null);
        Publish();
        _channel!.Writer.TryComplete();
        return Result;
    }

    /// <summary>Disposes the result (returning its pooled buffers) and completes the update channel.</summary>
    public void Dispose()
    {
        _channel?.Writer.TryComplete();
        _channelUpdates?.Dispose();
        _chunkCopy.Dispose();
        Result.Dispose();
    }

    /// <summary>
    /// Section 2, "Which events are chunks": <c>[DONE]</c> ends the stream; an <c>error</c> event or a
    /// chunk with a non-null <c>error</c> fails it; <c>ping</c> and empty data change nothing; any
    /// other data must be one JSON object.
    /// </summary>
    internal void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, long offset, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        if (_state.Ended)
        {
            return; // "anything after it is ignored"
        }

        Result.EventCount = eventNumber;
        if (eventType == SseEventTypes.Error)
        {
            SetErrorFromEvent(data);
            if (sink.IsEnabled)
            {
                sink.OnProviderError();
            }

            return;
        }

        if (eventType == SseEventTypes.Ping || data.IsEmpty)
        {
            return;
        }

        if (data.SequenceEqual("[DONE]"u8))
        {
            _doneSeen = true;
            _state.Ended = true;
            return;
        }

        try
        {
            ChunkParser.Merge(data, _state, ref sink);
        }
        catch (JsonException e)
        {
            throw Malformed($"the event's data is not valid JSON: {e.Message}", eventNumber, offset, e);
        }
        catch (MalformedChunkException e)
        {
            throw Malformed(e.Message, eventNumber, offset, e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader reports some number conversions this way.
            throw Malformed(e.Message, eventNumber, offset, e);
        }

        if (_state.HasProviderError)
        {
            _state.Ended = true;
            _state.Status = ChatStreamStatus.Failed;
        }
    }

    /// <summary>Section 8: complete after <c>[DONE]</c> or when every choice finished; otherwise incomplete.</summary>
    internal void Finish<TSink>(ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        foreach (ChoiceState choice in _state.Choices)
        {
            ChunkParser.CompleteToolCalls(choice, ref sink);
        }

        if (_state.Status != ChatStreamStatus.InProgress)
        {
            return;
        }

        bool allFinished = _state.Choices.Length > 0;
        foreach (ChoiceState choice in _state.Choices)
        {
            allFinished &= choice.HasFinishReason;
        }

        _state.Status = _doneSeen || allFinished ? ChatStreamStatus.Complete : ChatStreamStatus.Incomplete;
    }

    /// <summary>Marks the stream failed by malformed input and builds the exception that carries the partial result.</summary>
    internal ChatStreamFormatException Malformed(string message, long eventNumber, long offset, Exception? inner)
    {
        _state.Status = ChatStreamStatus.Failed;
        _state.Ended = true;
        foreach (ChoiceState choice in _state.Choices)
        {
            var none = default(NoUpdates);
            ChunkParser.CompleteToolCalls(choice, ref none);
        }

        return new ChatStreamFormatException(message, eventNumber, offset, Result, inner);
    }

    /// <summary>Marks the stream incomplete because the transport failed; everything received is kept.</summary>
    internal void SetTransportFailure(Exception exception)
    {
        Result.TransportException = exception;
        _state.Ended = true;
        if (_state.Status == ChatStreamStatus.InProgress)
        {
            _state.Status = ChatStreamStatus.Incomplete;
        }
    }

    // "for an error event: its data's error member, or the whole data if it has none, or the data
    // as a JSON string if it is not JSON"
    private void SetErrorFromEvent(ReadOnlySpan<byte> data)
    {
        MergedMember member = _state.Top.GetOrAdd(MemberNames.Error, MemberKind.Raw, MemberNames.Error);
        member.Kind = MemberKind.Raw;
        if (!TryGetErrorMember(data, out ReadOnlySpan<byte> error))
        {
            var text = new ArrayBufferWriter<byte>(data.Length + 16);
            using (var writer = new Utf8JsonWriter(text))
            {
                writer.WriteStringValue(data);
            }

            error = text.WrittenSpan;
        }

        member.Value.Set(error);
        _state.HasProviderError = true;
        _state.Ended = true;
        _state.Status = ChatStreamStatus.Failed;
    }

    private static bool TryGetErrorMember(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> error)
    {
        error = data;
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isError = reader.ValueTextEquals("error"u8);
                    reader.Read();
                    int start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    if (isError && reader.TokenType != JsonTokenType.Null)
                    {
                        error = data[start..(int)reader.BytesConsumed];
                    }
                }
            }
            else
            {
                reader.Skip();
            }

            return !reader.Read(); // trailing content makes it not JSON
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void Publish()
    {
        ChatUpdateBuffer updates = _channelUpdates!;
        for (int i = 0; i < updates.Count; i++)
        {
            _channel!.Writer.TryWrite(updates[i].Detach());
        }

        updates.Begin(default);
    }
}

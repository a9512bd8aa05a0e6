using System;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;
using StreamCore.Sse;

namespace StreamCore.Chat;

/// <summary>
/// Section 2 of the assembly rules, "Which events are chunks", and section 8, "How a stream ends":
/// what each event of a chat-completion stream is, before <see cref="ChunkParser"/> merges a chunk.
/// </summary>
internal static class ChatEvents
{
    /// <summary>
    /// <c>[DONE]</c> ends the stream; an <c>error</c> event or a chunk with a non-null <c>error</c>
    /// fails it; <c>ping</c> and empty data change nothing; any other data must be one JSON object.
    /// </summary>
    public static void Process<TSink>(CompletionState state, string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        state.Result.EventCount = eventNumber;
        if (eventType == SseEventTypes.Error)
        {
            SetErrorFromEvent(state, data, ref sink);
            return;
        }

        if (data.IsEmpty || eventType == SseEventTypes.Ping)
        {
            return;
        }

        if (data.SequenceEqual("[DONE]"u8))
        {
            state.DoneSeen = true;
            state.Ended = true;
            return;
        }

        ChunkParser.Merge(data, state, ref sink);
        if (state.HasProviderError)
        {
            state.Ended = true;
            state.Status = StreamStatus.Failed;
        }
    }

    /// <summary>Section 8: complete after <c>[DONE]</c> or when every choice finished; otherwise incomplete.</summary>
    public static void Finish<TSink>(CompletionState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        foreach (ChoiceState choice in state.Choices)
        {
            ChoiceParser.CompleteToolCalls(state, choice, ref sink);
        }

        if (state.Status != StreamStatus.InProgress)
        {
            return;
        }

        bool allFinished = state.Choices.Length > 0;
        foreach (ChoiceState choice in state.Choices)
        {
            allFinished &= choice.HasFinishReason;
        }

        state.Status = state.DoneSeen || allFinished ? StreamStatus.Complete : StreamStatus.Incomplete;
    }

    // "for an error event: its data's error member, or the whole data if it has none, or the data
    // as a JSON string if it is not JSON"
    private static void SetErrorFromEvent<TSink>(CompletionState state, ReadOnlySpan<byte> data, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        MergedMember member = state.Top.GetOrAdd(MemberNames.Error, MemberKind.Raw, MemberNames.Error);
        member.Kind = MemberKind.Raw;
        if (!TryGetErrorMember(data, out ReadOnlySpan<byte> error))
        {
            error = JsonText.Quote(data);
        }

        member.Value.Set(error);
        state.HasProviderError = true;
        state.Ended = true;
        state.Status = StreamStatus.Failed;
        if (sink.IsEnabled)
        {
            sink.OnJson(state.Result, StreamUpdateKind.ProviderError, -1, -1, member.Value.Span, -1);
        }
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
}

/// <summary>The chat-completion protocol at the seam: the loops and push assemblers specialize on it.</summary>
internal readonly struct ChatProtocol(CompletionState state) : IProtocolAssembler<ChatProtocol>
{
    public static ChatProtocol Create(StreamOptions options)
    {
        if (options.Protocol is not (StreamProtocol.Auto or StreamProtocol.ChatCompletions))
        {
            throw new ArgumentException($"The chat-completion entry points read chat completions only, not {options.Protocol}; use ModelStream.", nameof(options));
        }

        return new ChatProtocol(new CompletionState(options));
    }

    public bool IsEnded => state.Ended;

    public AssemblyState State => state;

    public CompletionState Completion => state;

    public static StreamProviderErrorException ProviderError(string errorJson, int statusCode, string? contentType) => new ChatProviderErrorException(errorJson, statusCode, partialResult: null, contentType);

    public void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
        => ChatEvents.Process(state, eventType, data, eventNumber, ref sink);

    public void Finish<TSink>(ref TSink sink)
        where TSink : struct, IUpdateSink
        => ChatEvents.Finish(state, ref sink);
}

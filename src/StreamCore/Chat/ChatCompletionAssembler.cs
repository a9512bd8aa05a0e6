using System;
using System.Threading.Channels;
using StreamCore.Core;
using StreamCore.Sse;

namespace StreamCore.Chat;

/// <summary>
/// Assembles a chat-completion stream pushed to it one event at a time, for SDKs that own their
/// transport: hand it each chunk's JSON (<see cref="AppendChunk"/>) or each event
/// (<see cref="AppendEvent"/>), then call <see cref="Complete"/>. Optionally publishes
/// <see cref="ChatUpdate"/>s to a channel for a consumer on another task. For any protocol, see
/// <see cref="StreamAssembler"/>.
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
    private readonly PushCore<ChatProtocol, ChatUpdate, AsChatUpdate> _core;

    /// <summary>Creates an assembler.</summary>
    /// <param name="options">Limits; the defaults are safe for untrusted peers.</param>
    /// <param name="publishUpdates">
    /// Whether to publish updates to <see cref="Updates"/>. Published updates are detached (their
    /// bytes copied), since the consumer reads them later: this allocates per update.
    /// </param>
    public ChatCompletionAssembler(ChatStreamOptions? options = null, bool publishUpdates = false)
        => _core = new PushCore<ChatProtocol, ChatUpdate, AsChatUpdate>(options ?? StreamOptions.Default, publishUpdates);

    /// <summary>The result assembled so far; final after <see cref="Complete"/>.</summary>
    public ChatCompletionResult Result => _core.Protocol.Completion.Result;

    /// <summary>Whether <c>[DONE]</c> or a provider error ended the stream (later input is ignored).</summary>
    public bool IsEnded => _core.IsEnded;

    /// <summary>
    /// The updates, when the assembler was created with <c>publishUpdates</c>; completed by
    /// <see cref="Complete"/>. A consumer on another task owns each update's bytes (they are copies).
    /// The <see cref="ChatUpdate.Completion"/> they carry is being assembled by the appending thread: read
    /// it there, or after the <see cref="ChatUpdateKind.End"/> update, not while chunks are appended.
    /// </summary>
    public ChannelReader<ChatUpdate> Updates => _core.Updates;

    /// <summary>Appends one chunk: the data of one <c>message</c> event (<c>[DONE]</c> and empty data are understood too).</summary>
    /// <exception cref="ChatStreamFormatException">The data is not a JSON object of the chunk shape, or a limit was exceeded.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called.</exception>
    public void AppendChunk(ReadOnlySpan<byte> json) => _core.AppendEvent(SseEventTypes.Message, json);

    /// <summary>Appends one server-sent event: its type (<c>message</c>, <c>error</c>, <c>ping</c>, ...) and data.</summary>
    /// <exception cref="ChatStreamFormatException">The data is not a JSON object of the chunk shape, or a limit was exceeded.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called.</exception>
    public void AppendEvent(string eventType, ReadOnlySpan<byte> data) => _core.AppendEvent(eventType, data);

    /// <summary>
    /// Ends the input and hands over the result with its final status: the caller owns it and disposes
    /// it (disposing the assembler afterwards leaves it alone). Appending afterwards throws.
    /// </summary>
    public ChatCompletionResult Complete() => (ChatCompletionResult)_core.Complete();

    /// <summary>Completes the update channel; returns the result's buffers unless <see cref="Complete"/> handed it over.</summary>
    public void Dispose() => _core.Dispose();
}

/// <summary>Yields chat updates: the chat-typed face of each <see cref="StreamUpdate"/>.</summary>
internal readonly struct AsChatUpdate : IUpdateProjection<ChatUpdate>
{
    public static ChatUpdate Project(in StreamUpdate update) => new(update);
}

using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Core;

namespace StreamCore.Chat;

/// <summary>
/// Reads a chat-completion event stream: <see cref="AssembleAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
/// returns the complete response in one call; <see cref="ReadUpdatesAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
/// yields typed updates as they arrive. For transports you drive yourself, see <see cref="ChatCompletionAssembler"/>;
/// for every protocol (Responses, Anthropic, Aitronos, detected or chosen), see <see cref="ModelStream"/>.
/// </summary>
/// <remarks>
/// Malformed input ends in a <see cref="ChatStreamFormatException"/> that carries the partial result.
/// A provider error inside the stream gives a result whose status is <see cref="ChatStreamStatus.Failed"/>
/// (<see cref="EnsureSuccess"/> turns it into a <see cref="ChatProviderErrorException"/>). A transport that
/// fails mid-stream gives a result whose status is <see cref="ChatStreamStatus.Incomplete"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It reads chat streams; it is not a Stream.")]
public static class ChatStream
{
    /// <summary>Assembles the stream in <paramref name="reader"/> into the complete response.</summary>
    /// <exception cref="ChatStreamFormatException">The stream is malformed or breaks a limit; carries the partial result.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; pooled buffers have been returned.</exception>
    public static ValueTask<ChatCompletionResult> AssembleAsync(PipeReader reader, ChatStreamOptions? options = null, CancellationToken cancellationToken = default)
        => AssembleAsync(EventSource.From(reader), options, cancellationToken);

    /// <summary>Assembles the stream read from <paramref name="stream"/> (left open).</summary>
    /// <inheritdoc cref="AssembleAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
    public static ValueTask<ChatCompletionResult> AssembleAsync(Stream stream, ChatStreamOptions? options = null, CancellationToken cancellationToken = default)
        => AssembleAsync(EventSource.From(stream), options, cancellationToken);

    /// <summary>Assembles the event stream of an HTTP response, after checking its status and content type.</summary>
    /// <exception cref="ChatProviderErrorException">The answer is not 2xx, or its body is not an event stream (a JSON error, an HTML page): the exception carries the error and, for a body of another kind, its media type.</exception>
    /// <inheritdoc cref="AssembleAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
    public static Task<ChatCompletionResult> AssembleAsync(HttpResponseMessage response, ChatStreamOptions? options = null, CancellationToken cancellationToken = default)
        => AssembleAsync(EventSource.From(response), options, cancellationToken).AsTask();

    /// <summary>
    /// Yields what happens in the stream as typed updates, ending with <see cref="ChatUpdateKind.End"/>.
    /// Each update is valid until the next is requested; consuming them allocates nothing per event.
    /// The <see cref="ChatUpdate.Completion"/> they carry belongs to the caller (dispose it to return its buffers).
    /// </summary>
    /// <exception cref="ChatStreamFormatException">The stream is malformed or breaks a limit; carries the partial result.</exception>
    public static IAsyncEnumerable<ChatUpdate> ReadUpdatesAsync(PipeReader reader, ChatStreamOptions? options = null, CancellationToken cancellationToken = default)
        => ReadUpdatesAsync(EventSource.From(reader), options, cancellationToken);

    /// <summary>Yields the updates of the stream read from <paramref name="stream"/> (left open).</summary>
    /// <inheritdoc cref="ReadUpdatesAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
    public static IAsyncEnumerable<ChatUpdate> ReadUpdatesAsync(Stream stream, ChatStreamOptions? options = null, CancellationToken cancellationToken = default)
        => ReadUpdatesAsync(EventSource.From(stream), options, cancellationToken);

    /// <summary>Yields the updates of an HTTP response's event stream, after checking its status and content type.</summary>
    /// <exception cref="ChatProviderErrorException">The answer is not 2xx, or its body is not an event stream (a JSON error, an HTML page): the exception carries the error and, for a body of another kind, its media type.</exception>
    /// <inheritdoc cref="ReadUpdatesAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
    public static IAsyncEnumerable<ChatUpdate> ReadUpdatesAsync(HttpResponseMessage response, ChatStreamOptions? options = null, CancellationToken cancellationToken = default)
        => ReadUpdatesAsync(EventSource.From(response), options, cancellationToken);

    /// <summary>Throws <see cref="ChatProviderErrorException"/> when the result carries a provider error; returns it otherwise.</summary>
    public static ChatCompletionResult EnsureSuccess(this ChatCompletionResult result)
        => ModelStream.EnsureSuccess(result);

    private static async ValueTask<ChatCompletionResult> AssembleAsync(EventSource source, ChatStreamOptions? options, CancellationToken cancellationToken)
        => (ChatCompletionResult)await EventLoop.AssembleAsync<ChatProtocol>(source, options ?? StreamOptions.Default, cancellationToken).ConfigureAwait(false);

    private static IAsyncEnumerable<ChatUpdate> ReadUpdatesAsync(EventSource source, ChatStreamOptions? options, CancellationToken cancellationToken)
        => EventLoop.ReadUpdatesAsync<ChatProtocol, ChatUpdate, AsChatUpdate>(source, options ?? StreamOptions.Default, cancellationToken);
}

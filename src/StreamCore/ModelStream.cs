using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Core;

namespace StreamCore;

/// <summary>
/// Reads the event stream of any protocol StreamCore knows (chat completions, OpenAI Responses,
/// Anthropic Messages, Aitronos), detected from its first JSON event or named by
/// <see cref="StreamOptions.Protocol"/>: <see cref="AssembleAsync(PipeReader, StreamOptions?, CancellationToken)"/>
/// returns the complete response in one call; <see cref="ReadUpdatesAsync(PipeReader, StreamOptions?, CancellationToken)"/>
/// yields typed updates as they arrive. For transports you drive yourself, see <see cref="StreamAssembler"/>.
/// </summary>
/// <remarks>
/// Malformed input (including an event of another protocol) ends in a <see cref="StreamFormatException"/>
/// that carries the partial result. A provider error inside the stream gives a result whose status is
/// <see cref="StreamStatus.Failed"/> (<see cref="EnsureSuccess"/> turns it into a
/// <see cref="StreamProviderErrorException"/>). A transport that fails mid-stream, or input that ends
/// before the protocol's end, gives a result whose status is <see cref="StreamStatus.Incomplete"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It reads a model's event stream; it is not a Stream.")]
public static class ModelStream
{
    /// <summary>Assembles the stream in <paramref name="reader"/> into the complete response, in its protocol's shape.</summary>
    /// <exception cref="StreamFormatException">The stream is malformed or breaks a limit; carries the partial result.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static ValueTask<StreamResult> AssembleAsync(PipeReader reader, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => EventLoop.AssembleAsync<SelectedProtocol>(EventSource.From(reader), options ?? StreamOptions.Default, cancellationToken);

    /// <summary>Assembles the stream read from <paramref name="stream"/> (left open).</summary>
    /// <inheritdoc cref="AssembleAsync(PipeReader, StreamOptions?, CancellationToken)"/>
    public static ValueTask<StreamResult> AssembleAsync(Stream stream, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => EventLoop.AssembleAsync<SelectedProtocol>(EventSource.From(stream), options ?? StreamOptions.Default, cancellationToken);

    /// <summary>Assembles the event stream of an HTTP response, after checking its status and content type.</summary>
    /// <exception cref="StreamProviderErrorException">The answer is not 2xx, or its body is not an event stream (a JSON error, an HTML page): the exception carries the error and, for a body of another kind, its media type.</exception>
    /// <inheritdoc cref="AssembleAsync(PipeReader, StreamOptions?, CancellationToken)"/>
    public static Task<StreamResult> AssembleAsync(HttpResponseMessage response, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => EventLoop.AssembleAsync<SelectedProtocol>(EventSource.From(response), options ?? StreamOptions.Default, cancellationToken).AsTask();

    /// <summary>
    /// Yields what happens in the stream as typed updates (<see cref="StreamUpdateKind"/>), ending with
    /// <see cref="StreamUpdateKind.End"/>. Each update is valid until the next is requested; consuming
    /// them allocates nothing per event. The <see cref="StreamUpdate.Result"/> they carry belongs to the
    /// caller (dispose it to return its buffers).
    /// </summary>
    /// <exception cref="StreamFormatException">The stream is malformed or breaks a limit; carries the partial result.</exception>
    public static IAsyncEnumerable<StreamUpdate> ReadUpdatesAsync(PipeReader reader, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => EventLoop.ReadUpdatesAsync<SelectedProtocol, StreamUpdate, AsStreamUpdate>(EventSource.From(reader), options ?? StreamOptions.Default, cancellationToken);

    /// <summary>Yields the updates of the stream read from <paramref name="stream"/> (left open).</summary>
    /// <inheritdoc cref="ReadUpdatesAsync(PipeReader, StreamOptions?, CancellationToken)"/>
    public static IAsyncEnumerable<StreamUpdate> ReadUpdatesAsync(Stream stream, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => EventLoop.ReadUpdatesAsync<SelectedProtocol, StreamUpdate, AsStreamUpdate>(EventSource.From(stream), options ?? StreamOptions.Default, cancellationToken);

    /// <summary>Yields the updates of an HTTP response's event stream, after checking its status and content type.</summary>
    /// <exception cref="StreamProviderErrorException">The answer is not 2xx, or its body is not an event stream (a JSON error, an HTML page): the exception carries the error and, for a body of another kind, its media type.</exception>
    /// <inheritdoc cref="ReadUpdatesAsync(PipeReader, StreamOptions?, CancellationToken)"/>
    public static IAsyncEnumerable<StreamUpdate> ReadUpdatesAsync(HttpResponseMessage response, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => EventLoop.ReadUpdatesAsync<SelectedProtocol, StreamUpdate, AsStreamUpdate>(EventSource.From(response), options ?? StreamOptions.Default, cancellationToken);

    /// <summary>
    /// Throws <see cref="StreamProviderErrorException"/> (for chat, its <see cref="Chat.ChatProviderErrorException"/>)
    /// when the result carries a provider error; returns it otherwise.
    /// </summary>
    public static TResult EnsureSuccess<TResult>(this TResult result)
        where TResult : StreamResult
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.HasProviderError)
        {
            throw result.CreateProviderError(Encoding.UTF8.GetString(result.ErrorJson.Span));
        }

        return result;
    }
}

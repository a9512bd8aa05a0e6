using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Sse;

namespace StreamCore.Chat;

/// <summary>
/// Reads a chat-completion event stream: <see cref="AssembleAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
/// returns the complete response in one call; <see cref="ReadUpdatesAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
/// yields typed updates as they arrive. For transports you drive yourself, see <see cref="ChatCompletionAssembler"/>.
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
    private const int MaxErrorBodyBytes = 1024 * 1024;

    /// <summary>Assembles the stream in <paramref name="reader"/> into the complete response.</summary>
    /// <exception cref="ChatStreamFormatException">The stream is malformed or breaks a limit; carries the partial result.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; pooled buffers have been returned.</exception>
    public static async ValueTask<ChatCompletionResult> AssembleAsync(PipeReader reader, ChatStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= ChatStreamOptions.Default;
        var assembler = new ChatCompletionAssembler(options);
        using var events = SseEventReader.Rent(reader, options.Sse);
        try
        {
            var none = default(NoUpdates);
            while (!assembler.IsEnded && await NextEventAsync(events, assembler, cancellationToken).ConfigureAwait(false))
            {
                SseEvent item = events.Current;
                assembler.Process(item.EventType, item.Data.Span, item.Number, item.Offset, ref none);
            }

            return assembler.Complete();
        }
        catch (Exception e) when (e is not ChatStreamFormatException)
        {
            assembler.Dispose(); // cancellation or a bug: nobody will see the result, return its buffers
            throw;
        }
    }

    /// <summary>Assembles the stream read from <paramref name="stream"/> (left open).</summary>
    /// <inheritdoc cref="AssembleAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
    public static async ValueTask<ChatCompletionResult> AssembleAsync(Stream stream, ChatStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        PipeReader reader = SseEventReader.CreatePipeReader(stream, (options ?? ChatStreamOptions.Default).Sse, leaveOpen: true);
        try
        {
            return await AssembleAsync(reader, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Assembles the event stream of an HTTP response, after checking its status and content type.</summary>
    /// <exception cref="ChatProviderErrorException">The answer is not 2xx, or is a JSON error body instead of an event stream.</exception>
    /// <inheritdoc cref="AssembleAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
    public static async Task<ChatCompletionResult> AssembleAsync(HttpResponseMessage response, ChatStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        Stream body = await OpenEventStreamAsync(response, cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return await AssembleAsync(body, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Yields what happens in the stream as typed updates, ending with <see cref="ChatUpdateKind.End"/>.
    /// Each update is valid until the next is requested; consuming them allocates nothing per event.
    /// The <see cref="ChatUpdate.Completion"/> they carry belongs to the caller (dispose it to return its buffers).
    /// </summary>
    /// <exception cref="ChatStreamFormatException">The stream is malformed or breaks a limit; carries the partial result.</exception>
    public static async IAsyncEnumerable<ChatUpdate> ReadUpdatesAsync(PipeReader reader, ChatStreamOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= ChatStreamOptions.Default;
        var assembler = new ChatCompletionAssembler(options);
        using var updates = new ChatUpdateBuffer(assembler.Result);
        using var events = SseEventReader.Rent(reader, options.Sse);
        var sink = new CollectUpdates(updates);
        bool completed = false;
        bool faulted = false;
        try
        {
            while (true)
            {
                // The try/catch stays around the reading only: C# forbids yield inside it.
                bool more;
                try
                {
                    more = !assembler.IsEnded && await NextEventAsync(events, assembler, cancellationToken).ConfigureAwait(false);
                    if (more)
                    {
                        SseEvent item = events.Current;
                        updates.Begin(item.Data);
                        assembler.Process(item.EventType, item.Data.Span, item.Number, item.Offset, ref sink);
                    }
                    else
                    {
                        updates.Begin(default);
                        assembler.Finish(ref sink);
                        updates.Add(ChatUpdateKind.End, -1, null, default, null);
                    }
                }
                catch (ChatStreamFormatException)
                {
                    completed = true; // the exception carries the result to the caller
                    throw;
                }
                catch (Exception)
                {
                    faulted = true; // cancellation (by any token) or a transport bug: nobody will see the result
                    throw;
                }

                for (int i = 0; i < updates.Count; i++)
                {
                    yield return updates[i];
                }

                if (!more)
                {
                    completed = true;
                    yield break;
                }
            }
        }
        finally
        {
            // A consumer that stops early keeps the result it was given; a failed read returns the buffers.
            if (!completed && (faulted || cancellationToken.IsCancellationRequested))
            {
                assembler.Dispose();
            }
        }
    }

    /// <summary>Yields the updates of the stream read from <paramref name="stream"/> (left open).</summary>
    /// <inheritdoc cref="ReadUpdatesAsync(PipeReader, ChatStreamOptions?, CancellationToken)"/>
    public static async IAsyncEnumerable<ChatUpdate> ReadUpdatesAsync(Stream stream, ChatStreamOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        PipeReader reader = SseEventReader.CreatePipeReader(stream, (options ?? ChatStreamOptions.Default).Sse, leaveOpen: true);
        try
        {
            await foreach (ChatUpdate update in ReadUpdatesAsync(reader, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Yields the updates of an HTTP response's event stream, after checking its status and content type.</summary>
    /// <exception cref="ChatProviderErrorException">The answer is not 2xx, or is a JSON error body instead of an event stream.</exception>
    public static async IAsyncEnumerable<ChatUpdate> ReadUpdatesAsync(HttpResponseMessage response, ChatStreamOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Stream body = await OpenEventStreamAsync(response, cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await foreach (ChatUpdate update in ReadUpdatesAsync(body, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
    }

    /// <summary>Throws <see cref="ChatProviderErrorException"/> when the result carries a provider error; returns it otherwise.</summary>
    public static ChatCompletionResult EnsureSuccess(this ChatCompletionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.HasProviderError)
        {
            throw new ChatProviderErrorException(Encoding.UTF8.GetString(result.ErrorJson.Span), statusCode: null, result);
        }

        return result;
    }

    /// <summary>
    /// Reads the next event. A transport failure mid-stream (a cut connection, a truncated body) ends
    /// the stream as incomplete; a limit breach of the event layer is malformed input.
    /// </summary>
    private static ValueTask<bool> NextEventAsync(SseEventReader events, ChatCompletionAssembler assembler, CancellationToken cancellationToken)
    {
        // The usual case, an event already buffered, completes here without an async method, whose
        // state machine would be allocated per event in unoptimized builds.
        ValueTask<bool> next = events.ReadAsync(cancellationToken);
        return next.IsCompletedSuccessfully ? next : AwaitEventAsync(next, assembler);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> AwaitEventAsync(ValueTask<bool> pending, ChatCompletionAssembler assembler)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (SseLimitExceededException e)
        {
            throw assembler.Malformed(e.Message, e.EventNumber, e.ByteOffset, e);
        }
        catch (IOException e)
        {
            assembler.SetTransportFailure(e);
            return false;
        }
        catch (HttpRequestException e)
        {
            assembler.SetTransportFailure(e);
            return false;
        }
    }

    private static async Task<Stream> OpenEventStreamAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        bool isEventStream = string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        if (response.IsSuccessStatusCode && (isEventStream || mediaType is null))
        {
            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }

        // An error answer, or a JSON body where an event stream was expected: report the provider's error object.
        byte[] body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        string error = ExtractError(body);
        throw new ChatProviderErrorException(error, (int)response.StatusCode, partialResult: null);
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            byte[] chunk = new byte[16 * 1024];
            int read;
            while (buffer.Length < MaxErrorBodyBytes && (read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, (int)Math.Min(read, MaxErrorBodyBytes - buffer.Length));
            }

            return buffer.ToArray();
        }
    }

    /// <summary>The body's <c>error</c> member, or the whole body if it is JSON without one, or the body as a JSON string.</summary>
    private static string ExtractError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error"u8, out JsonElement error)
                && error.ValueKind != JsonValueKind.Null)
            {
                return error.GetRawText();
            }

            return document.RootElement.GetRawText();
        }
        catch (JsonException)
        {
            var text = new System.Buffers.ArrayBufferWriter<byte>(body.Length + 16);
            using (var writer = new Utf8JsonWriter(text))
            {
                writer.WriteStringValue(body);
            }

            return Encoding.UTF8.GetString(text.WrittenSpan);
        }
    }
}

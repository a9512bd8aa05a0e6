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
using StreamCore.Json;
using StreamCore.Sse;

namespace StreamCore.Core;

/// <summary>
/// The loops every pull entry point runs: read an event, put it through the protocol, repeat until
/// the protocol's end or the input's. Written once, generic over the protocol (and, for updates,
/// over the type yielded), so each entry point gets a loop specialized for its protocol.
/// </summary>
internal static class EventLoop
{
    private const int MaxErrorBodyBytes = 1024 * 1024;

    /// <summary>Assembles the whole stream of <paramref name="source"/>.</summary>
    public static async ValueTask<StreamResult> AssembleAsync<TProtocol>(EventSource source, StreamOptions options, CancellationToken cancellationToken)
        where TProtocol : struct, IProtocolAssembler<TProtocol>
    {
        TProtocol protocol = TProtocol.Create(options);
        Stream? body = source.Response is null ? null : await OpenEventStreamAsync<TProtocol>(source.Response, cancellationToken).ConfigureAwait(false);
        PipeReader reader = source.Reader ?? SseEventReader.CreatePipeReader(body ?? source.Stream!, options.Sse, leaveOpen: true);
        try
        {
            using SseEventReader events = SseEventReader.Rent(reader, options.Sse);
            try
            {
                var none = default(NoUpdates);
                while (!protocol.IsEnded && await NextEventAsync(events, protocol, cancellationToken).ConfigureAwait(false))
                {
                    SseEvent item = events.Current;
                    EventStep.Apply(ref protocol, item.EventType, item.Data.Span, item.Number, item.Offset, ref none);
                }

                protocol.Finish(ref none);
                return protocol.State.Result;
            }
            catch (OperationCanceledException e) when (e is not StreamCanceledException)
            {
                // "Stop generating": the partial answer is what the caller needs; it goes with the exception.
                throw protocol.State.Canceled(e);
            }
            catch (Exception e) when (e is not StreamFormatException and not StreamCanceledException)
            {
                protocol.State.Result.Dispose(); // a bug: nobody will see the result, return its buffers
                throw;
            }
        }
        finally
        {
            await ReleaseAsync(source, reader, body).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Yields the updates of the stream of <paramref name="source"/>, ending with
    /// <see cref="StreamUpdateKind.End"/>. Each is valid until the next is requested. The result they
    /// carry belongs to the consumer from the first update on: a consumer that breaks off, or a
    /// cancellation, leaves it usable and incomplete, never disposed.
    /// </summary>
    public static async IAsyncEnumerable<TUpdate> ReadUpdatesAsync<TProtocol, TUpdate, TProjection>(EventSource source, StreamOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TProtocol : struct, IProtocolAssembler<TProtocol>
        where TProjection : struct, IUpdateProjection<TUpdate>
    {
        TProtocol protocol = TProtocol.Create(options);
        Stream? body = source.Response is null ? null : await OpenEventStreamAsync<TProtocol>(source.Response, cancellationToken).ConfigureAwait(false);
        PipeReader reader = source.Reader ?? SseEventReader.CreatePipeReader(body ?? source.Stream!, options.Sse, leaveOpen: true);
        using var updates = new UpdateBuffer();
        SseEventReader events = SseEventReader.Rent(reader, options.Sse);
        var sink = new CollectUpdates(updates);
        bool completed = false;
        try
        {
            while (true)
            {
                // The try/catch stays around the reading only: C# forbids yield inside it.
                bool more;
                try
                {
                    more = !protocol.IsEnded && await NextEventAsync(events, protocol, cancellationToken).ConfigureAwait(false);
                    if (more)
                    {
                        SseEvent item = events.Current;
                        updates.Begin(item.Data);
                        EventStep.Apply(ref protocol, item.EventType, item.Data.Span, item.Number, item.Offset, ref sink);
                    }
                    else
                    {
                        updates.Begin(default);
                        protocol.Finish(ref sink);
                        updates.Add(protocol.State.Result, StreamUpdateKind.End, -1);
                    }
                }
                catch (StreamFormatException)
                {
                    completed = true; // the exception carries the result to the caller
                    throw;
                }
                catch (OperationCanceledException e) when (e is not StreamCanceledException)
                {
                    completed = true;
                    throw protocol.State.Canceled(e);
                }

                for (int i = 0; i < updates.Count; i++)
                {
                    yield return TProjection.Project(updates[i]);
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
            events.Dispose();

            // A consumer that stops early keeps the result it was given, which says it is incomplete.
            if (!completed)
            {
                protocol.State.Abandon();
            }

            await ReleaseAsync(source, reader, body).ConfigureAwait(false);
        }
    }

    /// <summary>Completes the pipe this loop made over a stream, and disposes the HTTP body it opened.</summary>
    private static async ValueTask ReleaseAsync(EventSource source, PipeReader reader, Stream? body)
    {
        if (source.Reader is null)
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }

        if (body is not null)
        {
            await body.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the next event. A transport failure mid-stream (a cut connection, a truncated body) ends
    /// the stream as incomplete; a limit breach of the event layer is malformed input.
    /// </summary>
    private static ValueTask<bool> NextEventAsync<TProtocol>(SseEventReader events, TProtocol protocol, CancellationToken cancellationToken)
        where TProtocol : struct, IProtocolAssembler<TProtocol>
    {
        // The usual case, an event already buffered, completes here without an async method, whose
        // state machine would be allocated per event in unoptimized builds.
        ValueTask<bool> next = events.ReadAsync(cancellationToken);
        return next.IsCompletedSuccessfully ? next : AwaitEventAsync(next, protocol);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> AwaitEventAsync<TProtocol>(ValueTask<bool> pending, TProtocol protocol)
        where TProtocol : struct, IProtocolAssembler<TProtocol>
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (SseLimitExceededException e)
        {
            throw protocol.State.Malformed(e.Message, e.EventNumber, e.ByteOffset, e);
        }
        catch (IOException e)
        {
            protocol.State.SetTransportFailure(e);
            return false;
        }
        catch (HttpRequestException e)
        {
            protocol.State.SetTransportFailure(e);
            return false;
        }
    }

    /// <summary>The body of an event-stream answer; an error answer, or a JSON body where an event stream was expected, throws the provider's error.</summary>
    private static async Task<Stream> OpenEventStreamAsync<TProtocol>(HttpResponseMessage response, CancellationToken cancellationToken)
        where TProtocol : struct, IProtocolAssembler<TProtocol>
    {
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        bool isEventStream = string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        if (response.IsSuccessStatusCode && (isEventStream || mediaType is null))
        {
            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }

        // An error answer, or a body where an event stream was expected: report the provider's error
        // object; a success status with a body that is no event stream (an HTML page from a proxy)
        // also says what came back instead.
        byte[] body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        string error = ExtractError(body, out bool isJson);
        string? declared = !isEventStream && (response.IsSuccessStatusCode || !isJson) ? mediaType : null;
        throw TProtocol.ProviderError(error, (int)response.StatusCode, declared);
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
    private static string ExtractError(byte[] body, out bool isJson)
    {
        isJson = true;
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
            isJson = false;
            return Encoding.UTF8.GetString(JsonText.Quote(body));
        }
    }
}

/// <summary>Where an entry point's events come from: a pipe the caller owns, a stream (left open), or an HTTP answer whose body this library opens and closes.</summary>
internal readonly record struct EventSource(PipeReader? Reader, Stream? Stream, HttpResponseMessage? Response)
{
    public static EventSource From(PipeReader reader) => new(reader ?? throw new ArgumentNullException(nameof(reader)), null, null);

    public static EventSource From(Stream stream) => new(null, stream ?? throw new ArgumentNullException(nameof(stream)), null);

    public static EventSource From(HttpResponseMessage response) => new(null, null, response ?? throw new ArgumentNullException(nameof(response)));
}

using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StreamCore.Tests.Transport;

/// <summary>
/// A real Kestrel server on <c>http://127.0.0.1:0</c> that serves event streams the way providers do
/// (chunked transfer encoding, one write and flush per part) and misbehaves on request: drips bytes,
/// cuts the connection mid-body, stalls, answers with errors. Used as a class fixture.
/// </summary>
/// <remarks>
/// <para>Endpoints (all bounded in time: no handler waits longer than <see cref="MaxHandlerTime"/>):</para>
/// <list type="bullet">
/// <item><c>GET /stream/{key}</c>: a body registered with <see cref="Register"/>. Query: <c>part</c> (bytes per
/// write, default 4096), <c>delayMs</c> (pause after each write; the whole drip is capped at two seconds),
/// <c>cutAfter</c> (write that many bytes, then abort the connection), <c>stallAfter</c> (write that many bytes,
/// then wait until the client goes away).</item>
/// <item><c>GET /stall-headers</c>: sends nothing, not even headers, until the client goes away.</item>
/// <item><c>GET /error/{status}</c>: that status with an OpenAI-style JSON error body.</item>
/// <item><c>GET /json-error</c>: 200 with an <c>application/json</c> error body instead of an event stream.</item>
/// <item><c>GET</c> or <c>POST /html</c>: 200 with an HTML page (a proxy's login page) instead of an event stream.</item>
/// <item><c>POST /typed/{key}/v1/responses</c> and <c>/typed/{key}/v1/messages</c>: a body registered with <see cref="Register"/>, whatever the request (recorded in <see cref="LastPost"/>).</item>
/// <item><c>POST /v1/stalling/chat/completions</c>: the first two events of <see cref="PostStream"/>, then nothing until the client goes away.</item>
/// <item><c>GET /generated/{n}</c>: <see cref="GeneratedStream"/>(n).</item>
/// <item><c>POST /v1/chat/completions</c>: checks the streaming request (see <see cref="PostStream"/>).</item>
/// </list>
/// <para>
/// A cut is made only once the client has read every byte before it: the response names a gate in
/// <c>X-Release-Gate</c>/<c>X-Release-After</c>, and the handler of <see cref="CreateClient"/> opens it when the
/// client has read that many bytes. Kestrel may drop bytes it has not sent yet when a connection is aborted,
/// so without the gate a test of "everything before the cut is kept" would depend on timing.
/// </para>
/// </remarks>
public sealed class LoopbackServer : IAsyncLifetime
{
    /// <summary>The longest any handler waits (stalls, gates) before giving up on its own.</summary>
    public static readonly TimeSpan MaxHandlerTime = TimeSpan.FromSeconds(60);

    /// <summary>The bearer token <c>POST /v1/chat/completions</c> accepts.</summary>
    public const string ExpectedAuthorization = "Bearer x";

    private const string ReleaseGateHeader = "X-Release-Gate";
    private const string ReleaseAfterHeader = "X-Release-After";
    private static readonly TimeSpan MaxDripTime = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, byte[]> _bodies = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private int _nextKey;
    private int _requests;
    private int _abortedStalls;

    /// <summary>The server's address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A client with the gate handler and no timeout of its own (tests bound themselves).</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>How many requests the server has received.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>How many stalled handlers ended because their client went away.</summary>
    public int AbortedStalls => Volatile.Read(ref _abortedStalls);

    /// <summary>The body and Authorization header of the last <c>POST /v1/chat/completions</c>.</summary>
    public (string Body, string? Authorization)? LastPost { get; private set; }

    /// <summary>The stream <c>POST /v1/chat/completions</c> answers a valid request with.</summary>
    public static byte[] PostStream { get; } = Encoding.UTF8.GetBytes(
        "data: {\"id\":\"chatcmpl-post\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"loop-1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"chatcmpl-post\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"loop-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello over \"},\"finish_reason\":null}]}\n\n"
        + ": keep-alive\n\n"
        + "data: {\"id\":\"chatcmpl-post\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"loop-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"loopback\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"chatcmpl-post\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"loop-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: {\"id\":\"chatcmpl-post\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"loop-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}\n\n"
        + "data: [DONE]\n\n");

    /// <summary>The OpenAI-style error object the error endpoints answer with (the value of the body's <c>error</c>).</summary>
    public static string ErrorObject(int status) =>
        $"{{\"message\":\"loopback says {status}\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"status_{status}\"}}";

    /// <summary>A distinct stream for <paramref name="n"/>: content and a tool call's arguments embed the number.</summary>
    public static byte[] GeneratedStream(int n)
    {
        string id = $"chatcmpl-gen-{n}";
        string head = $"{{\"id\":\"{id}\",\"object\":\"chat.completion.chunk\",\"created\":{1700000000 + n},\"model\":\"gen\",\"choices\":[";
        var text = new StringBuilder();
        void Event(string choice) => text.Append("data: ").Append(head).Append(choice).Append("]}\n\n");
        Event("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}");
        Event($"{{\"index\":0,\"delta\":{{\"content\":\"stream \"}},\"finish_reason\":null}}");
        Event($"{{\"index\":0,\"delta\":{{\"content\":\"number {n}\"}},\"finish_reason\":null}}");
        Event($"{{\"index\":0,\"delta\":{{\"content\":\" of many\"}},\"finish_reason\":null}}");
        Event($"{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"index\":0,\"id\":\"call_{n}\",\"type\":\"function\",\"function\":{{\"name\":\"echo\",\"arguments\":\"\"}}}}]}},\"finish_reason\":null}}");
        Event($"{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"index\":0,\"function\":{{\"arguments\":\"{{\\\"n\\\":\"}}}}]}},\"finish_reason\":null}}");
        Event($"{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"index\":0,\"function\":{{\"arguments\":\"{n}}}\"}}}}]}},\"finish_reason\":null}}");
        Event("{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}");
        text.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Registers a body for <c>/stream/{key}</c> and returns its key.</summary>
    public string Register(byte[] body)
    {
        string key = "s" + Interlocked.Increment(ref _nextKey).ToString(CultureInfo.InvariantCulture);
        _bodies[key] = body;
        return key;
    }

    /// <summary>The address of a registered body, with the misbehaviours wanted.</summary>
    public Uri StreamUrl(string key, int part = 4096, int delayMs = 0, int cutAfter = -1, int stallAfter = -1)
        => new(BaseAddress, FormattableString.Invariant($"stream/{key}?part={part}&delayMs={delayMs}&cutAfter={cutAfter}&stallAfter={stallAfter}"));

    /// <summary>An address relative to the server.</summary>
    public Uri Url(string relative) => new(BaseAddress, relative);

    /// <summary>A new client whose handler opens cut gates; <paramref name="timeout"/> is its <see cref="HttpClient.Timeout"/>.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null)
        => new(new GateHandler(this)) { Timeout = timeout ?? Timeout.InfiniteTimeSpan };

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _requests);
            await next(context);
        });
        _app.MapGet("/stream/{key}", ServeStreamAsync);
        _app.MapGet("/stall-headers", StallBeforeHeadersAsync);
        _app.MapGet("/error/{status:int}", ServeErrorAsync);
        _app.MapGet("/json-error", ServeJsonErrorAsync);
        _app.MapMethods("/html", ["GET", "POST"], ServeHtmlAsync);
        _app.MapPost("/v1/stalling/chat/completions", ServeStallingPostAsync);
        _app.MapPost("/typed/{key}/v1/responses", ServeTypedPostAsync);
        _app.MapPost("/typed/{key}/v1/messages", ServeTypedPostAsync);
        _app.MapGet("/generated/{n:int}", ServeGeneratedAsync);
        _app.MapPost("/v1/chat/completions", ServePostAsync);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single().TrimEnd('/') + "/");
        Client = CreateClient();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await _stopping.CancelAsync(); // ends stalls and gates still waiting
        foreach (TaskCompletionSource gate in _gates.Values)
        {
            gate.TrySetResult();
        }

        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private TaskCompletionSource Gate(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task ServeStreamAsync(HttpContext context)
    {
        string key = (string)context.Request.RouteValues["key"]!;
        if (!_bodies.TryGetValue(key, out byte[]? body))
        {
            context.Response.StatusCode = 404;
            return;
        }

        int part = QueryInt(context, "part", 4096);
        int delayMs = QueryInt(context, "delayMs", 0);
        int cutAfter = QueryInt(context, "cutAfter", -1);
        int stallAfter = QueryInt(context, "stallAfter", -1);
        if (part <= 0 || (long)delayMs * ((body.Length / part) + 1) > MaxDripTime.TotalMilliseconds)
        {
            context.Response.StatusCode = 400; // the drip would run longer than the tests allow
            return;
        }

        int length = cutAfter >= 0 ? Math.Min(cutAfter, body.Length) : stallAfter >= 0 ? Math.Min(stallAfter, body.Length) : body.Length;
        string gate = Guid.NewGuid().ToString("N");
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        if (cutAfter >= 0)
        {
            context.Response.Headers[ReleaseGateHeader] = gate;
            context.Response.Headers[ReleaseAfterHeader] = length.ToString(CultureInfo.InvariantCulture);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        CancellationToken token = linked.Token;
        try
        {
            await context.Response.StartAsync(token);
            await context.Response.Body.FlushAsync(token);
            for (int offset = 0; offset < length; offset += part)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(part, length - offset)), token);
                await context.Response.Body.FlushAsync(token);
                if (delayMs > 0)
                {
                    await Task.Delay(delayMs, token);
                }
            }

            if (cutAfter >= 0)
            {
                // Wait until the client has read every byte written, so that the abort cannot drop any.
                await Gate(gate).Task.WaitAsync(MaxHandlerTime, token);
                _gates.TryRemove(gate, out _);
                context.Abort();
            }
            else if (stallAfter >= 0)
            {
                await Task.Delay(MaxHandlerTime, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            if (stallAfter >= 0)
            {
                Interlocked.Increment(ref _abortedStalls);
            }
        }
        catch (IOException)
        {
            // The client went away mid-write.
        }
    }

    private async Task StallBeforeHeadersAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(MaxHandlerTime, linked.Token);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _abortedStalls);
        }
    }

    private static async Task ServeErrorAsync(HttpContext context)
    {
        int status = int.Parse((string)context.Request.RouteValues["status"]!, CultureInfo.InvariantCulture);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"error\":{ErrorObject(status)}}}\n", context.RequestAborted);
    }

    private static async Task ServeJsonErrorAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync($"{{\"error\":{ErrorObject(200)}}}", context.RequestAborted);
    }

    private static async Task ServeHtmlAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync("<html><body><h1>Gateway login</h1></body></html>", context.RequestAborted);
    }

    private async Task ServeStallingPostAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            context.Response.ContentType = "text/event-stream";
            int twoEvents = PostStream.AsSpan().IndexOf(": keep-alive"u8); // the role and "Hello over " events
            await context.Response.Body.WriteAsync(PostStream.AsMemory(0, twoEvents), linked.Token);
            await context.Response.Body.FlushAsync(linked.Token);
            await Task.Delay(MaxHandlerTime, linked.Token);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _abortedStalls);
        }
    }

    private static async Task ServeGeneratedAsync(HttpContext context)
    {
        int n = int.Parse((string)context.Request.RouteValues["n"]!, CultureInfo.InvariantCulture);
        byte[] body = GeneratedStream(n);
        context.Response.ContentType = "text/event-stream";

        // Several writes per stream, cut at different places for different streams.
        int part = 97 + (n % 211);
        for (int offset = 0; offset < body.Length; offset += part)
        {
            await context.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(part, body.Length - offset)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private async Task ServeTypedPostAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        LastPost = (await reader.ReadToEndAsync(context.RequestAborted), context.Request.Headers.Authorization.FirstOrDefault());
        if (!_bodies.TryGetValue((string)context.Request.RouteValues["key"]!, out byte[]? body))
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = "text/event-stream";
        foreach (byte[] part in body.Chunk(512))
        {
            await context.Response.Body.WriteAsync(part, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private async Task ServePostAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync(context.RequestAborted);
        string? authorization = context.Request.Headers.Authorization.FirstOrDefault();
        LastPost = (body, authorization);
        if (authorization != ExpectedAuthorization)
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"error\":{ErrorObject(401)}}}", context.RequestAborted);
            return;
        }

        string? problem = CheckStreamingRequest(body);
        if (problem is not null)
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { message = problem } }), context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        foreach (byte[] part in PostStream.Chunk(64))
        {
            await context.Response.Body.WriteAsync(part, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>Why a request body is not a streaming request with usage, or null when it is.</summary>
    private static string? CheckStreamingRequest(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (!root.TryGetProperty("stream", out JsonElement stream) || stream.ValueKind != JsonValueKind.True)
            {
                return "the request must have \"stream\": true";
            }

            if (!root.TryGetProperty("stream_options", out JsonElement options) || options.ValueKind != JsonValueKind.Object
                || !options.TryGetProperty("include_usage", out JsonElement usage) || usage.ValueKind != JsonValueKind.True)
            {
                return "the request must have stream_options.include_usage: true";
            }

            return null;
        }
        catch (JsonException e)
        {
            return "the request body is not JSON: " + e.Message;
        }
    }

    private static int QueryInt(HttpContext context, string name, int fallback)
        => context.Request.Query.TryGetValue(name, out var value) && int.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed)
            ? parsed
            : fallback;

    /// <summary>Opens the gate a cut response names once the client has read the bytes before the cut.</summary>
    private sealed class GateHandler(LoopbackServer server) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues(ReleaseGateHeader, out var gates) && response.Headers.TryGetValues(ReleaseAfterHeader, out var afters))
            {
                HttpContent original = response.Content;
                Stream body = await original.ReadAsStreamAsync(cancellationToken);
                var wrapped = new StreamContent(new ReleasingStream(body, long.Parse(afters.Single(), CultureInfo.InvariantCulture), server.Gate(gates.Single())));
                foreach (var header in original.Headers)
                {
                    wrapped.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                response.Content = wrapped;
            }

            return response;
        }
    }

    /// <summary>Forwards reads and opens a gate once a number of bytes has been read.</summary>
    private sealed class ReleasingStream(Stream inner, long releaseAfter, TaskCompletionSource gate) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= releaseAfter)
            {
                gate.TrySetResult();
            }

            return Counted(await inner.ReadAsync(buffer, cancellationToken));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Counted(int read)
        {
            _read += read;
            if (_read >= releaseAfter)
            {
                gate.TrySetResult();
            }

            return read;
        }
    }
}

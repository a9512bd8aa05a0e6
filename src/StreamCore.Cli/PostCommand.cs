using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary>
/// <c>streamcore post URL --body FILE [--header NAME:VALUE]... [--protocol P] [--cumulative-content]</c>:
/// sends the request in FILE with <c>"stream": true</c> (and, for chat completions only,
/// <c>stream_options.include_usage</c>), prints text on stderr as it arrives and the assembled JSON on
/// stdout; exit codes as <c>assemble</c>. The protocol is the option's, else the URL's (a path ending in
/// <c>/responses</c> or <c>/messages</c>), else detected from the stream.
/// </summary>
internal static class PostCommand
{
    public static async Task<int> RunAsync(string[] args, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var options = new Options(args, ["--cumulative-content"], ["--body", "--header", "--protocol"]);
        if (options.Positional.Length != 1 || options.Value("--body") is not string bodyPath)
        {
            throw new ArgumentException("post needs one URL and --body FILE");
        }

        string url = options.Positional[0];
        var headers = new List<(string Name, string Value)>();
        foreach (string header in options.Values("--header"))
        {
            int colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new ArgumentException($"a header must be NAME:VALUE, got '{header}'");
            }

            headers.Add((header[..colon].Trim(), header[(colon + 1)..].Trim()));
        }

        StreamOptions streamOptions = options.StreamOptions(ProtocolOfUrl(url));
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{url}' is not an http or https URL");
        }

        JsonObject body = await ReadBodyAsync(bodyPath, cancellationToken).ConfigureAwait(false);
        body["stream"] = true;
        if (streamOptions.Protocol == StreamProtocol.ChatCompletions)
        {
            // Chat completions report usage only when asked; the typed protocols always do.
            JsonObject chatOptions = body["stream_options"] as JsonObject ?? [];
            chatOptions["include_usage"] = true;
            body["stream_options"] = chatOptions;
        }

        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        foreach ((string name, string value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"cannot reach {uri.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
        }

        using (response)
        {
            return await ReadAnswerAsync(response, streamOptions, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Streams the answer: what arrives on stderr as it arrives, the assembled JSON on stdout at the end (Ctrl+C included).</summary>
    private static async Task<int> ReadAnswerAsync(HttpResponseMessage response, StreamOptions options, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        StreamResult? result = null;
        int exitCode;
        var live = new LiveText(stderr);
        try
        {
            await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(response, options, cancellationToken).ConfigureAwait(false))
            {
                result = update.Result;
                await live.ShowAsync(update).ConfigureAwait(false);
            }

            await live.EndAsync().ConfigureAwait(false);
            exitCode = AssembleCommand.ExitCodeOf(result!);
        }
        catch (StreamProviderErrorException e)
        {
            await stderr.WriteLineAsync($"streamcore: {e.Message}").ConfigureAwait(false);
            await JsonBodyInput.WriteErrorAsync(stdout, e.ErrorJson, cancellationToken).ConfigureAwait(false);
            return AssembleCommand.ExitProviderError;
        }
        catch (StreamFormatException e)
        {
            await live.EndAsync().ConfigureAwait(false);
            await stderr.WriteLineAsync($"streamcore: malformed stream: {e.Message}").ConfigureAwait(false);
            result = e.PartialResult;
            exitCode = AssembleCommand.ExitMalformed;
        }
        catch (StreamCanceledException e)
        {
            await live.EndAsync().ConfigureAwait(false);
            await stderr.WriteLineAsync("streamcore: cancelled; printing what was assembled").ConfigureAwait(false);
            result = e.PartialResult;
            exitCode = CommandLine.ExitCanceled;
        }

        using (result)
        {
            await AssembleCommand.WriteResultAsync(result!, stdout, indented: false, CancellationToken.None).ConfigureAwait(false);
            if (exitCode != CommandLine.ExitCanceled)
            {
                await AssembleCommand.ReportAsync(result!, stderr).ConfigureAwait(false);
            }

            return exitCode;
        }
    }

    /// <summary>The request body: a JSON object, or a usage error that says what it is instead.</summary>
    private static async Task<JsonObject> ReadBodyAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"the request body '{path}' is a directory, not a file");
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the request body '{path}' is not JSON: {e.Message}", e);
        }

        return body as JsonObject ?? throw new ArgumentException($"the request body '{path}' must be a JSON object, not {(body is null ? "null" : body.GetValueKind().ToString().ToLowerInvariant())}");
    }

    /// <summary>The protocol a request URL names by its path: <c>…/responses</c> or <c>…/messages</c>; else detected.</summary>
    public static StreamProtocol ProtocolOfUrl(string url)
    {
        string path = Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) ? uri.AbsolutePath : url;
        path = path.TrimEnd('/');
        return path.EndsWith("/responses", StringComparison.OrdinalIgnoreCase) ? StreamProtocol.Responses
            : path.EndsWith("/messages", StringComparison.OrdinalIgnoreCase) ? StreamProtocol.AnthropicMessages
            : path.EndsWith("/chat/completions", StringComparison.OrdinalIgnoreCase) ? StreamProtocol.ChatCompletions
            : StreamProtocol.Auto;
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
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
        JsonNode body = JsonNode.Parse(await File.ReadAllBytesAsync(bodyPath, cancellationToken).ConfigureAwait(false))
            ?? throw new ArgumentException("the request body is JSON null");
        body["stream"] = true;
        if (streamOptions.Protocol is StreamProtocol.ChatCompletions or StreamProtocol.Auto)
        {
            // Chat completions report usage only when asked; the typed protocols always do.
            JsonObject chatOptions = body["stream_options"] as JsonObject ?? [];
            chatOptions["include_usage"] = true;
            body["stream_options"] = chatOptions;
        }

        using var client = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
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

        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        StreamResult? result = null;
        try
        {
            await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(response, streamOptions, cancellationToken).ConfigureAwait(false))
            {
                result = update.Result;
                if (update.Kind is StreamUpdateKind.ContentDelta or StreamUpdateKind.RefusalDelta)
                {
                    await stderr.WriteAsync(update.GetText()).ConfigureAwait(false);
                }
            }

            await stderr.WriteLineAsync().ConfigureAwait(false);
        }
        catch (StreamProviderErrorException e)
        {
            await stderr.WriteLineAsync($"streamcore: {e.Message}").ConfigureAwait(false);
            byte[] error = Encoding.UTF8.GetBytes($"{{\"error\":{e.ErrorJson}}}\n");
            await stdout.WriteAsync(error, cancellationToken).ConfigureAwait(false);
            return AssembleCommand.ExitProviderError;
        }
        catch (StreamFormatException e)
        {
            await stderr.WriteLineAsync($"streamcore: malformed stream: {e.Message}").ConfigureAwait(false);
            using (e.PartialResult)
            {
                await AssembleCommand.WriteResultAsync(e.PartialResult, stdout, indented: false, cancellationToken).ConfigureAwait(false);
            }

            return AssembleCommand.ExitMalformed;
        }

        using (result)
        {
            await AssembleCommand.WriteResultAsync(result!, stdout, indented: false, cancellationToken).ConfigureAwait(false);
            await AssembleCommand.ReportAsync(result!, stderr).ConfigureAwait(false);
            return AssembleCommand.ExitCodeOf(result!);
        }
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

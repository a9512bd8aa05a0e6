using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Chat;

namespace StreamCore.Cli;

/// <summary>
/// <c>streamcore post URL --body FILE [--header NAME:VALUE]...</c>: sends the chat-completion request
/// in FILE with <c>"stream": true</c> and <c>stream_options.include_usage</c>, prints text on stderr
/// as it arrives and the assembled JSON on stdout; exit codes as <c>assemble</c>.
/// </summary>
internal static class PostCommand
{
    public static async Task<int> RunAsync(string[] args, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? url = null;
        string? bodyPath = null;
        var headers = new List<(string Name, string Value)>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--body" when i + 1 < args.Length:
                    bodyPath = args[++i];
                    break;
                case "--header" when i + 1 < args.Length:
                    string header = args[++i];
                    int colon = header.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new ArgumentException($"a header must be NAME:VALUE, got '{header}'");
                    }

                    headers.Add((header[..colon].Trim(), header[(colon + 1)..].Trim()));
                    break;
                case string option when option.StartsWith("--", StringComparison.Ordinal):
                    throw new ArgumentException($"unknown or incomplete option '{option}'");
                default:
                    url = url is null ? args[i] : throw new ArgumentException($"unexpected argument '{args[i]}'");
                    break;
            }
        }

        if (url is null || bodyPath is null)
        {
            throw new ArgumentException("post needs a URL and --body FILE");
        }

        JsonNode body = JsonNode.Parse(await File.ReadAllBytesAsync(bodyPath, cancellationToken).ConfigureAwait(false))
            ?? throw new ArgumentException("the request body is JSON null");
        body["stream"] = true;
        JsonObject streamOptions = body["stream_options"] as JsonObject ?? [];
        streamOptions["include_usage"] = true;
        body["stream_options"] = streamOptions;

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
        ChatCompletionResult? result = null;
        try
        {
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(response, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                result = update.Completion;
                if (update.Kind is ChatUpdateKind.ContentDelta or ChatUpdateKind.RefusalDelta)
                {
                    await stderr.WriteAsync(update.GetText()).ConfigureAwait(false);
                }
            }

            await stderr.WriteLineAsync().ConfigureAwait(false);
        }
        catch (ChatProviderErrorException e)
        {
            await stderr.WriteLineAsync($"streamcore: {e.Message}").ConfigureAwait(false);
            byte[] error = Encoding.UTF8.GetBytes($"{{\"error\":{e.ErrorJson}}}\n");
            await stdout.WriteAsync(error, cancellationToken).ConfigureAwait(false);
            return AssembleCommand.ExitProviderError;
        }
        catch (ChatStreamFormatException e)
        {
            await stderr.WriteLineAsync($"streamcore: malformed stream: {e.Message}").ConfigureAwait(false);
            using (e.PartialResult)
            {
                await AssembleCommand.WriteResultAsync(e.PartialResult!, stdout, indented: false, cancellationToken).ConfigureAwait(false);
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
}

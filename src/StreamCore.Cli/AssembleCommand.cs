using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Chat;

namespace StreamCore.Cli;

/// <summary>
/// <c>streamcore assemble [FILE|-] [--indent] [--stats]</c>: prints the assembled response. The exit
/// code says how the stream ended; in every case but a usage or I/O error, everything assembled is printed.
/// </summary>
internal static class AssembleCommand
{
    public const int ExitComplete = 0;
    public const int ExitMalformed = 2;
    public const int ExitIncomplete = 3;
    public const int ExitProviderError = 4;

    public static async Task<int> RunAsync(Stream input, Stream output, TextWriter stderr, bool indented, bool stats, CancellationToken cancellationToken)
    {
        var counted = new CountingStream(input);
        var clock = Stopwatch.StartNew();
        ChatCompletionResult result;
        int exitCode;
        try
        {
            result = await ChatStream.AssembleAsync(counted, cancellationToken: cancellationToken).ConfigureAwait(false);
            exitCode = ExitCodeOf(result);
        }
        catch (ChatStreamFormatException e)
        {
            await stderr.WriteLineAsync($"streamcore: malformed stream: {e.Message}").ConfigureAwait(false);
            result = e.PartialResult!;
            exitCode = ExitMalformed;
        }

        using (result)
        {
            await WriteResultAsync(result, output, indented, cancellationToken).ConfigureAwait(false);
            await ReportAsync(result, stderr).ConfigureAwait(false);
            if (stats)
            {
                double seconds = clock.Elapsed.TotalSeconds;
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                await stderr.WriteLineAsync(FormattableString.Invariant(
                    $$"""{"events":{{result.EventCount}},"bytes":{{counted.BytesRead}},"seconds":{{seconds:0.000000}},"allocatedBytes":{{allocated}}}""")).ConfigureAwait(false);
            }
        }

        return exitCode;
    }

    public static int ExitCodeOf(ChatCompletionResult result) => result.Status switch
    {
        ChatStreamStatus.Complete => ExitComplete,
        ChatStreamStatus.Failed when result.HasProviderError => ExitProviderError,
        ChatStreamStatus.Failed => ExitMalformed,
        _ => ExitIncomplete,
    };

    public static async Task WriteResultAsync(ChatCompletionResult result, Stream output, bool indented, CancellationToken cancellationToken)
    {
        await using (var writer = new Utf8JsonWriter(output, ChatCompletionResult.CreateWriterOptions(indented)))
        {
            result.WriteTo(writer);
        }

        output.WriteByte((byte)'\n');
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task ReportAsync(ChatCompletionResult result, TextWriter stderr)
    {
        if (result.Status == ChatStreamStatus.Incomplete)
        {
            string cause = result.TransportException is null ? "the input ended before [DONE] or a finish reason" : result.TransportException.Message;
            await stderr.WriteLineAsync($"streamcore: incomplete stream: {cause}").ConfigureAwait(false);
        }
        else if (result.HasProviderError)
        {
            await stderr.WriteLineAsync($"streamcore: provider error: {System.Text.Encoding.UTF8.GetString(result.ErrorJson.Span)}").ConfigureAwait(false);
        }
    }
}

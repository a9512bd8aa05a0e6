using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary>
/// <c>streamcore assemble [FILE|-] [--protocol P] [--cumulative-content] [--indent] [--stats]</c>: prints
/// the assembled response in its protocol's JSON. The exit code says how the stream ended; in every
/// case but a usage or I/O error, everything assembled is printed, Ctrl+C included.
/// </summary>
internal static class AssembleCommand
{
    public const int ExitComplete = 0;
    public const int ExitMalformed = 2;
    public const int ExitIncomplete = 3;
    public const int ExitProviderError = 4;

    public static async Task<int> RunAsync(CommandInput input, Stream output, TextWriter stderr, StreamOptions options, bool indented, bool stats, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (await JsonBodyInput.TryReportAsync(input, output, stderr, cancellationToken).ConfigureAwait(false) is int reported)
        {
            return reported;
        }

        long assemblyStart = GC.GetTotalAllocatedBytes(precise: true);
        StreamResult result;
        int exitCode;
        try
        {
            result = await ModelStream.AssembleAsync(input, options, cancellationToken).ConfigureAwait(false);
            exitCode = ExitCodeOf(result);
        }
        catch (StreamFormatException e)
        {
            await stderr.WriteLineAsync($"streamcore: malformed stream: {e.Message}").ConfigureAwait(false);
            result = e.PartialResult;
            exitCode = ExitMalformed;
        }
        catch (StreamCanceledException e)
        {
            await stderr.WriteLineAsync("streamcore: cancelled; printing what was assembled").ConfigureAwait(false);
            result = e.PartialResult;
            exitCode = CommandLine.ExitCanceled;
        }

        long assemblyAllocated = GC.GetTotalAllocatedBytes(precise: true) - assemblyStart;
        using (result)
        {
            // The partial result of an interrupted run is printed even though the token fired.
            await WriteResultAsync(result, output, indented, CancellationToken.None).ConfigureAwait(false);
            if (exitCode != CommandLine.ExitCanceled)
            {
                await ReportAsync(result, stderr).ConfigureAwait(false);
            }

            if (stats)
            {
                double seconds = clock.Elapsed.TotalSeconds;
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                await stderr.WriteLineAsync(FormattableString.Invariant(
                    $$"""{"events":{{result.EventCount}},"bytes":{{input.BytesRead}},"seconds":{{seconds:0.000000}},"allocatedBytes":{{allocated}},"assemblyAllocatedBytes":{{assemblyAllocated}}}""")).ConfigureAwait(false);
            }
        }

        return exitCode;
    }

    public static int ExitCodeOf(StreamResult result) => result.Status switch
    {
        StreamStatus.Complete => ExitComplete,
        StreamStatus.Failed when result.HasProviderError => ExitProviderError,
        StreamStatus.Failed => ExitMalformed,
        _ => ExitIncomplete,
    };

    public static async Task WriteResultAsync(StreamResult result, Stream output, bool indented, CancellationToken cancellationToken)
    {
        await using (var writer = new Utf8JsonWriter(output, StreamResult.CreateWriterOptions(indented)))
        {
            result.WriteTo(writer);
        }

        output.WriteByte((byte)'\n');
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task ReportAsync(StreamResult result, TextWriter stderr)
    {
        if (result.Status == StreamStatus.Incomplete)
        {
            string cause = result.TransportException is null ? "the input ended before the protocol's end" : result.TransportException.Message;
            await stderr.WriteLineAsync($"streamcore: incomplete stream: {cause}").ConfigureAwait(false);
        }
        else if (result.HasProviderError)
        {
            await stderr.WriteLineAsync($"streamcore: provider error: {System.Text.Encoding.UTF8.GetString(result.ErrorJson.Span)}").ConfigureAwait(false);
        }
    }
}

using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace StreamCore.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Ctrl+C ends the command's reading; the command prints what it has and exits 130.
            e.Cancel = true;
            cancel.Cancel();
        };

        return await CommandLine.RunAsync(args, Console.OpenStandardInput(), OpenStandardOutput(), Console.Error, cancel.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Standard output as a stream that reports a reader that went away: the console's own stream
    /// drops writes to a broken pipe without a word, so <c>streamcore events big.sse | head -1</c>
    /// would read all of big.sse. The runtime ignores SIGPIPE; a write to file descriptor 1 fails instead.
    /// </summary>
    private static Stream OpenStandardOutput()
        => OperatingSystem.IsWindows() ? Console.OpenStandardOutput() : new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}

using System;
using System.Threading;
using System.Threading.Tasks;

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

        return await CommandLine.RunAsync(args, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, cancel.Token).ConfigureAwait(false);
    }
}

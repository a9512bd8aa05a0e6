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
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return await CommandLine.RunAsync(args, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("streamcore: cancelled").ConfigureAwait(false);
            return 130;
        }
    }
}

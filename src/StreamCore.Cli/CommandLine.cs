using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary>Parses the command line and runs a command; separate from <c>Main</c> so tests can run it in process.</summary>
internal static class CommandLine
{
    public const int ExitOk = 0;
    public const int ExitUsage = 1;

    public const string Usage = """
        usage: streamcore [command] [options]

          (no command)             assemble the built-in sample stream and print the result
          events [FILE|-]          print each server-sent event as one JSON line
          help                     show this text
        """;

    public static async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string command = args.Length == 0 ? "sample" : args[0];
        try
        {
            switch (command)
            {
                case "events":
                {
                    await using Stream input = OpenInput(args.AsSpan(1), stdin);
                    return await EventsCommand.RunAsync(input, stdout, cancellationToken).ConfigureAwait(false);
                }

                case "help" or "--help" or "-h":
                    await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
                    return ExitOk;
                default:
                    await stderr.WriteLineAsync($"streamcore: unknown command '{command}'\n{Usage}").ConfigureAwait(false);
                    return ExitUsage;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await stderr.WriteLineAsync($"streamcore: {e.Message}").ConfigureAwait(false);
            return ExitUsage;
        }
    }

    private static Stream OpenInput(ReadOnlySpan<string> args, Stream stdin)
    {
        if (args.Length > 1)
        {
            throw new ArgumentException($"expected at most one input file, got {args.Length}");
        }

        return args.Length == 0 || args[0] == "-"
            ? new NonClosingStream(stdin)
            : new FileStream(args[0], FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
    }
}

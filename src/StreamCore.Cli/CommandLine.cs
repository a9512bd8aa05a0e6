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
          assemble [FILE|-] [--protocol P] [--cumulative-content] [--indent] [--stats]
                                   print the assembled response in its protocol's JSON; exit 0
                                   complete, 2 malformed, 3 incomplete, 4 provider error, 1 usage
                                   or I/O error
          updates [FILE|-] [--protocol P] [--cumulative-content]
                                   print the typed updates as JSON lines (exit codes as assemble)
          events [FILE|-]          print each server-sent event as one JSON line
          post URL --body FILE [--header NAME:VALUE]... [--protocol P] [--cumulative-content]
                                   send a streaming request; text on stderr as it arrives, the
                                   assembled JSON on stdout (exit codes as assemble)
          help                     show this text

        P is chat, responses, anthropic, aitronos or auto (the default: detected from the first
        JSON event; post also knows it from a URL ending in /responses or /messages).
        --cumulative-content: each chat content fragment is the whole content so far (WorkflowAI's
        valid_json_chunks).
        """;

    public static async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string command = args.Length == 0 ? "sample" : args[0];
        try
        {
            switch (command)
            {
                case "sample":
                {
                    await using Stream sample = typeof(CommandLine).Assembly.GetManifestResourceStream("StreamCore.Cli.sample.sse")
                        ?? throw new IOException("the built-in sample is missing from the program");
                    await stderr.WriteLineAsync("streamcore: assembling the built-in sample stream (see 'streamcore help' for more)").ConfigureAwait(false);
                    return await AssembleCommand.RunAsync(sample, stdout, stderr, new StreamOptions(), indented: true, stats: false, cancellationToken).ConfigureAwait(false);
                }

                case "assemble":
                {
                    var options = new Options(args.AsSpan(1), ["--indent", "--stats", "--cumulative-content"], ["--protocol"]);
                    await using Stream input = OpenInput(options.Positional, stdin);
                    return await AssembleCommand.RunAsync(input, stdout, stderr, options.StreamOptions(), options.Has("--indent"), options.Has("--stats"), cancellationToken).ConfigureAwait(false);
                }

                case "updates":
                {
                    var options = new Options(args.AsSpan(1), ["--cumulative-content"], ["--protocol"]);
                    await using Stream input = OpenInput(options.Positional, stdin);
                    return await UpdatesCommand.RunAsync(input, stdout, stderr, options.StreamOptions(), cancellationToken).ConfigureAwait(false);
                }

                case "post":
                    return await PostCommand.RunAsync(args.AsSpan(1).ToArray(), stdout, stderr, cancellationToken).ConfigureAwait(false);

                case "events":
                {
                    var options = new Options(args.AsSpan(1), []);
                    await using Stream input = OpenInput(options.Positional, stdin);
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

    private static Stream OpenInput(string[] args, Stream stdin)
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

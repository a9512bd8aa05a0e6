using System;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary>Parses the command line and runs a command; separate from <c>Main</c> so tests can run it in process. No path ends in an unhandled exception.</summary>
internal static class CommandLine
{
    public const int ExitOk = 0;
    public const int ExitUsage = 1;
    public const int ExitCanceled = 130;
    public const int ExitOutputClosed = 141;

    public const string Usage = """
        usage: streamcore [command] [options]

          (no command)             assemble the built-in sample stream and print the result
          assemble [FILE|-] [--protocol P] [--cumulative-content] [--indent] [--stats]
                                   print the assembled response in its protocol's JSON; exit 0
                                   complete, 2 malformed, 3 incomplete, 4 provider error, 1 usage
                                   or I/O error, 130 interrupted (the partial result is printed)
          updates [FILE|-] [--protocol P] [--cumulative-content]
                                   print the typed updates as JSON lines (exit codes as assemble)
          events [FILE|-]          print each server-sent event as one JSON line
          post URL --body FILE [--header NAME:VALUE]... [--protocol P] [--cumulative-content]
                                   send a streaming request; text, reasoning and tool calls on
                                   stderr as they arrive, the assembled JSON on stdout (exit codes
                                   as assemble)
          help                     show this text

        P is chat, responses, anthropic, aitronos or auto (the default: detected from the first
        JSON event; post also knows it from a URL ending in /responses or /messages).
        --cumulative-content: each chat content fragment is the whole content so far (WorkflowAI's
        valid_json_chunks).
        Input that is a JSON document instead of an event stream (a saved error answer) is reported
        as the provider error it holds (exit 4). Ctrl+C prints what was assembled and exits 130; a
        reader that closes the output (| head) ends the command (exit 141).
        """;

    public static async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string command = args.Length == 0 ? "sample" : args[0];
        using var output = new CommandOutput(stdout);
        try
        {
            switch (command)
            {
                case "sample":
                {
                    await using Stream sample = typeof(CommandLine).Assembly.GetManifestResourceStream("StreamCore.Cli.sample.sse")
                        ?? throw new IOException("the built-in sample is missing from the program");
                    await stderr.WriteLineAsync("streamcore: assembling the built-in sample stream (see 'streamcore help' for more)").ConfigureAwait(false);
                    await using var input = CommandInput.Open(["-"], sample);
                    return await AssembleCommand.RunAsync(input, output, stderr, new StreamOptions(), indented: true, stats: false, cancellationToken).ConfigureAwait(false);
                }

                case "assemble":
                {
                    var options = new Options(args.AsSpan(1), ["--indent", "--stats", "--cumulative-content"], ["--protocol"]);
                    await using var input = CommandInput.Open(options.Positional, stdin);
                    return await AssembleCommand.RunAsync(input, output, stderr, options.StreamOptions(), options.Has("--indent"), options.Has("--stats"), cancellationToken).ConfigureAwait(false);
                }

                case "updates":
                {
                    var options = new Options(args.AsSpan(1), ["--cumulative-content"], ["--protocol"]);
                    await using var input = CommandInput.Open(options.Positional, stdin);
                    return await UpdatesCommand.RunAsync(input, output, stderr, options.StreamOptions(), cancellationToken).ConfigureAwait(false);
                }

                case "post":
                    return await PostCommand.RunAsync(args.AsSpan(1).ToArray(), output, stderr, cancellationToken).ConfigureAwait(false);

                case "events":
                {
                    var options = new Options(args.AsSpan(1), []);
                    await using var input = CommandInput.Open(options.Positional, stdin);
                    return await EventsCommand.RunAsync(input, output, cancellationToken).ConfigureAwait(false);
                }

                case "help" or "--help" or "-h":
                    await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
                    return ExitOk;
                default:
                    await stderr.WriteLineAsync($"streamcore: unknown command '{command}'\n{Usage}").ConfigureAwait(false);
                    return ExitUsage;
            }
        }
        catch (OutputClosedException)
        {
            return ExitOutputClosed; // the reader has what it wanted, as a program killed by SIGPIPE
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("streamcore: cancelled").ConfigureAwait(false);
            return ExitCanceled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or HttpRequestException or JsonException or UriFormatException)
        {
            await stderr.WriteLineAsync($"streamcore: {e.Message}").ConfigureAwait(false);
            return ExitUsage;
        }
        catch (Exception e)
        {
            // Nothing else is expected; if it happens, say so in one line rather than with a stack trace.
            await stderr.WriteLineAsync($"streamcore: unexpected {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            return ExitUsage;
        }
    }
}

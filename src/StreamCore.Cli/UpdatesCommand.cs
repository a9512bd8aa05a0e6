using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary><c>streamcore updates [FILE|-] [--protocol P] [--cumulative-content]</c>: prints the typed updates as JSON lines; exit codes as <c>assemble</c>.</summary>
internal static class UpdatesCommand
{
    public static async Task<int> RunAsync(CommandInput input, Stream output, TextWriter stderr, StreamOptions options, CancellationToken cancellationToken)
    {
        if (await JsonBodyInput.TryReportAsync(input, output, stderr, cancellationToken).ConfigureAwait(false) is int reported)
        {
            return reported;
        }

        // Lines go out when the input would make the reader wait, not one write per line.
        input.BeforeRead = output.FlushAsync;
        await using var json = new Utf8JsonWriter(output, StreamResult.CreateWriterOptions());
        StreamResult? result = null;
        try
        {
            await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(input, options, cancellationToken).ConfigureAwait(false))
            {
                result = update.Result;
                Write(json, update);
                json.Flush();
                output.WriteByte((byte)'\n');
                json.Reset();
            }
        }
        catch (StreamFormatException e)
        {
            await stderr.WriteLineAsync($"streamcore: malformed stream: {e.Message}").ConfigureAwait(false);
            e.PartialResult.Dispose();
            return AssembleCommand.ExitMalformed;
        }
        catch (StreamCanceledException e)
        {
            await stderr.WriteLineAsync("streamcore: cancelled").ConfigureAwait(false);
            e.PartialResult.Dispose();
            return CommandLine.ExitCanceled;
        }
        finally
        {
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        using (result)
        {
            await AssembleCommand.ReportAsync(result!, stderr).ConfigureAwait(false);
            return AssembleCommand.ExitCodeOf(result!);
        }
    }

    /// <summary>One update as a JSON object: its kind, where it belongs, and what it carries.</summary>
    public static void Write(Utf8JsonWriter json, StreamUpdate update)
    {
        json.WriteStartObject();
        json.WriteString("kind"u8, JsonNamingPolicy.CamelCase.ConvertName(update.Kind.ToString()));
        if (update.ItemIndex >= 0)
        {
            json.WriteNumber("index"u8, update.ItemIndex);
        }

        if (update.PartIndex >= 0)
        {
            json.WriteNumber("part"u8, update.PartIndex);
        }

        if (update.ToolCall is ToolCall call)
        {
            json.WriteNumber("toolCall"u8, call.Position);
            if (update.Kind != StreamUpdateKind.ToolCallArgumentsDelta)
            {
                json.WriteString("id"u8, call.Id);
                json.WriteString("name"u8, call.Name);
            }

            if (update.Kind == StreamUpdateKind.ToolCallCompleted)
            {
                json.WriteString("arguments"u8, call.Arguments);
                json.WriteString("argumentsStatus"u8, JsonNamingPolicy.CamelCase.ConvertName(call.ArgumentsStatus.ToString()));
            }
        }

        switch (update.Kind)
        {
            case StreamUpdateKind.ContentDelta or StreamUpdateKind.RefusalDelta or StreamUpdateKind.ReasoningDelta or StreamUpdateKind.ToolCallArgumentsDelta:
                json.WriteString("text"u8, update.Utf8Text.Span);
                if (update.IsReplacement)
                {
                    json.WriteBoolean("replaces"u8, true);
                }

                break;
            case StreamUpdateKind.Stop:
                json.WriteString("stop"u8, JsonNamingPolicy.CamelCase.ConvertName(update.StopKind.ToString()));
                json.WriteString("reason"u8, update.StopReason);
                break;
            case StreamUpdateKind.UnknownEvent:
                json.WriteString("event"u8, update.Utf8EventName.Span);
                WriteJson(json, update);
                break;
            case StreamUpdateKind.End:
                json.WriteString("protocol"u8, JsonNamingPolicy.CamelCase.ConvertName(update.Result.Protocol.ToString()));
                json.WriteString("status"u8, JsonNamingPolicy.CamelCase.ConvertName(update.Result.Status.ToString()));
                break;
            default:
                WriteJson(json, update);
                break;
        }

        json.WriteEndObject();
    }

    private static void WriteJson(Utf8JsonWriter json, StreamUpdate update)
    {
        if (!update.Json.IsEmpty)
        {
            json.WritePropertyName("json"u8);
            json.WriteRawValue(update.Json.Span, skipInputValidation: true);
        }
    }
}

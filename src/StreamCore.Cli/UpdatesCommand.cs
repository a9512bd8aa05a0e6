using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Chat;

namespace StreamCore.Cli;

/// <summary><c>streamcore updates [FILE|-]</c>: prints the typed updates as JSON lines; exit codes as <c>assemble</c>.</summary>
internal static class UpdatesCommand
{
    public static async Task<int> RunAsync(Stream input, Stream output, TextWriter stderr, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output, ChatCompletionResult.CreateWriterOptions());
        ChatCompletionResult? result = null;
        try
        {
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(input, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                result = update.Completion;
                Write(json, update);
                json.Flush();
                output.WriteByte((byte)'\n');
                json.Reset();
            }
        }
        catch (ChatStreamFormatException e)
        {
            await stderr.WriteLineAsync($"streamcore: malformed stream: {e.Message}").ConfigureAwait(false);
            e.PartialResult?.Dispose();
            return AssembleCommand.ExitMalformed;
        }
        finally
        {
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        using (result)
        {
            await AssembleCommand.ReportAsync(result!, stderr).ConfigureAwait(false);
            return AssembleCommand.ExitCodeOf(result!);
        }
    }

    private static void Write(Utf8JsonWriter json, ChatUpdate update)
    {
        json.WriteStartObject();
        json.WriteString("kind"u8, JsonNamingPolicy.CamelCase.ConvertName(update.Kind.ToString()));
        if (update.ChoiceIndex >= 0)
        {
            json.WriteNumber("choice"u8, update.ChoiceIndex);
        }

        if (update.ToolCall is ChatToolCall call)
        {
            json.WriteNumber("toolCall"u8, call.Position);
            if (update.Kind != ChatUpdateKind.ToolCallArgumentsDelta)
            {
                json.WriteString("id"u8, call.Id);
                json.WriteString("name"u8, call.Name);
            }

            if (update.Kind == ChatUpdateKind.ToolCallCompleted)
            {
                json.WriteString("arguments"u8, call.Arguments);
                json.WriteString("argumentsStatus"u8, JsonNamingPolicy.CamelCase.ConvertName(call.ArgumentsStatus.ToString()));
            }
        }

        switch (update.Kind)
        {
            case ChatUpdateKind.ContentDelta or ChatUpdateKind.RefusalDelta or ChatUpdateKind.ReasoningDelta or ChatUpdateKind.ToolCallArgumentsDelta:
                json.WriteString("text"u8, update.Utf8Text.Span);
                break;
            case ChatUpdateKind.ChoiceFinished:
                json.WriteString("finishReason"u8, update.FinishReason);
                break;
            case ChatUpdateKind.Usage or ChatUpdateKind.ProviderError:
                json.WritePropertyName("json"u8);
                json.WriteRawValue(update.Json.Span, skipInputValidation: true);
                break;
            case ChatUpdateKind.End:
                json.WriteString("status"u8, JsonNamingPolicy.CamelCase.ConvertName(update.Completion.Status.ToString()));
                break;
            default:
                break;
        }

        json.WriteEndObject();
    }
}

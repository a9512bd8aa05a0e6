using System.IO;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary>
/// What <c>post</c> shows on stderr while the answer streams: the text as it arrives, and reasoning,
/// refusal and tool calls under a short label each time the kind of output changes.
/// </summary>
internal sealed class LiveText(TextWriter output)
{
    private StreamUpdateKind _showing = StreamUpdateKind.ContentDelta;
    private bool _atLineStart = true;

    public async Task ShowAsync(StreamUpdate update)
    {
        switch (update.Kind)
        {
            case StreamUpdateKind.ContentDelta or StreamUpdateKind.ReasoningDelta or StreamUpdateKind.RefusalDelta:
                if (update.Kind != _showing)
                {
                    await LabelAsync(update.Kind switch
                    {
                        StreamUpdateKind.ReasoningDelta => "[reasoning]",
                        StreamUpdateKind.RefusalDelta => "[refusal]",
                        _ => "[answer]",
                    }).ConfigureAwait(false);
                    _showing = update.Kind;
                }

                await WriteAsync(update.GetText()).ConfigureAwait(false);
                break;
            case StreamUpdateKind.ToolCallStarted:
                await LabelAsync($"[tool call {update.ToolCall!.Name ?? "?"}]").ConfigureAwait(false);
                _showing = StreamUpdateKind.ToolCallArgumentsDelta;
                break;
            case StreamUpdateKind.ToolCallArgumentsDelta:
                await WriteAsync(update.GetText()).ConfigureAwait(false);
                break;
            case StreamUpdateKind.ToolCallCompleted when update.ToolCall!.ArgumentsStatus != Json.JsonTextStatus.Valid:
                await LabelAsync($"[tool call {update.ToolCall.Name ?? "?"}: arguments {update.ToolCall.ArgumentsStatus.ToString().ToLowerInvariant()}]").ConfigureAwait(false);
                break;
            default:
                break;
        }
    }

    public async Task EndAsync()
    {
        if (!_atLineStart)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            _atLineStart = true;
        }
    }

    private async Task LabelAsync(string label)
    {
        await EndAsync().ConfigureAwait(false);
        await output.WriteLineAsync(label).ConfigureAwait(false);
    }

    private async Task WriteAsync(string text)
    {
        if (text.Length > 0)
        {
            await output.WriteAsync(text).ConfigureAwait(false);
            _atLineStart = text[^1] == '\n';
        }
    }
}

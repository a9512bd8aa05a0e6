using System;
using StreamCore.Buffers;
using StreamCore.Json;

namespace StreamCore.Chat;

/// <summary>
/// Collects the updates of one event, reused for every event. Text that needs unescaping goes into
/// a scratch buffer sized once per event to the event's length (unescaping never lengthens), so
/// the updates' memory stays put until the next event.
/// </summary>
internal sealed class ChatUpdateBuffer : IDisposable
{
    private ChatUpdate[] _items = new ChatUpdate[16];
    private PooledByteBuffer _scratch;
    private ReadOnlyMemory<byte> _chunk;

    public ChatUpdateBuffer(ChatCompletionResult result) => Result = result;

    public ChatCompletionResult Result { get; }

    public int Count { get; private set; }

    public ChatUpdate this[int index] => _items[index];

    public void Begin(ReadOnlyMemory<byte> chunk)
    {
        Count = 0;
        _chunk = chunk;
        _scratch.Clear();
        _scratch.GetSpan(chunk.Length);
    }

    public void Add(ChatUpdateKind kind, int choiceIndex, ChatToolCall? toolCall, ReadOnlyMemory<byte> data, string? finishReason)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = new ChatUpdate(kind, Result, choiceIndex, toolCall, data, finishReason);
    }

    /// <summary>The unescaped text of a string value at <paramref name="offset"/> in the event.</summary>
    public ReadOnlyMemory<byte> Text(ReadOnlySpan<byte> escaped, int offset)
    {
        if (escaped.IndexOf((byte)'\\') < 0)
        {
            return _chunk.Slice(offset, escaped.Length);
        }

        int start = _scratch.Length;
        _scratch.Advance(JsonText.Unescape(escaped, _scratch.GetSpan(escaped.Length)));
        return _scratch.Memory[start..];
    }

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> text)
    {
        int start = _scratch.Length;
        _scratch.Append(text);
        return _scratch.Memory[start..];
    }

    public ReadOnlyMemory<byte> Slice(int offset, int length) => _chunk.Slice(offset, length);

    public void Dispose() => _scratch.Dispose();
}

/// <summary>The sink of the update paths: turns parser callbacks into <see cref="ChatUpdate"/>s.</summary>
internal readonly struct CollectUpdates(ChatUpdateBuffer buffer) : IChatUpdateSink
{
    public bool IsEnabled => true;

    public void OnText(ChatUpdateKind kind, ChoiceState choice, ReadOnlySpan<byte> escaped, int offset)
        => buffer.Add(kind, choice.Index, null, buffer.Text(escaped, offset), null);

    public void OnToolCallStarted(ChoiceState choice, ToolCallState call)
        => buffer.Add(ChatUpdateKind.ToolCallStarted, choice.Index, buffer.Result.GetView(call), default, null);

    public void OnToolCallArguments(ChoiceState choice, ToolCallState call, ReadOnlySpan<byte> unescaped)
        => buffer.Add(ChatUpdateKind.ToolCallArgumentsDelta, choice.Index, buffer.Result.GetView(call), buffer.Copy(unescaped), null);

    public void OnToolCallCompleted(ChoiceState choice, ToolCallState call)
        => buffer.Add(ChatUpdateKind.ToolCallCompleted, choice.Index, buffer.Result.GetView(call), default, null);

    public void OnChoiceFinished(ChoiceState choice)
        => buffer.Add(ChatUpdateKind.ChoiceFinished, choice.Index, null, default, buffer.Result.GetView(choice).FinishReason);

    public void OnUsage(ReadOnlySpan<byte> json, int offset)
        => buffer.Add(ChatUpdateKind.Usage, -1, null, buffer.Slice(offset, json.Length), null);

    public void OnProviderError()
        => buffer.Add(ChatUpdateKind.ProviderError, -1, null, buffer.Result.ErrorJson, null);
}

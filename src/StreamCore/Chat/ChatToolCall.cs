using System;
using StreamCore.Json;

namespace StreamCore.Chat;

/// <summary>A tool call of a choice, as assembled so far. Strings are built on first access and cached.</summary>
public sealed class ChatToolCall
{
    private readonly ToolCallState _state;
    private readonly ChatCompletionResult _owner;
    private TextCache _id;
    private TextCache _type;
    private TextCache _name;
    private TextCache _arguments;

    internal ChatToolCall(ToolCallState state, ChatCompletionResult owner)
    {
        _state = state;
        _owner = owner;
    }

    /// <summary>The call's position among its choice's calls (order of first appearance).</summary>
    public int Position => _state.Position;

    /// <summary>The call's id (first non-empty), or null when none arrived.</summary>
    public string? Id => Live.Id.IsEmpty ? null : _id.Get(_state.Id.Span);

    /// <summary>The call's type (first non-empty; <c>function</c> when none arrived).</summary>
    public string Type => Live.Type.IsEmpty ? "function" : _type.Get(_state.Type.Span);

    /// <summary>The function's name (first non-empty), or null when none arrived.</summary>
    public string? Name => Live.Name.IsEmpty ? null : _name.Get(_state.Name.Span);

    /// <summary>The function's arguments: every fragment concatenated (empty when none arrived).</summary>
    public string Arguments => _arguments.Get(Live.Arguments.Span);

    /// <summary>Whether the arguments received so far are valid JSON, a valid prefix, or invalid: known without re-parsing.</summary>
    public JsonTextStatus ArgumentsStatus => Live.Validator.Status;

    /// <summary>Whether the call will get no more fragments (its choice finished, or the stream ended).</summary>
    public bool IsCompleted => Live.Completed;

    private ToolCallState Live
    {
        get
        {
            _owner.ThrowIfDisposed();
            return _state;
        }
    }

    /// <summary>
    /// A best-effort JSON value for arguments still in flight, for live previews: an open string or
    /// literal completed, a dangling comma or partial number dropped, open containers closed.
    /// Invalid arguments are returned as they are. Allocates.
    /// </summary>
    public string GetArgumentsPreview()
    {
        ReadOnlySpan<byte> escaped = Live.Arguments.Span;
        byte[] text = new byte[escaped.Length];
        int length = JsonText.Unescape(escaped, text);
        return _state.Validator.GetPreview(text.AsSpan(0, length));
    }
}

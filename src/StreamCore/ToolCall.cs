using System;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore;

/// <summary>
/// A call of a tool the application runs, as assembled so far, the same for every protocol: a chat
/// tool call, a Responses <c>function_call</c> or <c>custom_tool_call</c> item, an Anthropic
/// <c>tool_use</c> block. Strings are built on first access and cached; they stay valid after the
/// result is disposed.
/// </summary>
public class ToolCall
{
    private readonly ToolCallState _state;
    private readonly StreamResult _owner;
    private TextCache _id;
    private TextCache _type;
    private TextCache _name;
    private TextCache _arguments;

    internal ToolCall(ToolCallState state, StreamResult owner)
    {
        _state = state;
        _owner = owner;
    }

    /// <summary>The call's position among the calls (order of first appearance).</summary>
    public int Position => _state.Position;

    /// <summary>The call's id (first non-empty: chat <c>id</c>, Responses <c>call_id</c>, Anthropic <c>id</c>), or null when none arrived.</summary>
    public string? Id => Live.Id.IsEmpty ? null : _id.Get(_state.Id.Span);

    /// <summary>The call's type: <c>function</c> for chat (first non-empty, the default), the item or block type otherwise.</summary>
    public string Type => Live.Type.IsEmpty ? "function" : _type.Get(_state.Type.Span);

    /// <summary>The tool's name (first non-empty), or null when none arrived.</summary>
    public string? Name => Live.Name.IsEmpty ? null : _name.Get(_state.Name.Span);

    /// <summary>The arguments as JSON text (a custom tool's free-form input as it arrived): every fragment joined, or the final value that replaced them; empty when none arrived.</summary>
    public string Arguments => _arguments.Get(Live.Arguments.Span, _state.ArgumentsVersion);

    /// <summary>
    /// Whether the arguments received so far are valid JSON, a valid prefix, or invalid: known without
    /// re-parsing (the validator reads only what arrived since it was last asked). Reading it advances
    /// that validator, so it is read by one thread at a time, like the rest of a result being assembled.
    /// </summary>
    public JsonTextStatus ArgumentsStatus => Live.ArgumentsStatus;

    /// <summary>Whether the call will get no more fragments (it completed, or the stream ended).</summary>
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
        return _state.GetArgumentsPreview(text.AsSpan(0, length));
    }
}

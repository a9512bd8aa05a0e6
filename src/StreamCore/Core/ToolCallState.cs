using System;
using System.Buffers;
using StreamCore.Buffers;
using StreamCore.Json;

namespace StreamCore.Core;

/// <summary>
/// One tool call, assembled from its fragments: a chat tool call (assembly rules, section 7), a
/// Responses function or custom tool call, an Anthropic tool use. Its arguments are validated
/// incrementally: when their status is asked for, the validator reads what arrived since it last did,
/// so each byte is read once and completion needs no re-parse.
/// </summary>
internal sealed class ToolCallState
{
    private const int SmallFragment = 256;

    public ToolCallState(int position) => Position = position;

    /// <summary>The call's position among its choice's calls (order of first appearance).</summary>
    public int Position { get; }

    // Escaped string content, as it arrived.
    public PooledByteBuffer Id;
    public PooledByteBuffer Type;
    public PooledByteBuffer Name;
    public PooledByteBuffer Arguments;

    public bool HasFunction { get; set; }

    public bool HasArguments { get; set; }

    /// <summary>How many times a final value replaced the arguments (the version of their cached string).</summary>
    public int ArgumentsVersion { get; private set; }

    /// <summary>Whether the call completed (a <see cref="StreamUpdateKind.ToolCallCompleted"/> update was produced).</summary>
    public bool Completed { get; set; }

    // Validates the unescaped arguments incrementally, so completion needs no re-parse.
    private IncrementalJsonValidator _validator;
    private int _validated; // bytes of Arguments the validator has read

    /// <summary>Other members of the call (last non-null, verbatim); created on first use.</summary>
    public MergedObject? Extras { get; set; }

    /// <summary>Other members of the call's <c>function</c>; created on first use.</summary>
    public MergedObject? FunctionExtras { get; set; }

    /// <summary>The public view of this state, created on first use.</summary>
    public ToolCall? View { get; set; }

    /// <summary>
    /// Appends an arguments fragment, escaped string content as it arrived (or raw JSON when
    /// <paramref name="isJson"/>: "arguments that arrive as a JSON object or array are taken as their
    /// JSON text"), and reports its text to <paramref name="sink"/>. The validator reads it when the
    /// status is next asked for (<see cref="ArgumentsStatus"/>).
    /// </summary>
    public void AppendArguments<TSink>(ReadOnlySpan<byte> fragment, bool isJson, AssemblyState state, int item, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (fragment.IsEmpty)
        {
            return;
        }

        state.Charge(fragment.Length);
        if (isJson)
        {
            JsonText.AppendEscaped(ref Arguments, fragment);
        }
        else
        {
            Arguments.Append(fragment);
        }

        if (!sink.IsEnabled)
        {
            return;
        }

        if (isJson || fragment.IndexOf((byte)'\\') < 0)
        {
            sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallArgumentsDelta, item, this, fragment);
            return;
        }

        // Fragments are a few bytes: unescaped on the stack, not in an array rented per fragment.
        byte[]? rented = null;
        Span<byte> target = fragment.Length <= SmallFragment ? stackalloc byte[SmallFragment] : (rented = ArrayPool<byte>.Shared.Rent(fragment.Length));
        sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallArgumentsDelta, item, this, target[..JsonText.Unescape(fragment, target)]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Replaces the arguments with a final value (escaped string content), which is validated anew: a <c>.done</c> value wins over deltas that do not add up.</summary>
    public void ReplaceArguments(ReadOnlySpan<byte> escaped, AssemblyState state)
    {
        state.Charge(escaped.Length);
        Arguments.Set(escaped);
        ArgumentsVersion++; // the view's cached string is keyed by length, which a replacement may keep
        _validator.Dispose();
        _validator = default;
        _validated = 0;
        HasArguments = true;
    }

    /// <summary>
    /// Whether the arguments received so far are valid JSON, a valid prefix, or invalid. The
    /// validator keeps its state between calls and reads only what arrived since it was last asked,
    /// in one pass: each byte is examined once, and a text of many tiny fragments costs what one
    /// string of it costs, not a call per fragment.
    /// </summary>
    public JsonTextStatus ArgumentsStatus
    {
        get
        {
            CatchUp();
            return _validator.Status;
        }
    }

    /// <summary>A best-effort JSON value for arguments still in flight (<paramref name="unescaped"/>: the arguments' text).</summary>
    public string GetArgumentsPreview(ReadOnlySpan<byte> unescaped)
    {
        CatchUp();
        return _validator.GetPreview(unescaped);
    }

    /// <summary>Feeds the validator the arguments that arrived since it last read; they end on a fragment's end, so on a whole escape.</summary>
    private void CatchUp()
    {
        ReadOnlySpan<byte> pending = Arguments.Span[_validated..];
        if (pending.IsEmpty)
        {
            return;
        }

        _validated = Arguments.Length;
        if (pending.IndexOf((byte)'\\') < 0)
        {
            _validator.Feed(pending);
            return;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(pending.Length);
        _validator.Feed(rented.AsSpan(0, JsonText.Unescape(pending, rented)));
        ArrayPool<byte>.Shared.Return(rented);
    }

    public void Dispose()
    {
        Id.Dispose();
        Type.Dispose();
        Name.Dispose();
        Arguments.Dispose();
        _validator.Dispose();
        Extras?.Dispose();
        FunctionExtras?.Dispose();
    }
}

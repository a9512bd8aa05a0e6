using System;
using System.Buffers;
using StreamCore.Buffers;
using StreamCore.Json;

namespace StreamCore.Core;

/// <summary>
/// One tool call, assembled from its fragments: a chat tool call (assembly rules, section 7), a
/// Responses function or custom tool call, an Anthropic tool use. Its arguments are validated as
/// they arrive, so completion needs no re-parse.
/// </summary>
internal sealed class ToolCallState
{
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

    /// <summary>Validates the unescaped arguments as they arrive, so completion needs no re-parse.</summary>
    public IncrementalJsonValidator Validator;

    /// <summary>Other members of the call (last non-null, verbatim); created on first use.</summary>
    public MergedObject? Extras { get; set; }

    /// <summary>Other members of the call's <c>function</c>; created on first use.</summary>
    public MergedObject? FunctionExtras { get; set; }

    /// <summary>The public view of this state, created on first use.</summary>
    public ToolCall? View { get; set; }

    /// <summary>
    /// Appends an arguments fragment, escaped string content as it arrived (or raw JSON when
    /// <paramref name="isJson"/>: "arguments that arrive as a JSON object or array are taken as their
    /// JSON text"), feeds its text to the validator and reports it to <paramref name="sink"/>.
    /// </summary>
    public void AppendArguments<TSink>(ReadOnlySpan<byte> fragment, bool isJson, AssemblyState state, int item, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (fragment.IsEmpty)
        {
            return;
        }

        state.Charge(fragment.Length);
        ReadOnlySpan<byte> text;
        byte[]? rented = null;
        if (isJson)
        {
            JsonText.AppendEscaped(ref Arguments, fragment);
            text = fragment;
        }
        else
        {
            Arguments.Append(fragment);
            if (fragment.IndexOf((byte)'\\') < 0)
            {
                text = fragment;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(fragment.Length);
                text = rented.AsSpan(0, JsonText.Unescape(fragment, rented));
            }
        }

        Validator.Feed(text);
        if (sink.IsEnabled)
        {
            sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallArgumentsDelta, item, this, text);
        }

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
        Validator.Dispose();
        Validator = default;
        HasArguments = true;
        if (escaped.IndexOf((byte)'\\') < 0)
        {
            Validator.Feed(escaped);
            return;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(escaped.Length);
        Validator.Feed(rented.AsSpan(0, JsonText.Unescape(escaped, rented)));
        ArrayPool<byte>.Shared.Return(rented);
    }

    public void Dispose()
    {
        Id.Dispose();
        Type.Dispose();
        Name.Dispose();
        Arguments.Dispose();
        Validator.Dispose();
        Extras?.Dispose();
        FunctionExtras?.Dispose();
    }
}

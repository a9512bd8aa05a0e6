using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using StreamCore.Core;

namespace StreamCore;

/// <summary>
/// The response assembled from a stream of any protocol (or the part received so far), with how
/// the stream ended. Two views of one result: the normalized one (<see cref="Text"/>,
/// <see cref="Reasoning"/>, <see cref="ToolCalls"/>, <see cref="StopKind"/>, <see cref="Usage"/>),
/// named the same for every protocol, and the protocol's own non-streaming JSON
/// (<see cref="WriteTo"/>). Each protocol's result type adds what only it has.
/// </summary>
/// <remarks>
/// A result holds pooled buffers: whoever it was handed to owns it and disposes it to return them
/// (a result never disposed is simply collected). Strings and arrays it returned stay valid after
/// that; the result itself can no longer be read (<see cref="ObjectDisposedException"/>).
/// </remarks>
public abstract class StreamResult : IDisposable
{
    private bool _disposed;
    private long _eventCount;
    private Exception? _transportException;

    private protected StreamResult(AssemblyState state) => State = state;

    /// <summary>The stream's protocol, and the shape of <see cref="WriteTo"/>'s JSON.</summary>
    public abstract StreamProtocol Protocol { get; }

    /// <summary>How the stream ended, or <see cref="StreamStatus.InProgress"/> while it runs.</summary>
    public StreamStatus Status => Live.Status;

    /// <summary>The response's id (first non-empty), or null when none arrived.</summary>
    public abstract string? Id { get; }

    /// <summary>The model (as the stream last named it), or null when none arrived.</summary>
    public abstract string? Model { get; }

    /// <summary>The answer's text: the message content of chat (first choice), Responses and Aitronos; the text blocks of Anthropic. Null when none arrived.</summary>
    public abstract string? Text { get; }

    /// <summary>The refusal text, or null when none arrived.</summary>
    public abstract string? Refusal { get; }

    /// <summary>The reasoning text (reasoning content, summaries, thinking), or null when none arrived.</summary>
    public abstract string? Reasoning { get; }

    /// <summary>
    /// The calls of tools the application runs, in order of first appearance (chat: the first
    /// choice's; Responses: <c>function_call</c> and <c>custom_tool_call</c> items; Anthropic:
    /// <c>tool_use</c> blocks). Tools the provider runs itself are output items, not tool calls.
    /// </summary>
    public abstract IReadOnlyList<ToolCall> ToolCalls { get; }

    /// <summary>The raw stop or finish reason as the provider sent it, or null.</summary>
    public abstract string? StopReason { get; }

    /// <summary>Why the model stopped, with the same names for every protocol; <see cref="StopKind.Error"/> when the provider reported an error.</summary>
    public virtual StopKind StopKind => HasProviderError ? StopKind.Error : StopKindOfReason;

    /// <summary>The token counts of the last usage, or empty when none arrived (Aitronos counts neurons and synapses: see <see cref="UsageJson"/>).</summary>
    public UsageCounts Usage
    {
        get
        {
            ReadOnlySpan<byte> usage = UsageSpan;
            return usage.IsEmpty || !UsageCountsTokens ? default : UsageCounts.Parse(usage);
        }
    }

    /// <summary>The last usage object as UTF-8 JSON, verbatim; empty when none arrived. A copy: the caller may keep it.</summary>
    public ReadOnlyMemory<byte> UsageJson => Copy(UsageSpan);

    /// <summary>Whether the provider reported an error (<see cref="ErrorJson"/>).</summary>
    public bool HasProviderError => Live.HasProviderError;

    /// <summary>The provider's error object as UTF-8 JSON, or empty. A copy: the caller may keep it.</summary>
    public ReadOnlyMemory<byte> ErrorJson => Copy(ErrorSpan);

    /// <summary>The number of events the stream had when it was assembled.</summary>
    public long EventCount
    {
        get
        {
            ThrowIfDisposed();
            return _eventCount;
        }

        internal set => _eventCount = value;
    }

    /// <summary>When the transport failed mid-stream (the status is then incomplete), the exception it raised.</summary>
    public Exception? TransportException
    {
        get
        {
            ThrowIfDisposed();
            return _transportException;
        }

        internal set => _transportException = value;
    }

    /// <summary>When the result was created by the provider, or null when the stream did not say.</summary>
    public virtual DateTimeOffset? CreatedAt => null;

    internal AssemblyState State { get; }

    /// <summary>The state, after checking that the result was not disposed.</summary>
    private protected AssemblyState Live
    {
        get
        {
            ThrowIfDisposed();
            return State;
        }
    }

    /// <summary>The stop kind of <see cref="StopReason"/>, before a provider error is taken into account.</summary>
    private protected abstract StopKind StopKindOfReason { get; }

    /// <summary>The usage object's JSON in the state's buffers, or empty.</summary>
    private protected abstract ReadOnlySpan<byte> UsageSpan { get; }

    /// <summary>Whether the usage object counts tokens, so that <see cref="Usage"/> reads it (Aitronos counts neurons and synapses: its counters stay empty).</summary>
    private protected virtual bool UsageCountsTokens => true;

    /// <summary>The error object's JSON in the state's buffers, or empty.</summary>
    private protected abstract ReadOnlySpan<byte> ErrorSpan { get; }

    /// <summary>Writes the result as the protocol's non-streaming JSON (a chat completion, a Responses <c>response</c>, an Anthropic <c>Message</c>, the Aitronos <c>response</c>).</summary>
    /// <remarks>
    /// On .NET 10, an assembled string or base64 value longer than 16 KiB (text, reasoning, arguments,
    /// audio) is written in segments (members kept verbatim are written as they arrived), and
    /// <paramref name="writer"/> is flushed between them whenever more than 16 KiB are pending, so that a
    /// long answer goes to the writer's output without first filling a buffer of its size.
    /// </remarks>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ThrowIfDisposed();
        WriteJson(writer);
    }

    /// <summary>The result as UTF-8 JSON (<see cref="WriteTo"/>). Allocates the array returned.</summary>
    public byte[] ToJsonUtf8(bool indented = false)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(output, CreateWriterOptions(indented)))
        {
            WriteTo(writer);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>The result as a JSON string (<see cref="WriteTo"/>).</summary>
    public string ToJson(bool indented = false) => Encoding.UTF8.GetString(ToJsonUtf8(indented));

    /// <summary>Options for a <see cref="Utf8JsonWriter"/> that writes results readably: non-ASCII text is not escaped.</summary>
    public static JsonWriterOptions CreateWriterOptions(bool indented = false)
        => new() { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    /// <summary>Returns the pooled buffers. The result cannot be read afterwards; what it returned before stays valid.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            State.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>The exception that reports this result's provider error.</summary>
    internal virtual StreamProviderErrorException CreateProviderError(string errorJson) => new(errorJson, statusCode: null, this);

    /// <summary>The public view of a tool call, created once.</summary>
    internal virtual ToolCall GetView(ToolCallState call) => call.View ??= new ToolCall(call, this);

    /// <summary>Writes the protocol's JSON; the result is known not to be disposed.</summary>
    private protected abstract void WriteJson(Utf8JsonWriter writer);

    private static ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? default : bytes.ToArray();
}

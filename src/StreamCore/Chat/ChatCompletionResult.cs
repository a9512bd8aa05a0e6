using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using StreamCore.Json;

namespace StreamCore.Chat;

/// <summary>
/// The complete response assembled from a chat-completion stream (or the part received so far),
/// with how the stream ended. Holds pooled buffers: dispose it when done to return them (a result
/// that is never disposed is simply collected).
/// </summary>
public sealed class ChatCompletionResult : IDisposable
{
    private readonly CompletionState _state;
    private readonly List<ChatChoice> _choices = [];
    private TextCache _id;
    private TextCache _model;
    private bool _disposed;

    internal ChatCompletionResult(CompletionState state) => _state = state;

    /// <summary>How the stream ended, or <see cref="ChatStreamStatus.InProgress"/> while it runs.</summary>
    public ChatStreamStatus Status => Live.Status;

    /// <summary>The dialect the stream came in; the JSON result is written in it.</summary>
    public ChatDialect Dialect => Live.Dialect;

    /// <summary>The completion's id (first non-empty), or null when none arrived.</summary>
    public string? Id => GetIdentity(MemberNames.Id, ref _id);

    /// <summary>The model (first non-empty), or null when none arrived.</summary>
    public string? Model => GetIdentity(MemberNames.Model, ref _model);

    /// <summary>The creation time in Unix seconds (first non-zero), or null.</summary>
    public long? Created
    {
        get
        {
            MergedMember? created = Live.Top.Find(MemberNames.Created);
            return created is { Kind: MemberKind.Raw } && System.Buffers.Text.Utf8Parser.TryParse(created.Value.Span, out long value, out int used) && used == created.Value.Length
                ? value
                : null;
        }
    }

    /// <summary>The system fingerprint (last non-empty), or null.</summary>
    public string? SystemFingerprint => GetText(MemberNames.SystemFingerprint);

    /// <summary>The service tier (last non-empty), or null.</summary>
    public string? ServiceTier => GetText(MemberNames.ServiceTier);

    /// <summary>The choices in ascending order of index.</summary>
    public IReadOnlyList<ChatChoice> Choices
    {
        get
        {
            ReadOnlySpan<ChoiceState> states = Live.Choices;
            if (_choices.Count != states.Length)
            {
                // Choices may arrive in any order; rebuild the sorted view when one is added.
                _choices.Clear();
                foreach (ChoiceState choice in states)
                {
                    _choices.Add(GetView(choice));
                }
            }

            return _choices;
        }
    }

    /// <summary>The last usage object as raw UTF-8 JSON (verbatim, in the stream's dialect), or empty when none arrived.</summary>
    public ReadOnlyMemory<byte> UsageJson => GetRaw(MemberNames.Usage);

    /// <summary>Whether the provider reported an error (<see cref="ErrorJson"/>).</summary>
    public bool HasProviderError => Live.HasProviderError;

    /// <summary>The provider's error object as raw UTF-8 JSON, or empty.</summary>
    public ReadOnlyMemory<byte> ErrorJson => GetRaw(MemberNames.Error);

    /// <summary>The number of events the stream had when it was assembled.</summary>
    public long EventCount { get; internal set; }

    /// <summary>When the transport failed mid-stream (the status is then incomplete), the exception it raised.</summary>
    public Exception? TransportException { get; internal set; }

    internal CompletionState State => _state;

    private CompletionState Live
    {
        get
        {
            ThrowIfDisposed();
            return _state;
        }
    }

    /// <summary>The raw JSON of a top-level member that has no property of its own (such as <c>citations</c>), or empty.</summary>
    public ReadOnlyMemory<byte> GetMemberJson(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return GetRaw(Encoding.UTF8.GetBytes(name));
    }

    /// <summary>Writes the result as the non-streaming response JSON, in its dialect (assembly rules, section 9).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ChatCompletionWriter.Write(writer, Live);
    }

    /// <summary>The result as UTF-8 JSON. Allocates the array returned.</summary>
    public byte[] ToJsonUtf8(bool indented = false)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(output, CreateWriterOptions(indented)))
        {
            WriteTo(writer);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>The result as a JSON string.</summary>
    public string ToJson(bool indented = false) => Encoding.UTF8.GetString(ToJsonUtf8(indented));

    /// <summary>Options for a <see cref="Utf8JsonWriter"/> that writes results readably: non-ASCII text is not escaped.</summary>
    public static JsonWriterOptions CreateWriterOptions(bool indented = false)
        => new() { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    /// <summary>Returns the pooled buffers. The result cannot be read afterwards.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _state.Dispose();
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    internal ChatChoice GetView(ChoiceState choice) => choice.View ??= new ChatChoice(choice, this);

    internal ChatToolCall GetView(ToolCallState call) => call.View ??= new ChatToolCall(call, this);

    private string? GetIdentity(byte[] name, ref TextCache cache)
    {
        MergedMember? member = Live.Top.Find(name);
        return member is { Kind: MemberKind.Identity } ? cache.Get(member.Value.Span) : null;
    }

    private string? GetText(byte[] name)
    {
        MergedMember? member = Live.Top.Find(name);
        return member is { Kind: MemberKind.Identity } ? JsonText.ToString(member.Value.Span) : null;
    }

    private ReadOnlyMemory<byte> GetRaw(byte[] name)
    {
        MergedMember? member = Live.Top.Find(name);
        return member is { Kind: MemberKind.Raw } ? member.Value.Memory : default;
    }
}

using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using StreamCore.Core;

namespace StreamCore.Aitronos;

/// <summary>
/// The seed's camelCase <c>response</c> object assembled from an Aitronos event stream of any of its
/// three generations (<c>typed-protocols.md</c>, section 3), with the normalized view every protocol
/// shares and what only Aitronos has (<see cref="ThreadId"/>, <see cref="OrganizationId"/>,
/// <see cref="Generation"/>, <see cref="IsCancelled"/>, ...). Holds pooled buffers: whoever it was
/// handed to disposes it to return them.
/// </summary>
/// <remarks>
/// <see cref="StreamResult.Usage"/> stays empty: Aitronos counts neurons and synapses, not tokens;
/// <see cref="StreamResult.UsageJson"/> has its usage object as it came. Aitronos never streams a
/// finish reason: <see cref="StopReason"/> is <c>stop</c> once <c>response.completed</c> arrived, null
/// otherwise (a cancelled, failed or cut stream).
/// </remarks>
public sealed class AitronosResult : StreamResult
{
    /// <summary>The finish reason that <c>response.completed</c> gives.</summary>
    internal const string StopReasonOfCompletion = "stop";

    /// <summary>The message's role when no event named one: the seed's, and what every Aitronos response is.</summary>
    internal const string DefaultRole = "assistant";

    private readonly List<ToolCall> _toolCalls = [];
    private int _toolCallsVersion = -1;
    private TextCache _text;
    private TextCache _reasoning;
    private TextCache _id;
    private TextCache _model;
    private TextCache _threadId;
    private TextCache _organizationId;
    private TextCache _role;

    internal AitronosResult(AitronosState state)
        : base(state)
    {
    }

    /// <inheritdoc/>
    public override StreamProtocol Protocol => StreamProtocol.Aitronos;

    /// <summary>The response's id: <c>response_id</c>, or the <c>id</c> of the oldest generation's <c>response.created</c> (first non-empty); null when none arrived.</summary>
    public override string? Id => GetIdentity(ref Aitronos.Id, ref _id);

    /// <summary>The model, when an event carried a <c>model</c> string (Aitronos does not stream it: usually null).</summary>
    public override string? Model
    {
        get
        {
            AitronosState state = Aitronos;
            ReadOnlySpan<byte> raw = state.Model.Span;
            return raw.Length >= 2 && raw[0] == (byte)'"' ? _model.Get(raw[1..^1], state.ModelVersion) : null;
        }
    }

    /// <summary>The message's content: the content deltas joined, or the full text that replaced them; null when none arrived.</summary>
    public override string? Text
    {
        get
        {
            AitronosState state = Aitronos;
            return state.Content.HasValue ? _text.Get(state.Content.Escaped.Span, state.Content.Version) : null;
        }
    }

    /// <summary>Always null: Aitronos streams no refusal.</summary>
    public override string? Refusal
    {
        get
        {
            _ = Aitronos;
            return null;
        }
    }

    /// <summary>The reasoning text: <c>response.reasoning.delta</c> or <c>reasoning.content</c> joined, or the <c>reasoning_content</c> that replaced them; null when none arrived.</summary>
    public override string? Reasoning
    {
        get
        {
            AitronosState state = Aitronos;
            return state.Reasoning.HasValue ? _reasoning.Get(state.Reasoning.Escaped.Span, state.Reasoning.Version) : null;
        }
    }

    /// <summary>
    /// The <c>tool_call</c> blocks, in arrival order, or as the last <c>response_blocks</c> listed them:
    /// the block's <c>id</c> (null when it has none, as every documented block), type <c>function</c>,
    /// <c>tool_name</c>, and <c>arguments</c> (else <c>tool_arguments</c>) as JSON text: a JSON value
    /// as its text verbatim, a string as the text it holds, empty when neither came. Each arrives
    /// whole and complete. Aitronos runs these tools itself; they are the calls the response made.
    /// </summary>
    public override IReadOnlyList<ToolCall> ToolCalls
    {
        get
        {
            AitronosState state = Aitronos;
            if (_toolCallsVersion != state.ToolCallsVersion)
            {
                _toolCalls.Clear();
                foreach (ToolCallState call in state.ToolCalls)
                {
                    _toolCalls.Add(GetView(call));
                }

                _toolCallsVersion = state.ToolCallsVersion;
            }

            return _toolCalls;
        }
    }

    /// <summary><c>stop</c> once <c>response.completed</c> arrived (the response's <c>finishReason</c>); null otherwise.</summary>
    public override string? StopReason => Aitronos.CompletedSeen ? StopReasonOfCompletion : null;

    /// <summary>The thread the response belongs to (<c>thread_id</c>, first non-empty), or null.</summary>
    public string? ThreadId => GetIdentity(ref Aitronos.ThreadId, ref _threadId);

    /// <summary>The organization (<c>org_id</c>, first non-empty; only the current generation sends it), or null.</summary>
    public string? OrganizationId => GetIdentity(ref Aitronos.OrganizationId, ref _organizationId);

    /// <summary>The message's role: the <c>role</c> of the oldest generation's <c>response.output_item.added</c> item when one came, else <c>assistant</c>.</summary>
    public string Role => GetIdentity(ref Aitronos.Role, ref _role) ?? DefaultRole;

    /// <summary>Which documented generation of the stream this was, told from its events (<see cref="AitronosGeneration"/>).</summary>
    public AitronosGeneration Generation
    {
        get
        {
            GenerationMarks marks = Aitronos.Generations;
            return (marks & GenerationMarks.Current) != 0 ? AitronosGeneration.Current
                : (marks & GenerationMarks.Previous) != 0 ? AitronosGeneration.Previous
                : (marks & GenerationMarks.Oldest) != 0 ? AitronosGeneration.Oldest
                : (marks & GenerationMarks.Typed) != 0 ? AitronosGeneration.Current
                : AitronosGeneration.Unknown;
        }
    }

    /// <summary>Whether the user stopped generation (<c>response.cancelled</c>): the status is then <see cref="StreamStatus.Incomplete"/>.</summary>
    public bool IsCancelled => Aitronos.Cancelled;

    /// <summary>The <c>partial_content_length</c> of <c>response.cancelled</c> (the length of the partial answer the server kept), or null.</summary>
    public long? PartialContentLength => GetInteger("partial_content_length"u8);

    /// <summary>The <c>createdAt</c> that an event carried, in Unix seconds, or null (Aitronos does not stream it).</summary>
    public long? CreatedAtSeconds
    {
        get
        {
            ReadOnlySpan<byte> raw = Aitronos.CreatedAt.Span;
            return System.Buffers.Text.Utf8Parser.TryParse(raw, out long value, out int used) && used == raw.Length && used > 0 ? value : null;
        }
    }

    /// <summary>The creation time (<see cref="CreatedAtSeconds"/>), or null.</summary>
    public override DateTimeOffset? CreatedAt => CreatedAtSeconds is long seconds && seconds is >= -62_135_596_800 and <= 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>
    /// The raw JSON of a member kept among "anything else" (<c>user_id</c>, <c>trace_id</c>,
    /// <c>is_summarized</c>, <c>assistant_id</c>, <c>tools</c>, <c>response_blocks</c>,
    /// <c>partial_content_length</c>, <c>error</c>, ...), by its name as it arrived; empty when none
    /// arrived. A copy: the caller may keep it.
    /// </summary>
    public ReadOnlyMemory<byte> GetMemberJson(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        MergedMember? member = Aitronos.Extras.Find(Encoding.UTF8.GetBytes(name));
        return member is { Kind: MemberKind.Raw } ? member.Value.Span.ToArray() : default;
    }

    private protected override StopKind StopKindOfReason => Aitronos.CompletedSeen ? StopKind.Stop : StopKind.None;

    private protected override ReadOnlySpan<byte> UsageSpan => Aitronos.Usage.Span;

    // "Aitronos counts neurons and synapses, not tokens: its counters stay empty and its usage object is kept as it came."
    private protected override bool UsageCountsTokens => false;

    private protected override ReadOnlySpan<byte> ErrorSpan
    {
        get
        {
            MergedMember? error = Aitronos.Extras.Find(MemberNames.Error);
            return error is { Kind: MemberKind.Raw } ? error.Value.Span : default;
        }
    }

    private AitronosState Aitronos => (AitronosState)Live;

    private protected override void WriteJson(Utf8JsonWriter writer) => AitronosResponseWriter.Write(writer, Aitronos);

    private static string? GetIdentity(ref IdentityValue value, ref TextCache cache)
        => value.HasValue ? cache.Get(value.Value.Span, value.IsRaw ? 1 : 0) : null;

    private long? GetInteger(ReadOnlySpan<byte> name)
    {
        MergedMember? member = Aitronos.Extras.Find(name);
        if (member is not { Kind: MemberKind.Raw })
        {
            return null;
        }

        ReadOnlySpan<byte> raw = member.Value.Span;
        return System.Buffers.Text.Utf8Parser.TryParse(raw, out long value, out int used) && used == raw.Length ? value : null;
    }
}

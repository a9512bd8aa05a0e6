using System;
using System.Collections.Generic;
using StreamCore.Buffers;
using StreamCore.Core;

namespace StreamCore.Aitronos;

/// <summary>Everything assembled from one Aitronos stream so far. Owns pooled buffers until disposed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The result owns the state and disposes it; the state only points back to its view.")]
internal sealed class AitronosState : AssemblyState
{
    private readonly AitronosResult _result;
    private List<ToolCallState>? _retired;

    public AitronosState(StreamOptions options)
        : base(options)
        => _result = new AitronosResult(this);

    public override AitronosResult Result => _result;

    /// <summary><c>choices[0].message.content</c>: the content deltas joined, or the full text that replaced them.</summary>
    public AssembledText Content;

    /// <summary><c>choices[0].message.reasoningContent</c>: the reasoning deltas joined, or the <c>reasoning_content</c> that replaced them.</summary>
    public AssembledText Reasoning;

    /// <summary><c>id</c>: <c>response_id</c>, or the <c>id</c> of <c>response.created</c> (first non-empty).</summary>
    public IdentityValue Id;

    /// <summary><c>threadId</c>: <c>thread_id</c> (first non-empty).</summary>
    public IdentityValue ThreadId;

    /// <summary><c>organizationId</c>: <c>org_id</c> (first non-empty).</summary>
    public IdentityValue OrganizationId;

    /// <summary><c>choices[0].message.role</c>: the <c>role</c> of a <c>response.output_item.added</c> item (first non-empty); "assistant" when none came.</summary>
    public IdentityValue Role;

    /// <summary>The raw JSON of the last non-null <c>model</c>, <c>createdAt</c> and <c>usage</c>; empty when none arrived.</summary>
    public PooledByteBuffer Model;

    /// <summary>Changes whenever <see cref="Model"/> does (it is the last value, not the first), so that the cached string is rebuilt.</summary>
    public int ModelVersion { get; set; }

    public PooledByteBuffer CreatedAt;

    public PooledByteBuffer Usage;

    /// <summary>"anything else", and <c>error</c>: top-level members in order of first appearance, each its last non-null value, verbatim.</summary>
    public MergedObject Extras { get; } = new(capacity: 8);

    /// <summary>The tool calls, in arrival order (or as the last <c>response_blocks</c> listed them).</summary>
    public List<ToolCallState> ToolCalls { get; } = [];

    /// <summary>Changes whenever <see cref="ToolCalls"/> does, so that views are rebuilt.</summary>
    public int ToolCallsVersion { get; set; }

    /// <summary>Whether <c>response.completed</c> arrived: the finish reason is <c>stop</c>, and input that ends now completes the stream.</summary>
    public bool CompletedSeen { get; set; }

    /// <summary>Whether <c>data: [DONE]</c> arrived.</summary>
    public bool DoneSeen { get; set; }

    /// <summary>Whether <c>response.cancelled</c> arrived (the user stopped generation).</summary>
    public bool Cancelled { get; set; }

    /// <summary>The generations the stream's events showed.</summary>
    public GenerationMarks Generations { get; set; }

    /// <summary>Room for short-lived bytes: an error built from a message, an event name to look up.</summary>
    public PooledByteBuffer Scratch;

    /// <summary>Keeps a call that a <c>response_blocks</c> list replaced: a consumer may still hold its view.</summary>
    public void Retire(ToolCallState call) => (_retired ??= []).Add(call);

    public override void Dispose()
    {
        Content.Dispose();
        Reasoning.Dispose();
        Id.Dispose();
        ThreadId.Dispose();
        OrganizationId.Dispose();
        Role.Dispose();
        Model.Dispose();
        CreatedAt.Dispose();
        Usage.Dispose();
        Extras.Dispose();
        foreach (ToolCallState call in ToolCalls)
        {
            call.Dispose();
        }

        ToolCalls.Clear();
        foreach (ToolCallState call in _retired ?? [])
        {
            call.Dispose();
        }

        _retired = null;
        Scratch.Dispose();
    }
}

/// <summary>A text assembled from deltas that a full value may replace: escaped content as it arrived.</summary>
internal struct AssembledText
{
    /// <summary>Escaped JSON string content.</summary>
    public PooledByteBuffer Escaped;

    /// <summary>Whether any delta or full value arrived (an empty one included).</summary>
    public bool HasValue;

    /// <summary>Changes when a full value replaces the text instead of extending it, so that cached strings are rebuilt.</summary>
    public int Version;

    public void Dispose() => Escaped.Dispose();
}

/// <summary>A value that keeps the first non-empty string that arrived (escaped), or, until one does, the first other non-null value as raw JSON.</summary>
internal struct IdentityValue
{
    public PooledByteBuffer Value;

    /// <summary>Whether <see cref="Value"/> is raw JSON rather than escaped string content.</summary>
    public bool IsRaw;

    /// <summary>Whether anything non-null arrived (an empty string included).</summary>
    public bool HasValue;

    /// <summary>Offers a value: a non-empty string replaces nothing but nothing, an empty string, or a raw value.</summary>
    public void Offer(EventValue value, AssemblyState state)
    {
        if (!value.HasValue)
        {
            return;
        }

        if (value.IsString)
        {
            ReadOnlySpan<byte> text = value.Escaped;
            if (!HasValue || IsRaw || (Value.IsEmpty && !text.IsEmpty))
            {
                state.Charge(Math.Max(0, text.Length - Value.Length));
                Value.Set(text);
                IsRaw = false;
                HasValue = true;
            }

            return;
        }

        if (!HasValue)
        {
            state.Charge(value.Raw.Length);
            Value.Set(value.Raw);
            IsRaw = true;
            HasValue = true;
        }
    }

    public void Dispose() => Value.Dispose();
}

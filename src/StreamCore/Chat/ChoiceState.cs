using System;
using StreamCore.Core;
using System.Collections.Generic;
using StreamCore.Buffers;

namespace StreamCore.Chat;

/// <summary>One choice, assembled from every chunk that addressed its index (assembly rules, sections 5 and 6).</summary>
internal sealed class ChoiceState
{
    public ChoiceState(int index) => Index = index;

    public int Index { get; }

    /// <summary>The message: role, content, refusal and every other delta member, in order of first appearance.</summary>
    public MergedObject Message { get; } = new();

    public List<ToolCallState> ToolCalls { get; } = [];

    /// <summary>The legacy <c>function_call</c>, assembled as a tool call, or null when none arrived.</summary>
    public ToolCallState? FunctionCall { get; set; }

    // "the call most recently given that index" (section 7, rule 3), one entry per peer index seen.
    // Created with the first tool call: most choices have none.
    private List<(int Index, ToolCallState Call)>? _callsByPeerIndex;

    /// <summary>The last non-null, non-empty finish reason (escaped), when <see cref="HasFinishReason"/>.</summary>
    public PooledByteBuffer FinishReason;

    public bool HasFinishReason { get; set; }

    /// <summary>How many times the finish reason changed (the version of its cached string).</summary>
    public int FinishReasonVersion { get; set; }

    /// <summary>How many times cumulative content replaced the content (the version of its cached string).</summary>
    public int ContentVersion { get; set; }

    /// <summary>Whether a non-null <c>logprobs</c> object arrived.</summary>
    public bool HasLogprobs { get; set; }

    // The entries of logprobs.content and logprobs.refusal, comma-joined raw JSON.
    public PooledByteBuffer LogprobsContent;
    public PooledByteBuffer LogprobsRefusal;

    public bool HasLogprobsContent { get; set; }

    public bool HasLogprobsRefusal { get; set; }

    /// <summary>Other members of <c>logprobs</c>; created on first use.</summary>
    public MergedObject? LogprobsExtras { get; set; }

    /// <summary>Other members of the choice (last non-null, verbatim), created on first use.</summary>
    public MergedObject Extras => ExtrasIfAny ??= new MergedObject();

    /// <summary>The other members of the choice, or null when none arrived.</summary>
    public MergedObject? ExtrasIfAny { get; private set; }

    public ToolCallState? FindToolCallById(ReadOnlySpan<byte> id)
    {
        foreach (ToolCallState call in ToolCalls)
        {
            if (id.SequenceEqual(call.Id.Span))
            {
                return call;
            }
        }

        return null;
    }

    /// <summary>The call most recently given peer index <paramref name="index"/>, or null.</summary>
    public ToolCallState? FindToolCallByPeerIndex(int index)
    {
        if (_callsByPeerIndex is null)
        {
            return null;
        }

        foreach ((int given, ToolCallState call) in _callsByPeerIndex)
        {
            if (given == index)
            {
                return call;
            }
        }

        return null;
    }

    /// <summary>Records that a fragment gave <paramref name="index"/> to <paramref name="call"/>.</summary>
    public void GivePeerIndex(int index, ToolCallState call)
    {
        // Kept per index rather than per call: a call re-addressed by its id under another index
        // becomes that index's most recent call, and stays the most recent call of its first index.
        _callsByPeerIndex ??= [];
        for (int i = 0; i < _callsByPeerIndex.Count; i++)
        {
            if (_callsByPeerIndex[i].Index == index)
            {
                _callsByPeerIndex[i] = (index, call);
                return;
            }
        }

        _callsByPeerIndex.Add((index, call));
    }

    /// <summary>The bytes around this choice's changing parts when it last came alone in a chunk (a mutable struct: a field).</summary>
    public ChoiceEnvelope Envelope;

    /// <summary>The public view of this state, created on first use.</summary>
    public ChatChoice? View { get; set; }

    public void Dispose()
    {
        Message.Dispose();
        foreach (ToolCallState call in ToolCalls)
        {
            call.Dispose();
        }

        FunctionCall?.Dispose();

        FinishReason.Dispose();
        LogprobsContent.Dispose();
        LogprobsRefusal.Dispose();
        LogprobsExtras?.Dispose();
        ExtrasIfAny?.Dispose();
        Envelope.Dispose();
    }
}

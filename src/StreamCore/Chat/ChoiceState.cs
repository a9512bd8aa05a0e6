using System;
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

    /// <summary>The last non-null, non-empty finish reason (escaped), when <see cref="HasFinishReason"/>.</summary>
    public PooledByteBuffer FinishReason;

    public bool HasFinishReason { get; set; }

    /// <summary>Whether a non-null <c>logprobs</c> object arrived.</summary>
    public bool HasLogprobs { get; set; }

    // The entries of logprobs.content and logprobs.refusal, comma-joined raw JSON.
    public PooledByteBuffer LogprobsContent;
    public PooledByteBuffer LogprobsRefusal;

    public bool HasLogprobsContent { get; set; }

    public bool HasLogprobsRefusal { get; set; }

    /// <summary>Other members of <c>logprobs</c>; created on first use.</summary>
    public MergedObject? LogprobsExtras { get; set; }

    /// <summary>Other members of the choice (last non-null, verbatim).</summary>
    public MergedObject Extras { get; } = new();

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

    public ToolCallState? FindToolCallByPeerIndex(long index)
    {
        // "the call most recently given that index": search from the newest.
        for (int i = ToolCalls.Count - 1; i >= 0; i--)
        {
            if (ToolCalls[i].PeerIndex == index)
            {
                return ToolCalls[i];
            }
        }

        return null;
    }

    /// <summary>The public view of this state, created on first use.</summary>
    public ChatChoice? View { get; set; }

    public void Dispose()
    {
        Message.Dispose();
        foreach (ToolCallState call in ToolCalls)
        {
            call.Dispose();
        }

        FinishReason.Dispose();
        LogprobsContent.Dispose();
        LogprobsRefusal.Dispose();
        LogprobsExtras?.Dispose();
        Extras.Dispose();
    }
}

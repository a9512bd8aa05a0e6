using System;
using System.Collections.Generic;
using System.Diagnostics;
using StreamCore.Buffers;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore.Anthropic;

/// <summary>Everything assembled from one Anthropic stream so far. Owns pooled buffers until disposed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The result owns the state and disposes it; the state only points back to its view.")]
internal sealed class AnthropicState : AssemblyState
{
    private readonly AnthropicMessageResult _result;
    private readonly List<AnthropicBlock> _blocks = [];
    private readonly List<ToolCallState> _toolCalls = [];
    private PooledByteBuffer _usageJson;
    private int _usageRevision = -1;

    public AnthropicState(StreamOptions options)
        : base(options)
        => _result = new AnthropicMessageResult(this);

    public override AnthropicMessageResult Result => _result;

    /// <summary>The message's members (rule 1: <c>message</c>'s members verbatim, then what <c>message_delta</c> and <c>error</c> set), but <c>content</c>, which is <see cref="Blocks"/>.</summary>
    public MergedObject Message { get; } = new(capacity: 10);

    /// <summary>Whether a <c>message_start</c> set the message (a second one only repeats it, or is spliced).</summary>
    public bool HasMessageStart { get; set; }

    /// <summary>The content blocks in ascending order of index.</summary>
    public ReadOnlySpan<AnthropicBlock> Blocks => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_blocks);

    /// <summary>The <c>tool_use</c> blocks' calls, in order of first appearance.</summary>
    public List<ToolCallState> ToolCalls => _toolCalls;

    /// <summary>The bytes the next string delta of a block may repeat (see <see cref="Anthropic.RepeatedDelta"/>).</summary>
    public RepeatedDelta RepeatedDelta;

    /// <summary>Whether a refusal's explanation was announced (a later one replaces it).</summary>
    public bool RefusalAnnounced { get; set; }

    /// <summary>Counts the changes to the message, so that views rebuild their strings only after one.</summary>
    public int Revision { get; set; }

    /// <summary>The block at <paramref name="index"/>, or null.</summary>
    public AnthropicBlock? FindBlock(int index)
    {
        int position = Search(index);
        return position >= 0 ? _blocks[position] : null;
    }

    /// <summary>The block at <paramref name="index"/>, created (without a seed) when there is none.</summary>
    public AnthropicBlock GetBlock(int index, out bool created)
    {
        // Blocks are few and kept sorted; the peer's index never sizes anything (section 0).
        int position = Search(index);
        if (position >= 0)
        {
            created = false;
            return _blocks[position];
        }

        if (_blocks.Count >= Options.MaxContentBlocks)
        {
            throw new MalformedEventException($"the message addressed more than {Options.MaxContentBlocks} content blocks (MaxContentBlocks); block index {index} is one too many");
        }

        var block = new AnthropicBlock(index);
        _blocks.Insert(~position, block);
        created = true;
        return block;
    }

    /// <summary>The usage as laid over (rule 5), as JSON; rebuilt only after it changed.</summary>
    public ReadOnlySpan<byte> GetUsageJson()
    {
        MergedMember? usage = Message.Find(MemberNames.Usage);
        if (usage is null or { Kind: MemberKind.Null })
        {
            return default;
        }

        if (usage.Kind == MemberKind.Raw)
        {
            return usage.Value.Span;
        }

        if (_usageRevision != Revision)
        {
            Debug.Assert(usage.Kind == MemberKind.Object, "usage is verbatim JSON or laid over member by member");
            MemberWriter.WriteValue(ScratchJsonWriter.Begin(), usage);
            _usageJson.Set(ScratchJsonWriter.End());
            _usageRevision = Revision;
        }

        return _usageJson.Span;
    }

    public override void Dispose()
    {
        Message.Dispose();
        foreach (AnthropicBlock block in _blocks)
        {
            block.Dispose();
        }

        _blocks.Clear();
        _toolCalls.Clear();
        _usageJson.Dispose();
        RepeatedDelta.Dispose();
    }

    /// <summary>Rule 4 for every block still open once malformed input ended the stream (no updates: the exception reports it).</summary>
    protected override void CloseOpenParts()
    {
        var none = default(NoUpdates);
        foreach (AnthropicBlock block in _blocks)
        {
            if (!block.Closed)
            {
                AnthropicBlockRules.Close(this, block, ref none);
            }
        }
    }

    private int Search(int index)
    {
        int high = _blocks.Count - 1;
        if (high >= 0 && _blocks[high].Index == index)
        {
            return high; // deltas address the last block started
        }

        int low = 0;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            int found = _blocks[middle].Index;
            if (found == index)
            {
                return middle;
            }

            if (found < index)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}

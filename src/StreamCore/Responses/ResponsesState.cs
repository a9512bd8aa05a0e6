using System;
using System.Collections.Generic;
using StreamCore.Buffers;
using StreamCore.Core;

namespace StreamCore.Responses;

/// <summary>Everything assembled from one Responses stream so far. Owns pooled buffers until disposed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The result owns the state and disposes it; the state only points back to its view.")]
internal sealed class ResponsesState : AssemblyState
{
    private readonly ResponsesResult _result;
    private readonly (string? Name, ResponsesEventKind Kind)[] _recentNames = new (string?, ResponsesEventKind)[8];
    private int _nextRecentName;

    public ResponsesState(StreamOptions options)
        : base(options)
    {
        _result = new ResponsesResult(this);
        Scratch = new SliceScratch(options);
    }

    public override ResponsesResult Result => _result;

    /// <summary>The output items, sorted by <c>output_index</c>.</summary>
    public IndexedList<OutputItemState> Items { get; } = new();

    /// <summary>The calls of tools the application runs, in order of first appearance.</summary>
    public List<ToolCallState> ToolCalls { get; } = [];

    /// <summary>The last lifecycle or terminal <c>response</c> object, verbatim (rules 1, 9, 12); empty before any.</summary>
    public PooledByteBuffer Envelope;

    /// <summary>Where the members the view and the writer need lie in <see cref="Envelope"/>.</summary>
    public EnvelopeSlices EnvelopeMembers;

    public bool HasEnvelope => EnvelopeMembers.Raw.IsPresent;

    /// <summary>The terminal event that ended the stream (<see cref="ResponsesEventKind.Completed"/>, <c>Incomplete</c>, <c>Failed</c>), or <see cref="ResponsesEventKind.Unknown"/>.</summary>
    public ResponsesEventKind Terminal { get; set; }

    /// <summary>Rule 9: whether the terminal <c>output</c> is the output (an array with at least as many items as were streamed).</summary>
    public bool TerminalOutputUsed { get; set; }

    /// <summary>The error an <c>error</c> event carried (the first one), verbatim; empty when none came.</summary>
    public PooledByteBuffer ProviderError;

    /// <summary>Rule 13: the highest <c>sequence_number</c> seen, when <see cref="HasSequenceNumber"/>.</summary>
    public long LastSequenceNumber { get; private set; }

    public bool HasSequenceNumber { get; private set; }

    /// <summary>How many times a <c>sequence_number</c> skipped ahead of the one expected.</summary>
    public int SequenceGaps { get; private set; }

    /// <summary>How many times a <c>sequence_number</c> was not above the highest one seen.</summary>
    public int SequenceRepeats { get; private set; }

    /// <summary>Counts changes to the assembled output, so that views rebuild strings only after one.</summary>
    public long Version { get; set; }

    /// <summary>The SSE event name of the event being read.</summary>
    public string EventType { get; set; } = string.Empty;

    /// <summary>The last delta event read in full, which the next ones of its run may repeat.</summary>
    public DeltaTemplate Template { get; } = new();

    /// <summary>The part of an event read on after an output array that was compared, not read (<see cref="TerminalOutput"/>).</summary>
    public PooledByteBuffer Tail;

    /// <summary>Room for one event's slices.</summary>
    public SliceScratch Scratch { get; }

    /// <summary>Parts a final value dropped, reused.</summary>
    public List<OutputPartState> RemovedParts { get; } = [];

    /// <summary>
    /// The kind of an event named by its SSE <c>event:</c> line. The event layer hands out one shared
    /// string per well-known name, so the names seen lately are remembered by reference.
    /// </summary>
    public ResponsesEventKind ClassifyEventName(string name)
    {
        for (int i = 0; i < _recentNames.Length; i++)
        {
            if (ReferenceEquals(_recentNames[i].Name, name))
            {
                return _recentNames[i].Kind;
            }
        }

        ResponsesEventKind kind = ResponsesEventNames.Classify(name);
        _recentNames[_nextRecentName] = (name, kind);
        _nextRecentName = (_nextRecentName + 1) % _recentNames.Length;
        return kind;
    }

    /// <summary>Rule 13: "<c>sequence_number</c> gaps and repeats are reported (diagnostics), never fatal, never used to reorder."</summary>
    public void NoteSequenceNumber(long number)
    {
        if (HasSequenceNumber)
        {
            if (number <= LastSequenceNumber)
            {
                SequenceRepeats++;
                return;
            }

            if (number != LastSequenceNumber + 1)
            {
                SequenceGaps++;
            }
        }

        HasSequenceNumber = true;
        LastSequenceNumber = number;
    }

    /// <summary>Rules 1 and 9: the envelope becomes the event's <c>response</c> object, verbatim.</summary>
    public void SetEnvelope(ReadOnlySpan<byte> data, in EnvelopeSlices response)
    {
        Envelope.Set(response.Raw.Of(data));
        EnvelopeMembers = response.RelativeToRaw();
        Version++;
    }

    public override void Dispose()
    {
        foreach (OutputItemState item in Items.Entries)
        {
            item.Dispose();
        }

        Items.Clear();
        ToolCalls.Clear();
        Envelope.Dispose();
        ProviderError.Dispose();
        Template.Forget();
        Template.Dispose();
        Tail.Dispose();
    }

    /// <summary>Tool calls get no more fragments once the stream failed.</summary>
    protected override void CloseOpenParts()
    {
        foreach (OutputItemState item in Items.Entries)
        {
            if (item.Call is not null)
            {
                item.Call.Completed = true;
            }
        }
    }
}

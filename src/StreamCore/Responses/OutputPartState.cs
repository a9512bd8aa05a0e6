using System;
using System.Collections.Generic;
using StreamCore.Buffers;

namespace StreamCore.Responses;

/// <summary>What a part's text is, for the normalized view and the updates.</summary>
internal enum PartKind : byte
{
    /// <summary>A type no rule names: kept, not part of the normalized view.</summary>
    Other,

    /// <summary><c>output_text</c>: the answer.</summary>
    OutputText,

    /// <summary><c>refusal</c>: its text is the <c>refusal</c> member.</summary>
    Refusal,

    /// <summary><c>reasoning_text</c> (a reasoning item's content).</summary>
    ReasoningText,

    /// <summary><c>summary_text</c> (a reasoning item's summary).</summary>
    SummaryText,
}

/// <summary>
/// One content or summary part of an output item: its seed (the JSON it arrived with, from
/// <c>*_part.added</c> or <c>*_part.done</c>), and what the events assembled into it: text,
/// annotations by <c>annotation_index</c>, logprob entries.
/// </summary>
internal sealed class OutputPartState(int index) : IIndexed
{
    public int Index { get; } = index;

    public PartKind Kind { get; private set; }

    /// <summary>The part's <c>type</c>, escaped as it arrived (or named by the event that opened it).</summary>
    public PooledByteBuffer Type;

    /// <summary>The part's JSON as it last arrived whole; empty when events opened it.</summary>
    public PooledByteBuffer Seed;

    /// <summary>Whether <see cref="Seed"/> is an object (a part that is not one is written as it came).</summary>
    public bool SeedIsObject { get; set; }

    /// <summary>Whether the seed says everything the part holds: it is then written verbatim.</summary>
    public bool Unchanged { get; set; }

    /// <summary>The text (<c>text</c>, or <c>refusal</c> for a refusal part): escaped string content.</summary>
    public PooledByteBuffer Text;

    public bool HasText { get; set; }

    /// <summary>The annotations by <c>annotation_index</c>, once any arrived or the seed had the array.</summary>
    public IndexedList<AnnotationState>? Annotations { get; set; }

    /// <summary>The logprob entries, comma-joined raw JSON, when <see cref="HasLogprobs"/>.</summary>
    public PooledByteBuffer Logprobs;

    public bool HasLogprobs { get; set; }

    /// <summary>The name of the member that holds the part's text.</summary>
    public ReadOnlySpan<byte> TextMember => Kind == PartKind.Refusal ? "refusal"u8 : "text"u8;

    /// <summary>Whether nothing was assembled into the part yet.</summary>
    public bool IsPristine => !HasText && Annotations is null && !HasLogprobs && Seed.IsEmpty;

    /// <summary>Sets the type (first non-empty: a part's type does not change).</summary>
    public void SetType(ReadOnlySpan<byte> type)
    {
        if (Type.IsEmpty && !type.IsEmpty)
        {
            Type.Set(type);
            Kind = KindOf(type);
        }
    }

    public static PartKind KindOf(ReadOnlySpan<byte> type) => type switch
    {
        _ when type.SequenceEqual("output_text"u8) => PartKind.OutputText,
        _ when type.SequenceEqual("refusal"u8) => PartKind.Refusal,
        _ when type.SequenceEqual("reasoning_text"u8) => PartKind.ReasoningText,
        _ when type.SequenceEqual("summary_text"u8) => PartKind.SummaryText,
        _ => PartKind.Other,
    };

    /// <summary>The update kind of this part's text, or null when its text is not announced.</summary>
    public StreamUpdateKind? UpdateKind => Kind switch
    {
        PartKind.OutputText => StreamUpdateKind.ContentDelta,
        PartKind.Refusal => StreamUpdateKind.RefusalDelta,
        PartKind.ReasoningText or PartKind.SummaryText => StreamUpdateKind.ReasoningDelta,
        _ => null,
    };

    public void Dispose()
    {
        Type.Dispose();
        Seed.Dispose();
        Text.Dispose();
        Logprobs.Dispose();
        if (Annotations is not null)
        {
            foreach (AnnotationState annotation in Annotations.Entries)
            {
                annotation.Json.Dispose();
            }
        }
    }
}

/// <summary>An annotation of a part, at its <c>annotation_index</c>: the JSON as it arrived.</summary>
internal sealed class AnnotationState(int index) : IIndexed
{
    public int Index { get; } = index;

    public PooledByteBuffer Json;
}

/// <summary>The parts of one list of an item (<c>content</c> or <c>summary</c>).</summary>
internal sealed class PartList
{
    private readonly IndexedList<OutputPartState> _parts = new();

    public int Count => _parts.Count;

    public ReadOnlySpan<OutputPartState> Parts => _parts.Entries;

    public OutputPartState? Find(int index) => _parts.Find(index);

    public void Add(OutputPartState part) => _parts.Add(part);

    /// <summary>Removes the parts from <paramref name="index"/> on (a final value that has fewer).</summary>
    public void RemoveFrom(int index, List<OutputPartState> removed) => _parts.RemoveFrom(index, removed);

    public void Dispose()
    {
        foreach (OutputPartState part in _parts.Entries)
        {
            part.Dispose();
        }

        _parts.Clear();
    }
}

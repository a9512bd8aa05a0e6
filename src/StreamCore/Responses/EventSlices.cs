using System;

namespace StreamCore.Responses;

/// <summary>Where a value lies in an event's data (or in a copy of part of it): start and length, or none (the default).</summary>
internal readonly struct Slice(int start, int length)
{
    // The start plus one, so that the default value is "none" and a struct of slices needs no initializing.
    private readonly int _startPlusOne = start + 1;

    public static Slice None => default;

    public int Start => _startPlusOne - 1;

    public int Length { get; } = length;

    public bool IsPresent => _startPlusOne > 0;

    public int End => Start + Length;

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> data) => Start < 0 ? default : data.Slice(Start, Length);

    /// <summary>The same place in a copy of the bytes from <paramref name="origin"/> on.</summary>
    public Slice RelativeTo(int origin) => Start < 0 ? None : new Slice(Start - origin, Length);
}

/// <summary>What an event carries, as slices of its data: recorded by one pass of <see cref="EventReader"/>, then acted on.</summary>
internal struct EventFields
{
    public Slice Type;
    public long SequenceNumber;
    public bool HasSequenceNumber;

    /// <summary>Where the <c>sequence_number</c> token lies, and the <c>obfuscation</c> padding's content: the holes of a <see cref="DeltaTemplate"/>.</summary>
    public Slice SequenceToken;
    public Slice Obfuscation;
    public int OutputIndex;
    public int ContentIndex;
    public int SummaryIndex;
    public int AnnotationIndex;

    // Escaped string contents.
    public Slice ItemId;
    public Slice Delta;
    public Slice Text;
    public Slice Refusal;
    public Slice Arguments;
    public Slice Input;
    public Slice Code;
    public Slice Name;
    public Slice AitronosEvent;

    // Raw JSON values.
    public Slice Annotation;
    public Slice Error;

    /// <summary>The content of the <c>logprobs</c> array (between its brackets), when it is an array.</summary>
    public Slice Logprobs;

    public bool HasItem;
    public ItemSlices Item;
    public bool HasPart;
    public PartSlices Part;
    public bool HasResponse;
    public EnvelopeSlices Response;

    /// <summary>Fields with nothing recorded: every slice none, every index absent.</summary>
    public static void Init(out EventFields fields)
    {
        fields = default;
        fields.OutputIndex = -1;
        fields.ContentIndex = -1;
        fields.SummaryIndex = -1;
        fields.AnnotationIndex = -1;
    }
}

/// <summary>An output item's JSON, as slices: the members the rules name, the rest kept in <see cref="Raw"/>.</summary>
internal struct ItemSlices
{
    public Slice Raw;
    public Slice Type;
    public Slice CallId;
    public Slice Name;
    public Slice Arguments;
    public Slice Input;
    public Slice Code;
    public bool HasContent;
    public int ContentFirst;
    public int ContentCount;
    public bool HasSummary;
    public int SummaryFirst;
    public int SummaryCount;
}

/// <summary>A content or summary part's JSON, as slices.</summary>
internal struct PartSlices
{
    public Slice Raw;
    public bool IsObject;
    public Slice Type;
    public Slice Text;
    public Slice Refusal;
    public bool HasAnnotations;
    public int AnnotationsFirst;
    public int AnnotationsCount;

    /// <summary>The content of the <c>logprobs</c> array (between its brackets), when it is an array.</summary>
    public Slice Logprobs;
}

/// <summary>A <c>response</c> object, as slices of the members the normalized view and the writer need.</summary>
internal struct EnvelopeSlices
{
    public Slice Raw;
    public Slice Id;
    public Slice Model;
    public Slice Status;
    public Slice Usage;
    public Slice Error;
    public Slice IncompleteDetails;
    public bool OutputIsArray;

    /// <summary>Whether the output array was the items' final JSON byte for byte (compared, not read: no entries recorded).</summary>
    public bool OutputIsItems;
    public int OutputFirst;
    public int OutputCount;

    /// <summary>The same slices in a copy of <see cref="Raw"/>'s bytes.</summary>
    public readonly EnvelopeSlices RelativeToRaw()
    {
        int origin = Raw.Start;
        return new EnvelopeSlices
        {
            Raw = new Slice(0, Raw.Length),
            Id = Id.RelativeTo(origin),
            Model = Model.RelativeTo(origin),
            Status = Status.RelativeTo(origin),
            Usage = Usage.RelativeTo(origin),
            Error = Error.RelativeTo(origin),
            IncompleteDetails = IncompleteDetails.RelativeTo(origin),
            OutputIsArray = OutputIsArray,
            OutputIsItems = OutputIsItems,
            OutputCount = OutputCount,
            OutputFirst = -1, // entries are event slices: only the event's own pass uses them
        };
    }
}

/// <summary>
/// Room for the variable-length parts of one event's slices (the parts of an item, the annotations
/// of a part, the entries of an output array), reused for every event: it grows, never shrinks.
/// </summary>
internal sealed class SliceScratch(StreamOptions limits)
{
    private PartSlices[] _parts = new PartSlices[8];
    private Slice[] _entries = new Slice[16];

    /// <summary>The stream's limits, which lists inside an event's JSON obey too.</summary>
    public StreamOptions Limits { get; } = limits;

    public int PartCount { get; private set; }

    public int EntryCount { get; private set; }

    public void Clear()
    {
        PartCount = 0;
        EntryCount = 0;
    }

    public ref PartSlices Part(int position) => ref _parts[position];

    public Slice Entry(int position) => _entries[position];

    public int AddPart(in PartSlices part)
    {
        if (PartCount == _parts.Length)
        {
            Array.Resize(ref _parts, _parts.Length * 2);
        }

        _parts[PartCount] = part;
        return PartCount++;
    }

    public void AddEntry(Slice entry)
    {
        if (EntryCount == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[EntryCount++] = entry;
    }
}

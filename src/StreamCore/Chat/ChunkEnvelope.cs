using System;
using StreamCore.Buffers;

namespace StreamCore.Chat;

/// <summary>How much of a chunk repeats the envelope of the last fully read one.</summary>
internal enum EnvelopeMatch
{
    /// <summary>Nothing known: read the whole chunk.</summary>
    None,

    /// <summary>The bytes up to the <c>choices</c> value repeat: read from the <c>choices</c> member on.</summary>
    Prefix,

    /// <summary>The bytes before and after the choices array repeat: read only the array.</summary>
    Whole,
}

/// <summary>
/// The bytes of the last fully read chunk before and after its <c>choices</c> array. Most chunks
/// repeat them (<c>{"id":…,"object":…,"created":…,"model":…,"choices":</c> and <c>,"usage":null}</c>),
/// and merging an identical member again changes nothing: it keeps its first value, its last value,
/// or is dropped. So the repeated bytes need no reading. They need no validating either: a repeated
/// prefix holds members already validated once, and replacing one JSON value by another keeps a
/// document valid.
/// A mutable struct: keep it in a field.
/// </summary>
internal struct ChunkEnvelope
{
    private PooledByteBuffer _prefix;   // through "choices":
    private PooledByteBuffer _suffix;   // after the choices array
    private int _choicesName;           // offset of the "choices" member name in the prefix
    private bool _known;
    private bool _suffixRepeatable;     // false when the suffix held something reported on each arrival (usage)

    /// <summary>How much of <paramref name="json"/> repeats the remembered envelope.</summary>
    /// <param name="json">The chunk.</param>
    /// <param name="choicesName">Where the <c>choices</c> member name starts.</param>
    /// <param name="choicesStart">Where the choices array starts.</param>
    /// <param name="choicesEnd">Where the remembered suffix would start.</param>
    public readonly EnvelopeMatch Match(ReadOnlySpan<byte> json, out int choicesName, out int choicesStart, out int choicesEnd)
    {
        choicesName = _choicesName;
        choicesStart = _prefix.Length;
        choicesEnd = json.Length - _suffix.Length;
        if (!_known || json.Length <= choicesStart || !json[..choicesStart].SequenceEqual(_prefix.Span))
        {
            return EnvelopeMatch.None;
        }

        return _suffixRepeatable && choicesEnd - choicesStart >= 2 && json[choicesEnd..].SequenceEqual(_suffix.Span)
            ? EnvelopeMatch.Whole
            : EnvelopeMatch.Prefix;
    }

    /// <summary>Remembers the envelope of a chunk whose members before the choices changed nothing that is reported.</summary>
    public void Remember(ReadOnlySpan<byte> json, int choicesName, int choicesStart, int choicesEnd, bool suffixRepeatable)
    {
        if (!_known || !json[..choicesStart].SequenceEqual(_prefix.Span) || !json[choicesEnd..].SequenceEqual(_suffix.Span))
        {
            _prefix.Set(json[..choicesStart]);
            _suffix.Set(json[choicesEnd..]);
        }

        _choicesName = choicesName;
        _suffixRepeatable = suffixRepeatable;
        _known = true;
    }

    public void Forget() => _known = false;

    public void Dispose()
    {
        _prefix.Dispose();
        _suffix.Dispose();
        _known = false;
    }
}

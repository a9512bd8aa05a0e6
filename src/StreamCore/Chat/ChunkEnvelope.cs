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
    private int _idStart;               // the id's value in the prefix, a hole any plain string fills; -1 if none
    private int _idEnd;
    private bool _known;
    private bool _suffixRepeatable;     // false when the suffix held something reported on each arrival (usage)

    /// <summary>How much of <paramref name="json"/> repeats the remembered envelope.</summary>
    /// <param name="json">The chunk.</param>
    /// <param name="choicesName">Where the <c>choices</c> member name starts.</param>
    /// <param name="choicesStart">Where the choices array starts.</param>
    /// <param name="choicesEnd">Where the remembered suffix would start.</param>
    public readonly EnvelopeMatch Match(ReadOnlySpan<byte> json, out int choicesName, out int choicesStart, out int choicesEnd)
    {
        int shift = 0;
        choicesEnd = json.Length - _suffix.Length;
        if (!_known || !MatchPrefix(json, out shift))
        {
            choicesName = choicesStart = 0;
            return EnvelopeMatch.None;
        }

        choicesName = _choicesName + shift;
        choicesStart = _prefix.Length + shift;
        if (json.Length <= choicesStart)
        {
            return EnvelopeMatch.None;
        }

        return _suffixRepeatable && choicesEnd - choicesStart >= 2 && json[choicesEnd..].SequenceEqual(_suffix.Span)
            ? EnvelopeMatch.Whole
            : EnvelopeMatch.Prefix;
    }

    /// <summary>
    /// Whether the chunk starts with the remembered prefix; the id's value may differ (Groq's compound
    /// models send a new id with every chunk, and "id: first non-empty value" keeps the first), as
    /// long as it is a plain string of printable ASCII, which is valid JSON without reading it.
    /// <paramref name="shift"/> is how much longer the new id is.
    /// </summary>
    private readonly bool MatchPrefix(ReadOnlySpan<byte> json, out int shift)
    {
        shift = 0;
        ReadOnlySpan<byte> prefix = _prefix.Span;
        if (_idStart < 0)
        {
            return json.StartsWith(prefix);
        }

        if (!json.StartsWith(prefix[.._idStart]) || json.Length <= _idStart || json[_idStart] != '"')
        {
            return false;
        }

        ReadOnlySpan<byte> value = json[(_idStart + 1)..];
        int close = value.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E);
        int quote = value.IndexOf((byte)'"');
        if (quote < 0 || (close >= 0 && close < quote) || value[..quote].Contains((byte)'\\'))
        {
            return false;
        }

        int idEnd = _idStart + 1 + quote + 1;
        shift = idEnd - _idEnd;
        return json[idEnd..].StartsWith(prefix[_idEnd..]);
    }

    /// <summary>Remembers the envelope of a chunk whose members before the choices changed nothing that is reported.</summary>
    /// <param name="json">The chunk.</param>
    /// <param name="choicesName">Where its <c>choices</c> member name starts.</param>
    /// <param name="choicesStart">Where its choices array starts.</param>
    /// <param name="choicesEnd">Where its choices array ends.</param>
    /// <param name="suffixRepeatable">Whether the bytes after the array may be skipped when repeated.</param>
    /// <param name="idStart">Where the id's value starts, when a later id would change nothing; else -1.</param>
    /// <param name="idEnd">Where the id's value ends.</param>
    public void Remember(ReadOnlySpan<byte> json, int choicesName, int choicesStart, int choicesEnd, bool suffixRepeatable, int idStart, int idEnd)
    {
        _idStart = idStart;
        _idEnd = idEnd;
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

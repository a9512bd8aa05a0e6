using System;
using StreamCore.Buffers;

namespace StreamCore.Chat;

/// <summary>
/// The bytes of the last fully parsed chunk before and after its <c>choices</c> array. Most chunks
/// repeat them exactly (<c>{"id":…,"object":…,"created":…,"model":…,"choices":</c> and
/// <c>,"usage":null}</c>), and merging an identical envelope again changes nothing: its members keep
/// their first value, their last value, or are dropped. So when a chunk starts and ends with the
/// same bytes, only its choices array needs reading. Replacing one JSON value by another keeps a
/// document valid, so the skipped bytes need no new validation either.
/// A mutable struct: keep it in a field.
/// </summary>
internal struct ChunkEnvelope
{
    private PooledByteBuffer _prefix;
    private PooledByteBuffer _suffix;
    private bool _known;

    /// <summary>Whether <paramref name="json"/> has the remembered envelope; if so, where its choices array lies.</summary>
    public readonly bool TryMatch(ReadOnlySpan<byte> json, out int choicesStart, out int choicesEnd)
    {
        choicesStart = _prefix.Length;
        choicesEnd = json.Length - _suffix.Length;
        return _known
            && choicesEnd - choicesStart >= 2
            && json[..choicesStart].SequenceEqual(_prefix.Span)
            && json[choicesEnd..].SequenceEqual(_suffix.Span);
    }

    /// <summary>Remembers the envelope of a chunk whose merge left nothing to report but its choices.</summary>
    public void Remember(ReadOnlySpan<byte> json, int choicesStart, int choicesEnd)
    {
        if (!_known || !json[..choicesStart].SequenceEqual(_prefix.Span) || !json[choicesEnd..].SequenceEqual(_suffix.Span))
        {
            _prefix.Set(json[..choicesStart]);
            _suffix.Set(json[choicesEnd..]);
        }

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

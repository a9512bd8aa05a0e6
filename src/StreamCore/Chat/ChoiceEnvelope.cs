using System;
using StreamCore.Buffers;

namespace StreamCore.Chat;

/// <summary>
/// The bytes of a lone choice around its delta, as last read in full: <c>{"index":0,"delta":</c>
/// before it and <c>,"logprobs":null,"finish_reason":null}</c> after it. A chunk whose choices array
/// is exactly those bytes around a new delta needs only the delta read: the rest holds the index and
/// members whose merge changes nothing a second time (nulls, and values kept verbatim that are equal
/// to the kept ones). The same reasoning as <see cref="ChunkEnvelope"/>, one level down.
/// A mutable struct: keep it in a field.
/// </summary>
internal struct ChoiceEnvelope
{
    private PooledByteBuffer _prefix;   // from the choice's "{" to the delta's value
    private PooledByteBuffer _suffix;   // from after the delta's value to the choice's "}"
    private ChoiceState? _choice;

    /// <summary>
    /// Whether <paramref name="choices"/> (a choices array's bytes) is "[", the remembered prefix, a
    /// value starting with "{", the remembered suffix and "]".
    /// </summary>
    /// <param name="choices">The bytes of the choices array.</param>
    /// <param name="deltaStart">Where the delta's value starts.</param>
    /// <param name="deltaEnd">Where the remembered suffix starts.</param>
    /// <param name="choice">The choice the remembered prefix addresses.</param>
    public readonly bool Match(ReadOnlySpan<byte> choices, out int deltaStart, out int deltaEnd, out ChoiceState? choice)
    {
        choice = _choice;
        deltaStart = 1 + _prefix.Length;
        deltaEnd = choices.Length - 1 - _suffix.Length;
        return choice is not null
            && deltaEnd > deltaStart
            && choices[0] == '['
            && choices[^1] == ']'
            && choices[deltaStart] == '{'
            && choices.Slice(1, _prefix.Length).SequenceEqual(_prefix.Span)
            && choices[deltaEnd..^1].SequenceEqual(_suffix.Span);
    }

    /// <summary>Remembers a lone choice's bytes around its delta, read in full into <paramref name="choice"/>.</summary>
    public void Remember(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> suffix, ChoiceState choice)
    {
        if (!prefix.SequenceEqual(_prefix.Span))
        {
            _prefix.Set(prefix);
        }

        if (!suffix.SequenceEqual(_suffix.Span))
        {
            _suffix.Set(suffix);
        }

        _choice = choice;
    }

    public void Dispose()
    {
        _prefix.Dispose();
        _suffix.Dispose();
        _choice = null;
    }
}

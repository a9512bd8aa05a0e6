using System;
using StreamCore.Buffers;

namespace StreamCore.Chat;

/// <summary>
/// The bytes of a lone choice around what changes from chunk to chunk, as last read in full: before
/// its delta (<c>{"index":0,"delta":</c>), and after it (<c>,"logprobs":null,"finish_reason":null}</c>).
/// When the choice carries logprobs, the bytes after the delta have a second hole, the entries of
/// <c>logprobs.content</c>: <c>,"logprobs":{"content":[</c> before them, <c>],"refusal":null},"finish_reason":null}</c>
/// after. A chunk whose choices array is exactly those bytes around new values needs only the values
/// read: the rest holds the index and members whose merge changes nothing a second time (nulls, and
/// values kept verbatim that are equal to the kept ones). The same reasoning as <see cref="ChunkEnvelope"/>,
/// one level down. A mutable struct: keep it in a field or an array element.
/// </summary>
internal struct ChoiceEnvelope
{
    private PooledByteBuffer _prefix;   // from the choice's "{" to the delta's value
    private PooledByteBuffer _middle;   // from after the delta to the logprob entries' "[", inclusive; empty without entries
    private PooledByteBuffer _suffix;   // from after the delta (or from the entries' "]") to the choice's "}"

    /// <summary>The choice the remembered prefix addresses, or null when nothing is remembered.</summary>
    public ChoiceState? Choice { get; private set; }

    /// <summary>
    /// Whether <paramref name="choices"/> (a choices array's bytes) is "[", the remembered prefix, a
    /// value starting with "{", the remembered bytes after it (with the logprob entries between the
    /// middle and the suffix) and "]".
    /// </summary>
    public readonly bool Match(ReadOnlySpan<byte> choices, out RepeatedChoice match)
    {
        match = default;
        int deltaStart = 1 + _prefix.Length;
        int suffixStart = choices.Length - 1 - _suffix.Length;
        if (Choice is null
            || suffixStart <= deltaStart
            || choices[0] != '['
            || choices[^1] != ']'
            || choices[deltaStart] != '{'
            || !choices.Slice(1, _prefix.Length).SequenceEqual(_prefix.Span)
            || !choices[suffixStart..^1].SequenceEqual(_suffix.Span))
        {
            return false;
        }

        match = new RepeatedChoice(Choice, deltaStart, suffixStart, -1, -1);
        if (_middle.IsEmpty)
        {
            return true;
        }

        // The middle's bytes hold quotes, so they cannot occur inside a string of the delta; where
        // they occur in a nested object of the delta instead, the delta is found unbalanced.
        int middle = choices[deltaStart..suffixStart].IndexOf(_middle.Span);
        if (middle < 0)
        {
            return false;
        }

        int deltaEnd = deltaStart + middle;
        match = new RepeatedChoice(Choice, deltaStart, deltaEnd, deltaEnd + _middle.Length - 1, suffixStart + 1);
        return true;
    }

    /// <summary>
    /// Remembers a lone choice's bytes around its delta, read in full into <paramref name="choice"/>;
    /// <paramref name="middle"/> is empty unless logprob entries follow the delta.
    /// </summary>
    public void Remember(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> middle, ReadOnlySpan<byte> suffix, ChoiceState choice)
    {
        Keep(ref _prefix, prefix);
        Keep(ref _middle, middle);
        Keep(ref _suffix, suffix);
        Choice = choice;
    }

    private static void Keep(ref PooledByteBuffer kept, ReadOnlySpan<byte> bytes)
    {
        if (!bytes.SequenceEqual(kept.Span))
        {
            kept.Set(bytes);
        }
    }

    public void Dispose()
    {
        _prefix.Dispose();
        _middle.Dispose();
        _suffix.Dispose();
        Choice = null;
    }
}

/// <summary>Where the changing parts of a repeated choice lie in its choices array.</summary>
/// <param name="Choice">The choice addressed.</param>
/// <param name="DeltaStart">Where the delta's value starts.</param>
/// <param name="DeltaEnd">Where the bytes after the delta start.</param>
/// <param name="EntriesStart">The "[" of the logprob entries, or -1.</param>
/// <param name="EntriesEnd">After the entries' "]", or -1.</param>
internal readonly record struct RepeatedChoice(ChoiceState Choice, int DeltaStart, int DeltaEnd, int EntriesStart, int EntriesEnd)
{
    public bool HasEntries => EntriesStart >= 0;
}

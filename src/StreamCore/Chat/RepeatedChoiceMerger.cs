using System;
using System.Text.Json;
using StreamCore.Core;
using static StreamCore.Chat.ChoiceParser;
using static StreamCore.Chat.DeltaParser;

namespace StreamCore.Chat;

/// <summary>
/// The byte-compare shortcut one level below the envelope: a choices array that is a remembered
/// lone choice's bytes around a new delta (and new logprob entries) has only those read
/// (<see cref="ChoiceEnvelope"/> says why the rest needs no reading).
/// </summary>
internal static class RepeatedChoiceMerger
{
    /// <summary>
    /// Merges a choices array that repeats the remembered bytes around a lone choice's delta: reads
    /// the delta alone, and whatever else turns out to lie between the remembered halves. Returns how
    /// many bytes of <paramref name="choices"/> the choices array took.
    /// </summary>
    internal static int MergeRepeatedChoice<TSink>(ReadOnlySpan<byte> choices, int choicesStart, RepeatedChoice repeated, CompletionState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (repeated.HasEntries)
        {
            return MergeRepeatedChoiceWithEntries(choices, choicesStart, repeated, state, ref sink);
        }

        (ChoiceState choice, int deltaStart, int deltaEnd) = (repeated.Choice, repeated.DeltaStart, repeated.DeltaEnd);
        int consumed = deltaStart + MergeDeltaAlone(choices[deltaStart..deltaEnd], choicesStart + deltaStart, choice, state, ref sink);
        if (consumed == deltaEnd)
        {
            return choices.Length; // the remembered suffix closes the choice and the array
        }

        // More follows the delta before the remembered suffix: other members of this choice, or
        // other choices. Read on as the rest of a choices array whose first entry is this choice,
        // from "[{" and the bytes after the delta (minus the comma before a next member).
        int rest = consumed + choices[consumed..].IndexOfAnyExcept(" \t\r\n"u8);
        if (choices[rest] == ',' && choices[(rest + 1)..].TrimStart(" \t\r\n"u8).StartsWith("\""u8))
        {
            rest++;
        }

        state.Tail.Set("[{"u8);
        state.Tail.Append(choices[rest..]);
        ReadOnlySpan<byte> tail = state.Tail.Span;
        var tailReader = new Utf8JsonReader(tail, new JsonReaderOptions { MaxDepth = Math.Max(1, state.Options.MaxJsonDepth - 1) });
        tailReader.Read();
        state.SpanOffset = choicesStart + rest - 2;
        try
        {
            MergeChoices(ref tailReader, tail, state, ref sink, choice);
        }
        finally
        {
            state.SpanOffset = 0;
        }

        return rest - 2 + (int)tailReader.BytesConsumed;
    }

    /// <summary>
    /// Merges the delta object that <paramref name="delta"/> starts with, read on its own; returns
    /// how many bytes it took. <paramref name="offset"/> is where it lies in the chunk.
    /// </summary>
    internal static int MergeDeltaAlone<TSink>(ReadOnlySpan<byte> delta, int offset, ChoiceState choice, CompletionState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        // The delta sits three levels down: the chunk, the choices array, the choice.
        var reader = new Utf8JsonReader(delta, new JsonReaderOptions { MaxDepth = Math.Max(1, state.Options.MaxJsonDepth - 3) });
        reader.Read();
        state.SpanOffset = offset;
        try
        {
            MergeDelta(ref reader, delta, state, choice, ref sink);
        }
        finally
        {
            state.SpanOffset = 0;
        }

        return (int)reader.BytesConsumed;
    }

    /// <summary>Finds a choice whose remembered bytes the choices array repeats; interleaved choices are tried in turn.</summary>
    internal static bool FindRepeatedChoice(ReadOnlySpan<byte> choices, CompletionState state, out RepeatedChoice repeated)
    {
        ReadOnlySpan<ChoiceState> known = state.Choices;
        int tries = Math.Min(known.Length, MaxChoicesTried);
        for (int i = 0; i < tries; i++)
        {
            int position = (state.LastRepeatedChoice + i) % known.Length;
            if (known[position].Envelope.Match(choices, out repeated))
            {
                state.LastRepeatedChoice = position + 1;
                return true;
            }
        }

        repeated = default;
        return false;
    }

    /// <summary>How many choices a chunk is compared with; streams of more interleaved choices are read in full.</summary>
    internal const int MaxChoicesTried = 8;

    /// <summary>
    /// Merges a repeated choice whose logprob entries change along with its delta. Nothing is merged
    /// until the entries are known to be exactly one array's content; otherwise returns -1 and the
    /// choices are read in full.
    /// </summary>
    internal static int MergeRepeatedChoiceWithEntries<TSink>(ReadOnlySpan<byte> choices, int choicesStart, RepeatedChoice repeated, CompletionState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        // The entries' array sits five levels down: the chunk, choices, the choice, logprobs, content.
        ReadOnlySpan<byte> entries = choices[repeated.EntriesStart..repeated.EntriesEnd];
        var entriesReader = new Utf8JsonReader(entries, new JsonReaderOptions { MaxDepth = Math.Max(1, state.Options.MaxJsonDepth - 4) });
        try
        {
            entriesReader.Read();
            entriesReader.Skip();
        }
        catch (JsonException)
        {
            return -1; // a full read reports it where it is
        }

        // Entries that are exactly one array also place the delta: the remembered bytes around the
        // two holes balance, so a delta cut short or run long would leave the entries unbalanced.
        if (entriesReader.BytesConsumed != entries.Length)
        {
            return -1;
        }

        ReadOnlySpan<byte> delta = choices[repeated.DeltaStart..repeated.DeltaEnd];

        if (MergeDeltaAlone(delta, choicesStart + repeated.DeltaStart, repeated.Choice, state, ref sink) != delta.Length)
        {
            throw new MalformedEventException("the delta is followed by something other than the rest of its choice");
        }

        AppendEntries(entries, state, ref repeated.Choice.LogprobsContent);
        return choices.Length;
    }
}

using System;
using System.Collections.Generic;
using System.Text.Json;
using StreamCore.Json;

namespace StreamCore.Chat;

/// <summary>
/// Reads one <c>chat.completion.chunk</c> with <see cref="Utf8JsonReader"/>, straight from the
/// event's bytes, and merges it into a <see cref="CompletionState"/> by the assembly rules. Nothing
/// is decoded to text; strings are appended escaped, as they arrived. Generic over the update sink
/// so that callbacks cost nothing when no one listens.
/// </summary>
internal static class ChunkParser
{
    /// <summary>Merges <paramref name="json"/> into <paramref name="state"/>.</summary>
    /// <exception cref="JsonException">The chunk is not well-formed JSON.</exception>
    /// <exception cref="MalformedChunkException">The chunk is JSON of the wrong shape, or breaks a limit.</exception>
    public static void Merge<TSink>(ReadOnlySpan<byte> json, CompletionState state, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        try
        {
            MergeChunk(json, state, ref sink);
        }
        catch (JsonException e) when (ExceedsDepth(json, state.Options.MaxJsonDepth))
        {
            // The reader's own message does not say which option to raise: name the limit.
            throw new MalformedChunkException($"the event's data nests deeper than {state.Options.MaxJsonDepth} levels (MaxJsonDepth)", e);
        }
    }

    /// <summary>Whether <paramref name="json"/> opens more than <paramref name="maxDepth"/> nested containers (error path only).</summary>
    private static bool ExceedsDepth(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                // A container's own depth is that of its parent: the (maxDepth + 1)th one is at maxDepth.
                if (reader.CurrentDepth >= maxDepth && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // Invalid before it got that deep.
        }

        return false;
    }

    private static void MergeChunk<TSink>(ReadOnlySpan<byte> json, CompletionState state, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        EnvelopeMatch match = state.Envelope.Match(json, out int choicesName, out int choicesStart, out int choicesEnd);
        if (match == EnvelopeMatch.Whole)
        {
            ReadOnlySpan<byte> choices = json[choicesStart..choicesEnd];
            int consumed = -1;
            if (FindRepeatedChoice(choices, state, out RepeatedChoice repeated))
            {
                consumed = MergeRepeatedChoice(choices, choicesStart, repeated, state, ref sink);
            }

            if (consumed < 0)
            {
                var choicesReader = new Utf8JsonReader(choices, new JsonReaderOptions { MaxDepth = Math.Max(1, state.Options.MaxJsonDepth - 1) });
                if (choicesReader.Read() && choicesReader.TokenType == JsonTokenType.StartArray)
                {
                    MergeAt(ref choicesReader, choices, choicesStart, state, ref sink);
                    consumed = (int)choicesReader.BytesConsumed;
                }
            }

            if (consumed >= 0)
            {
                // Only white space may follow the array; checked on the bytes, since a reader would
                // report anything else by throwing (costly, and common: usage after the choices).
                if (choices[consumed..].IndexOfAnyExcept(" \t\r\n"u8) < 0)
                {
                    return;
                }

                // More than one value between the envelope's halves (another member after choices, or
                // garbage): read the whole chunk, leaving the choices already merged alone.
                MergeChunk(json, state, ref sink, ChunkPart.AllButChoices);
                return;
            }
        }

        if (match != EnvelopeMatch.None && choicesName > 1)
        {
            // The members before "choices" repeat, but what follows changed (obfuscation padding, a
            // usage object): read "{" followed by the chunk from the choices member on.
            state.Tail.Set("{"u8);
            state.Tail.Append(json[choicesName..]);
            state.SpanOffset = choicesName - 1;
            try
            {
                MergeChunk(state.Tail.Span, state, ref sink, ChunkPart.FromChoices);
            }
            finally
            {
                state.SpanOffset = 0;
            }

            return;
        }

        MergeChunk(json, state, ref sink, ChunkPart.Whole);
    }

    private static void MergeAt<TSink>(ref Utf8JsonReader choicesReader, ReadOnlySpan<byte> choices, int offset, CompletionState state, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        state.SpanOffset = offset;
        try
        {
            MergeChoices(ref choicesReader, choices, state, ref sink);
        }
        finally
        {
            state.SpanOffset = 0;
        }
    }

    /// <summary>
    /// Merges a choices array that repeats the remembered bytes around a lone choice's delta: reads
    /// the delta alone, and whatever else turns out to lie between the remembered halves. Returns how
    /// many bytes of <paramref name="choices"/> the choices array took.
    /// </summary>
    private static int MergeRepeatedChoice<TSink>(ReadOnlySpan<byte> choices, int choicesStart, RepeatedChoice repeated, CompletionState state, ref TSink sink)
        where TSink : struct, IChatUpdateSink
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
    private static int MergeDeltaAlone<TSink>(ReadOnlySpan<byte> delta, int offset, ChoiceState choice, CompletionState state, ref TSink sink)
        where TSink : struct, IChatUpdateSink
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
    private static bool FindRepeatedChoice(ReadOnlySpan<byte> choices, CompletionState state, out RepeatedChoice repeated)
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
    private const int MaxChoicesTried = 8;

    /// <summary>
    /// Merges a repeated choice whose logprob entries change along with its delta. Nothing is merged
    /// until the entries are known to be exactly one array's content; otherwise returns -1 and the
    /// choices are read in full.
    /// </summary>
    private static int MergeRepeatedChoiceWithEntries<TSink>(ReadOnlySpan<byte> choices, int choicesStart, RepeatedChoice repeated, CompletionState state, ref TSink sink)
        where TSink : struct, IChatUpdateSink
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
            throw new MalformedChunkException("the delta is followed by something other than the rest of its choice");
        }

        AppendEntries(entries, state, ref repeated.Choice.LogprobsContent);
        return choices.Length;
    }

    /// <summary>What a full read of a chunk covers.</summary>
    private enum ChunkPart : byte
    {
        /// <summary>The whole chunk; its envelope is remembered for the next one.</summary>
        Whole,

        /// <summary>The whole chunk but its choices, which were merged already.</summary>
        AllButChoices,

        /// <summary>"{" and the chunk from its choices member on; the remembered envelope stays.</summary>
        FromChoices,
    }

    private static void MergeChunk<TSink>(ReadOnlySpan<byte> json, CompletionState state, ref TSink sink, ChunkPart part)
        where TSink : struct, IChatUpdateSink
    {
        int choicesName = -1;
        int choicesStart = -1;
        int choicesEnd = -1;
        int choicesSeen = 0;
        int idStart = -1; // -2 once an id that cannot be a hole was seen
        int idEnd = -1;
        bool prefixRepeatable = part == ChunkPart.Whole;
        bool suffixRepeatable = true;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedChunkException("the event's data is not a JSON object");
        }

        MergedObject top = state.Top;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int nameStart = (int)reader.TokenStartIndex;
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            switch (name.Length)
            {
                case 2 when name.SequenceEqual("id"u8):
                    // Where a plain id lies, so that a later chunk with another id can still repeat the envelope.
                    idStart = idStart == -1 && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? (int)reader.TokenStartIndex : -2;
                    idEnd = (int)reader.BytesConsumed;
                    MergeIdentity(ref reader, top.GetOrAdd(MemberNames.Id, MemberKind.Null, MemberNames.Id));
                    break;
                case 5 when name.SequenceEqual("model"u8):
                    MergeIdentity(ref reader, top.GetOrAdd(MemberNames.Model, MemberKind.Null, MemberNames.Model));
                    break;
                case 6 when name.SequenceEqual("object"u8):
                    reader.Skip(); // always written as chat.completion or response
                    break;
                case 7 when name.SequenceEqual("choices"u8):
                    choicesSeen++;
                    if (part == ChunkPart.AllButChoices)
                    {
                        reader.Skip();
                        break;
                    }

                    choicesName = nameStart;
                    choicesStart = reader.TokenType == JsonTokenType.StartArray ? (int)reader.TokenStartIndex : -1;
                    MergeChoices(ref reader, json, state, ref sink);
                    choicesEnd = (int)reader.BytesConsumed;
                    break;
                case 7 when name.SequenceEqual("created"u8):
                case 9 when name.SequenceEqual("createdAt"u8):
                    Detect(state, name.Length == 7 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
                    MergeCreated(ref reader, json, state);
                    break;
                case 5 when name.SequenceEqual("usage"u8):
                    // A usage object is reported each time it arrives: its bytes cannot be skipped.
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        prefixRepeatable &= choicesSeen > 0;
                        suffixRepeatable = false;
                    }

                    MergeUsage(ref reader, json, state, ref sink);
                    break;
                case 18 when name.SequenceEqual("system_fingerprint"u8):
                case 17 when name.SequenceEqual("systemFingerprint"u8):
                    Detect(state, name.Length == 18 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
                    MergeLastNonEmpty(ref reader, top.GetOrAdd(MemberNames.SystemFingerprint, MemberKind.Null, MemberNames.SystemFingerprint));
                    break;
                case 12 when name.SequenceEqual("service_tier"u8):
                case 11 when name.SequenceEqual("serviceTier"u8):
                    Detect(state, name.Length == 12 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
                    MergeLastNonEmpty(ref reader, top.GetOrAdd(MemberNames.ServiceTier, MemberKind.Null, MemberNames.ServiceTier));
                    break;
                case 11 when name.SequenceEqual("obfuscation"u8):
                    reader.Skip(); // random-length padding against side channels: dropped
                    break;
                case 5 when name.SequenceEqual("error"u8):
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        // "A chunk that carries error is otherwise merged as usual; nothing after it is read."
                        ReadOnlySpan<byte> error = ReadRaw(ref reader, json);
                        SetRaw(top.GetOrAdd(MemberNames.Error, MemberKind.Raw, MemberNames.Error), error);
                        state.HasProviderError = true;
                    }

                    break;
                default:
                    if (name.SequenceEqual("organizationId"u8) || name.SequenceEqual("threadId"u8))
                    {
                        Detect(state, ChatDialect.Aitronos);
                    }

                    MergeLastNonNull(ref reader, json, top, name);
                    break;
            }
        }

        // A second top-level value or trailing bytes make the reader throw here.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new MalformedChunkException("the event's data has content after its JSON object");
        }

        if (part == ChunkPart.Whole)
        {
            if (prefixRepeatable && choicesSeen == 1 && choicesStart >= 0 && !state.HasProviderError)
            {
                // Another id changes nothing once one is kept ("first non-empty value").
                bool idIsHole = idStart >= 0 && idEnd <= choicesName && top.Find(MemberNames.Id) is { Kind: MemberKind.Identity, Value.IsEmpty: false };
                state.Envelope.Remember(json, choicesName, choicesStart, choicesEnd, suffixRepeatable, idIsHole ? idStart : -1, idEnd);
            }
            else
            {
                state.Envelope.Forget();
            }
        }

        if (state.HasProviderError)
        {
            sink.OnProviderError();
        }
    }

    private static void Detect(CompletionState state, ChatDialect dialect) => state.DetectedDialect ??= dialect;

    private static ReadOnlySpan<byte> GetName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        // Escaped member names are legal but rare; this is the only allocating parse path.
        byte[] name = new byte[reader.ValueSpan.Length];
        return name.AsSpan(0, JsonText.Unescape(reader.ValueSpan, name));
    }

    /// <summary>The raw JSON of the value under the reader, which is left on the value's last token.</summary>
    private static ReadOnlySpan<byte> ReadRaw(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        return json[start..(int)reader.BytesConsumed];
    }

    // Callers read the value before they find or add its member: a value that turns out malformed
    // half-way leaves no trace in the partial result.
    private static void SetRaw(MergedMember member, ReadOnlySpan<byte> raw)
    {
        member.Value.Set(raw);
        member.Kind = MemberKind.Raw;
        member.Items = null;
    }

    // "any other member: last non-null value, kept verbatim". A member that only ever arrived as
    // null is kept as null, so that it is written as it arrived.
    private static void MergeLastNonNull(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, MergedObject target, scoped ReadOnlySpan<byte> name)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            target.GetOrAdd(name, MemberKind.Null);
            return;
        }

        ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
        SetRaw(target.GetOrAdd(name, MemberKind.Raw), raw);
    }

    /// <summary>A choice member read before the choice's index was known: where its name and value are.</summary>
    private readonly record struct DeferredMember(int NameStart, int NameLength, int ValueStart, int ValueEnd);

    /// <summary>How many verbatim members a choice may hold before its index; past that, the index is looked for.</summary>
    private const int MaxDeferredMembers = 8;

    /// <summary>Merges members held back until the choice was known, in the order they arrived.</summary>
    private static void MergeDeferred(ReadOnlySpan<DeferredMember> deferred, ReadOnlySpan<byte> json, ChoiceState choice)
    {
        foreach (DeferredMember member in deferred)
        {
            ReadOnlySpan<byte> name = json.Slice(member.NameStart, member.NameLength);
            ReadOnlySpan<byte> raw = json[member.ValueStart..member.ValueEnd];
            if (raw.SequenceEqual("null"u8))
            {
                choice.Extras.GetOrAdd(name, MemberKind.Null);
            }
            else
            {
                SetRaw(choice.Extras.GetOrAdd(name, MemberKind.Raw), raw);
            }
        }
    }

    // "id, model: first non-empty value"
    private static void MergeIdentity(ref Utf8JsonReader reader, MergedMember member)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (member.Kind == MemberKind.Null || (member.Value.IsEmpty && !reader.ValueSpan.IsEmpty))
            {
                member.Kind = MemberKind.Identity;
                member.Value.Set(reader.ValueSpan);
            }
        }
        else if (reader.TokenType != JsonTokenType.Null)
        {
            throw new MalformedChunkException($"member '{System.Text.Encoding.UTF8.GetString(member.Name)}' must be a string");
        }
    }

    // "system_fingerprint, service_tier: last non-empty value"
    private static void MergeLastNonEmpty(ref Utf8JsonReader reader, MergedMember member)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (member.Kind == MemberKind.Null || !reader.ValueSpan.IsEmpty)
            {
                member.Kind = MemberKind.Identity;
                member.Value.Set(reader.ValueSpan);
            }
        }
        else
        {
            reader.Skip();
        }
    }

    // "created / createdAt: first non-zero value"
    private static void MergeCreated(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state)
    {
        MergedMember member = state.Top.GetOrAdd(MemberNames.Created, MemberKind.Null, MemberNames.Created);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
        if (member.Kind == MemberKind.Null || member.Value.Span.SequenceEqual("0"u8))
        {
            SetRaw(member, raw);
        }
    }

    // "usage: last non-null object, replaced whole (never summed)"
    private static void MergeUsage<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            state.Top.GetOrAdd(MemberNames.Usage, MemberKind.Null, MemberNames.Usage);
            return;
        }

        int start = (int)reader.TokenStartIndex;
        ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
        SetRaw(state.Top.GetOrAdd(MemberNames.Usage, MemberKind.Raw, MemberNames.Usage), raw);
        if (sink.IsEnabled)
        {
            sink.OnUsage(raw, state.SpanOffset + start);
        }
    }

    /// <summary>Merges a choices array, and remembers the bytes around a lone choice's changing parts.</summary>
    /// <param name="reader">On the array's "[".</param>
    /// <param name="json">The bytes the reader reads.</param>
    /// <param name="state">The state merged into.</param>
    /// <param name="sink">The update sink.</param>
    /// <param name="first">The choice the first entry continues, when its start was merged already.</param>
    private static void MergeChoices<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ref TSink sink, ChoiceState? first = null)
        where TSink : struct, IChatUpdateSink
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new MalformedChunkException("'choices' must be an array");
        }

        int arrayStart = (int)reader.TokenStartIndex;
        int count = 0;
        ChoiceLayout layout = default;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MalformedChunkException("each entry of 'choices' must be an object");
            }

            layout = MergeChoice(ref reader, json, state, ref sink, count == 0 ? first : null);
            count++;
        }

        // A lone choice, the array's only content, whose members around the delta merge to no
        // change: remember its bytes, so that chunks repeating them read only their delta.
        if (count == 1 && layout.Repeatable && layout.Start == arrayStart + 1 && layout.End == (int)reader.BytesConsumed - 1)
        {
            if (layout.EntriesStart < 0)
            {
                layout.Choice!.Envelope.Remember(json[layout.Start..layout.DeltaStart], default, json[layout.DeltaEnd..layout.End], layout.Choice);
            }
            else
            {
                layout.Choice!.Envelope.Remember(
                    json[layout.Start..layout.DeltaStart],
                    json[layout.DeltaEnd..(layout.EntriesStart + 1)],
                    json[(layout.EntriesEnd - 1)..layout.End],
                    layout.Choice);
            }
        }
    }

    /// <summary>Where a choice's delta lies in it, and whether the rest of it merges to no change when repeated.</summary>
    private struct ChoiceLayout
    {
        public ChoiceState? Choice;
        public int Start;       // the choice's "{"
        public int End;         // after its "}"
        public int DeltaStart;
        public int DeltaEnd;
        public int EntriesStart; // the "[" of logprobs.content, or -1
        public int EntriesEnd;
        public bool Repeatable;
    }

    private static ChoiceLayout MergeChoice<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ref TSink sink, ChoiceState? known)
        where TSink : struct, IChatUpdateSink
    {
        // "Addressed by index; a missing index means 0." Most providers put index first. Others put
        // it last, after members that are only kept verbatim (Copilot's content filter results):
        // those are read once and held as byte ranges until the choice is known. A member that
        // merges into the choice finds the index first, with a structural scan of what follows.
        ChoiceState? choice = known;
        Span<DeferredMember> deferred = stackalloc DeferredMember[MaxDeferredMembers];
        int deferredCount = 0;
        bool finished = false;

        // Repeatable: one delta object, and around it only the index, nulls and verbatim members.
        var layout = new ChoiceLayout { Start = (int)reader.TokenStartIndex, DeltaStart = -1, EntriesStart = -1, Repeatable = known is null };
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int nameStart = (int)reader.TokenStartIndex + 1;
            bool nameEscaped = reader.ValueIsEscaped;
            layout.Repeatable &= !nameEscaped;
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (name.SequenceEqual("index"u8))
            {
                int index = ReadIndex(ref reader, "choice") ?? 0;
                if (choice is null)
                {
                    choice = state.GetChoice(index);
                    MergeDeferred(deferred[..deferredCount], json, choice);
                }

                continue;
            }

            bool mergesIntoChoice = name.Length switch
            {
                5 => name.SequenceEqual("delta"u8),
                8 => name.SequenceEqual("logprobs"u8),
                12 => name.SequenceEqual("finishReason"u8),
                13 => name.SequenceEqual("finish_reason"u8),
                _ => false,
            };
            if (choice is null)
            {
                if (!mergesIntoChoice && !nameEscaped && deferredCount < deferred.Length)
                {
                    int valueStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    deferred[deferredCount++] = new DeferredMember(nameStart, name.Length, valueStart, (int)reader.BytesConsumed);
                    continue;
                }

                choice = state.GetChoice(LocateIndex(reader, json, onObjectStart: false, "choice") ?? 0);
                MergeDeferred(deferred[..deferredCount], json, choice);
            }

            if (!mergesIntoChoice)
            {
                MergeLastNonNull(ref reader, json, choice.Extras, name);
                continue;
            }

            switch (name.Length)
            {
                case 5:
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        layout.Repeatable &= layout.DeltaStart < 0;
                        layout.DeltaStart = (int)reader.TokenStartIndex;
                        MergeDelta(ref reader, json, state, choice, ref sink);
                        layout.DeltaEnd = (int)reader.BytesConsumed;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw new MalformedChunkException("'delta' must be an object");
                    }

                    break;
                case 8:
                    // Logprobs repeat only as one hole: their content entries, after the delta.
                    bool entriesOnly = MergeLogprobs(ref reader, json, state, choice, out int entriesStart, out int entriesEnd);
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        layout.Repeatable &= entriesOnly && layout.DeltaStart >= 0 && layout.EntriesStart < 0;
                        layout.EntriesStart = entriesStart;
                        layout.EntriesEnd = entriesEnd;
                    }

                    break;
                default:
                    layout.Repeatable &= reader.TokenType == JsonTokenType.Null;
                    Detect(state, name.Length == 13 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
                    finished |= MergeFinishReason(ref reader, choice);
                    break;
            }
        }

        layout.End = (int)reader.BytesConsumed;
        layout.Repeatable &= layout.DeltaStart >= 0;

        if (choice is null)
        {
            // No index, and nothing that merges into the choice: index 0 gets what there was.
            choice = state.GetChoice(0);
            MergeDeferred(deferred[..deferredCount], json, choice);
        }

        // Handled after the whole choice object: a finish reason may precede the delta it ends.
        if (finished)
        {
            CompleteToolCalls(choice, ref sink);
            if (sink.IsEnabled)
            {
                sink.OnChoiceFinished(choice);
            }
        }

        layout.Choice = choice;
        return layout;
    }

    /// <summary>Marks the choice's tool calls as getting no more fragments.</summary>
    public static void CompleteToolCalls<TSink>(ChoiceState choice, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        foreach (ToolCallState call in choice.ToolCalls)
        {
            if (!call.Completed)
            {
                call.Completed = true;
                if (sink.IsEnabled)
                {
                    sink.OnToolCallCompleted(choice, call);
                }
            }
        }
    }

    /// <summary>Returns true when the choice got its first finish reason.</summary>
    private static bool MergeFinishReason(ref Utf8JsonReader reader, ChoiceState choice)
    {
        // "finish_reason / finishReason: last non-null, non-empty value."
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.IsEmpty)
        {
            reader.Skip();
            return false;
        }

        bool first = !choice.HasFinishReason;
        choice.FinishReason.Set(reader.ValueSpan);
        choice.HasFinishReason = true;
        return first;
    }

    /// <summary>
    /// Finds the <c>index</c> member among the rest of an object's members without consuming them:
    /// the reader is on the object's <c>{</c>, or on the value of one of its members.
    /// </summary>
    private static int? LocateIndex(in Utf8JsonReader reader, ReadOnlySpan<byte> json, bool onObjectStart, string what)
    {
        // A structural scan answers most objects at a fraction of a second read's cost.
        int start = (int)reader.TokenStartIndex + (onObjectStart ? 1 : 0);
        return IndexMemberScan.Find(json, start, out int? index) switch
        {
            IndexScanResult.Found => index,
            IndexScanResult.Absent => null,
            _ => FindIndex(reader, onObjectStart, what),
        };
    }

    /// <summary>Finds the <c>index</c> member of the rest of the object under <paramref name="reader"/> (a copy) by reading it.</summary>
    private static int? FindIndex(Utf8JsonReader reader, bool onObjectStart, string what)
    {
        if (!onObjectStart)
        {
            reader.Skip(); // on a member's value: past it
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isIndex = reader.ValueTextEquals("index"u8);
            reader.Read();
            if (isIndex)
            {
                return ReadIndex(ref reader, what);
            }

            reader.Skip();
        }

        return null;
    }

    private static int? ReadIndex(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int index) || index < 0)
        {
            throw new MalformedChunkException($"a {what} index must be a non-negative 32-bit integer");
        }

        return index;
    }

    // "logprobs: content and refusal arrays appended in order; null if never seen."
    /// <summary>
    /// Merges a logprobs value. Returns whether, besides one <c>content</c> array (whose bounds are
    /// given), it held only nulls: what a repeated choice may hold around its entries.
    /// </summary>
    private static bool MergeLogprobs(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, out int entriesStart, out int entriesEnd)
    {
        entriesStart = entriesEnd = -1;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedChunkException("'logprobs' must be an object");
        }

        choice.HasLogprobs = true;
        bool entriesOnly = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            entriesOnly &= !reader.ValueIsEscaped;
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (name.SequenceEqual("content"u8) && reader.TokenType == JsonTokenType.StartArray)
            {
                choice.HasLogprobsContent = true;
                entriesOnly &= entriesStart < 0;
                entriesStart = (int)reader.TokenStartIndex;
                AppendEntries(ref reader, json, state, ref choice.LogprobsContent);
                entriesEnd = (int)reader.BytesConsumed;
                continue;
            }

            entriesOnly &= reader.TokenType == JsonTokenType.Null;
            if (name.SequenceEqual("refusal"u8) && reader.TokenType == JsonTokenType.StartArray)
            {
                choice.HasLogprobsRefusal = true;
                AppendEntries(ref reader, json, state, ref choice.LogprobsRefusal);
            }
            else if (reader.TokenType == JsonTokenType.Null && (name.SequenceEqual("content"u8) || name.SequenceEqual("refusal"u8)))
            {
                // null: no change
            }
            else
            {
                choice.LogprobsExtras ??= new MergedObject();
                MergeLastNonNull(ref reader, json, choice.LogprobsExtras, name);
            }
        }

        return entriesOnly && entriesStart >= 0;
    }

    /// <summary>Appends the entries of the array under the reader to comma-joined raw JSON, in one copy.</summary>
    private static void AppendEntries(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ref StreamCore.Buffers.PooledByteBuffer target)
    {
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        AppendEntries(json[start..(int)reader.BytesConsumed], state, ref target);
    }

    /// <summary>Appends the entries of <paramref name="array"/> (a validated JSON array) to comma-joined raw JSON.</summary>
    private static void AppendEntries(ReadOnlySpan<byte> array, CompletionState state, ref StreamCore.Buffers.PooledByteBuffer target)
    {
        ReadOnlySpan<byte> entries = array[1..^1].Trim(" \t\r\n"u8);
        if (entries.IsEmpty)
        {
            return;
        }

        state.Charge(entries.Length + 1);
        if (!target.IsEmpty)
        {
            target.Append((byte)',');
        }

        target.Append(entries);
    }

    private static void MergeDelta<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        MergedObject message = choice.Message;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue; // "an explicit null is no change"
            }

            switch (name.Length)
            {
                case 7 when name.SequenceEqual("content"u8):
                    MergeContent(ref reader, json, state, choice, ref sink);
                    break;
                case 7 when name.SequenceEqual("refusal"u8) && reader.TokenType == JsonTokenType.String:
                    AppendText(ref reader, state, message.GetOrAdd(MemberNames.Refusal, MemberKind.Text, MemberNames.Refusal));
                    if (sink.IsEnabled)
                    {
                        sink.OnText(ChatUpdateKind.RefusalDelta, choice, reader.ValueSpan, state.SpanOffset + (int)reader.TokenStartIndex + 1);
                    }

                    break;
                case 10 when name.SequenceEqual("tool_calls"u8):
                case 9 when name.SequenceEqual("toolCalls"u8):
                    Detect(state, name.Length == 10 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
                    MergeToolCalls(ref reader, json, state, choice, ref sink);
                    break;
                case 13 when name.SequenceEqual("function_call"u8) && reader.TokenType == JsonTokenType.StartObject:
                    // "Legacy function_call: name first non-empty, arguments concatenated."
                    MergeMembers(ref reader, json, state, GetObjectMember(message, MemberNames.FunctionCall), ArrayRule.Raw);
                    break;
                case 5 when name.SequenceEqual("audio"u8) && reader.TokenType == JsonTokenType.StartObject:
                    MergeMembers(ref reader, json, state, GetObjectMember(message, MemberNames.Audio), ArrayRule.Raw, isAudio: true);
                    break;
                case 11 when name.SequenceEqual("annotations"u8) && reader.TokenType == JsonTokenType.StartArray:
                    MergeDistinct(ref reader, json, state, message.GetOrAdd(MemberNames.Annotations, MemberKind.DistinctArray, MemberNames.Annotations));
                    break;
                default:
                    MergeMember(ref reader, json, state, message, name, ArrayRule.ByIndex, isAudio: false);
                    if (sink.IsEnabled && reader.TokenType == JsonTokenType.String && IsReasoning(name))
                    {
                        sink.OnText(ChatUpdateKind.ReasoningDelta, choice, reader.ValueSpan, state.SpanOffset + (int)reader.TokenStartIndex + 1);
                    }

                    break;
            }
        }
    }

    private static bool IsReasoning(ReadOnlySpan<byte> name)
        => name.SequenceEqual("reasoning_content"u8) || name.SequenceEqual("reasoning"u8);

    private static bool IsIdentity(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 => name.SequenceEqual("id"u8),
        4 => name.SequenceEqual("type"u8) || name.SequenceEqual("name"u8) || name.SequenceEqual("role"u8),
        5 => name.SequenceEqual("index"u8),
        6 => name.SequenceEqual("format"u8),
        7 => name.SequenceEqual("channel"u8),
        _ => false,
    };

    private static MergedObject GetObjectMember(MergedObject target, byte[] name)
    {
        MergedMember member = target.GetOrAdd(name, MemberKind.Object, name);
        if (member.Kind != MemberKind.Object)
        {
            member.Kind = MemberKind.Object;
            member.Value.Clear();
            member.Items = null;
        }

        member.Items ??= [new MergedObject()];
        return member.Object;
    }

    private static void AppendText(ref Utf8JsonReader reader, CompletionState state, MergedMember member)
    {
        if (member.Kind != MemberKind.Text)
        {
            member.Kind = MemberKind.Text;
            member.Value.Clear();
            member.Items = null;
        }

        ReadOnlySpan<byte> fragment = reader.ValueSpan;
        state.Charge(fragment.Length);
        member.Value.Append(fragment);
    }

    // "content: string fragments concatenated ... If content ever arrives as an array of parts,
    // the result is an array: a string fragment becomes a {"type":"text","text":...} part, an empty
    // string is no change, and a part whose type equals the previous part's type is merged into it."
    private static void MergeContent<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        MergedMember member = choice.Message.GetOrAdd(MemberNames.Content, reader.TokenType == JsonTokenType.StartArray ? MemberKind.PartArray : MemberKind.Text, MemberNames.Content);
        if (reader.TokenType == JsonTokenType.String)
        {
            if (member.Kind == MemberKind.PartArray)
            {
                if (!reader.ValueSpan.IsEmpty)
                {
                    AppendTextPart(member, reader.ValueSpan, state);
                }
            }
            else
            {
                AppendText(ref reader, state, member);
            }

            if (sink.IsEnabled && !reader.ValueSpan.IsEmpty)
            {
                sink.OnText(ChatUpdateKind.ContentDelta, choice, reader.ValueSpan, state.SpanOffset + (int)reader.TokenStartIndex + 1);
            }

            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new MalformedChunkException("'content' must be a string, an array of parts or null");
        }

        if (member.Kind != MemberKind.PartArray)
        {
            // Text that arrived before the first part array becomes the first text part.
            member.Items = [];
            if (member.Kind == MemberKind.Text && !member.Value.IsEmpty)
            {
                AppendTextPart(member, member.Value.Span, state);
            }

            member.Kind = MemberKind.PartArray;
            member.Value.Clear();
        }

        MergeParts(ref reader, json, state, member);
    }

    private static void AppendTextPart(MergedMember parts, ReadOnlySpan<byte> escapedText, CompletionState state)
    {
        List<MergedObject> items = parts.Items ??= [];
        MergedObject? last = items.Count > 0 ? items[^1] : null;
        if (last is null || last.IsRawValue || !last.GetText("type"u8).SequenceEqual("text"u8))
        {
            last = new MergedObject();
            MergedMember type = last.GetOrAdd(MemberNames.Type, MemberKind.Identity, MemberNames.Type);
            type.Value.Set("text"u8);
            items.Add(last);
        }

        MergedMember text = last.GetOrAdd(MemberNames.Text, MemberKind.Text, MemberNames.Text);
        state.Charge(escapedText.Length);
        text.Value.Append(escapedText);
    }

    private static void MergeParts(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, MergedMember member)
    {
        List<MergedObject> items = member.Items ??= [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                {
                    ReadOnlySpan<byte> type = FindString(reader, "type"u8);
                    MergedObject? last = items.Count > 0 ? items[^1] : null;
                    if (last is null || last.IsRawValue || !last.GetText("type"u8).SequenceEqual(type))
                    {
                        last = new MergedObject();
                        items.Add(last);
                    }

                    MergeMembers(ref reader, json, state, last, ArrayRule.Parts);
                    break;
                }

                case JsonTokenType.String:
                    if (!reader.ValueSpan.IsEmpty)
                    {
                        AppendTextPart(member, reader.ValueSpan, state);
                    }

                    break;
                case JsonTokenType.Null:
                    break;
                default:
                    AddRawEntry(ref reader, json, state, items);
                    break;
            }
        }
    }

    /// <summary>The escaped value of string member <paramref name="name"/> of the object under <paramref name="reader"/> (a copy).</summary>
    private static ReadOnlySpan<byte> FindString(Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                return reader.TokenType == JsonTokenType.String ? reader.ValueSpan : default;
            }

            reader.Skip();
        }

        return default;
    }

    private static void AddRawEntry(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, List<MergedObject> items)
        => AddRawEntry(ReadRaw(ref reader, json), state, items);

    private static void AddRawEntry(ReadOnlySpan<byte> raw, CompletionState state, List<MergedObject> items)
    {
        state.Charge(raw.Length);
        var entry = new MergedObject { IsRawValue = true };
        entry.RawValue.Set(raw);
        items.Add(entry);
    }

    // "annotations: entries appended in order; an entry equal to one already present is not added twice."
    private static void MergeDistinct(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, MergedMember member)
    {
        List<MergedObject> items = member.Items ??= [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
            bool present = false;
            foreach (MergedObject item in items)
            {
                if (item.RawValue.Span.SequenceEqual(raw))
                {
                    present = true;
                    break;
                }
            }

            if (!present)
            {
                AddRawEntry(raw, state, items);
            }
        }
    }

    // "Other arrays in a delta: entries that carry an index are merged by it (identity members first
    // non-empty, other strings concatenated, other values last non-null); entries without one are appended."
    private static void MergeIndexedArray(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, MergedMember member)
    {
        List<MergedObject> items = member.Items ??= [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                AddRawEntry(ref reader, json, state, items);
                continue;
            }

            long index = LocateIndex(reader, json, onObjectStart: true, "array entry") ?? -1;
            MergedObject? entry = null;
            if (index >= 0)
            {
                foreach (MergedObject item in items)
                {
                    if (item.EntryIndex == index)
                    {
                        entry = item;
                        break;
                    }
                }
            }

            if (entry is null)
            {
                if (items.Count >= state.Options.MaxToolCallsPerChoice)
                {
                    throw new MalformedChunkException($"an array of the delta grew beyond {state.Options.MaxToolCallsPerChoice} entries (MaxToolCallsPerChoice)");
                }

                entry = new MergedObject { EntryIndex = index };
                items.Add(entry);
            }

            MergeMembers(ref reader, json, state, entry, ArrayRule.Raw);
        }
    }

    /// <summary>How arrays nested in a merged object combine.</summary>
    private enum ArrayRule : byte
    {
        /// <summary>Last non-null value, verbatim.</summary>
        Raw,

        /// <summary>Entries merged by <c>index</c> (the members of a delta).</summary>
        ByIndex,

        /// <summary>Content parts (arrays nested in a content part).</summary>
        Parts,
    }

    /// <summary>Merges the members of the object under the reader into <paramref name="target"/>.</summary>
    private static void MergeMembers(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, MergedObject target, ArrayRule arrays, bool isAudio = false)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (reader.TokenType != JsonTokenType.Null)
            {
                MergeMember(ref reader, json, state, target, name, arrays, isAudio);
            }
        }
    }

    private static void MergeMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, MergedObject target, scoped ReadOnlySpan<byte> name, ArrayRule arrays, bool isAudio)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return;
            case JsonTokenType.String when IsIdentity(name):
            {
                // "Identity members are never concatenated: they keep their first non-empty value."
                MergedMember member = target.GetOrAdd(name, MemberKind.Identity);
                if (member.Kind != MemberKind.Identity || (member.Value.IsEmpty && !reader.ValueSpan.IsEmpty))
                {
                    member.Kind = MemberKind.Identity;
                    member.Value.Set(reader.ValueSpan);
                }

                return;
            }

            case JsonTokenType.String when isAudio && name.SequenceEqual("data"u8):
                AppendBase64(ref reader, state, target.GetOrAdd(MemberNames.Data, MemberKind.Base64, MemberNames.Data));
                return;
            case JsonTokenType.String:
                AppendText(ref reader, state, target.GetOrAdd(name, MemberKind.Text));
                return;
            case JsonTokenType.StartArray when arrays != ArrayRule.Raw:
            {
                MergedMember member = target.GetOrAdd(name, arrays == ArrayRule.Parts ? MemberKind.PartArray : MemberKind.IndexedArray);
                MemberKind kind = arrays == ArrayRule.Parts ? MemberKind.PartArray : MemberKind.IndexedArray;
                if (member.Kind != kind)
                {
                    member.Kind = kind;
                    member.Value.Clear();
                    member.Items = null;
                }

                if (kind == MemberKind.PartArray)
                {
                    MergeParts(ref reader, json, state, member);
                }
                else
                {
                    MergeIndexedArray(ref reader, json, state, member);
                }

                return;
            }

            default:
            {
                MergedMember? member = target.Find(name);
                if (IsIdentity(name) && member is { Kind: MemberKind.Raw } && !member.Value.IsEmpty)
                {
                    reader.Skip(); // an identity number (an entry's index) keeps its first value
                    return;
                }

                ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
                SetRaw(member ?? target.GetOrAdd(name, MemberKind.Raw), raw);
                return;
            }
        }
    }

    // "audio.data is base64 of a byte stream, so fragments are decoded, joined as bytes and encoded
    // once." A fragment need not end on a 4-character quantum: the remainder waits for the next one.
    private static void AppendBase64(ref Utf8JsonReader reader, CompletionState state, MergedMember member)
    {
        if (member.Kind != MemberKind.Base64)
        {
            member.Kind = MemberKind.Base64;
            member.Value.Clear();
        }

        ReadOnlySpan<byte> escaped = reader.ValueSpan;
        Base64Remainder pending = member.Pending ??= new Base64Remainder();
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(pending.Bytes.Length + escaped.Length);
        try
        {
            pending.Bytes.Span.CopyTo(rented);
            int length = pending.Bytes.Length + JsonText.Unescape(escaped, rented.AsSpan(pending.Bytes.Length));
            int whole = length & ~3;
            if (!JsonText.AppendBase64Decoded(ref member.Value, rented.AsSpan(0, whole)))
            {
                throw new MalformedChunkException("'audio.data' is not base64");
            }

            state.Charge(whole);
            pending.Bytes.Set(rented.AsSpan(whole, length - whole));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void MergeToolCalls<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new MalformedChunkException("'tool_calls' must be an array");
        }

        // The message lists its members in order of first appearance; tool calls keep their place.
        choice.Message.GetOrAdd(MemberNames.ToolCalls, MemberKind.ToolCalls, MemberNames.ToolCalls);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MalformedChunkException("each tool call fragment must be an object");
            }

            MergeToolCallFragment(ref reader, json, state, choice, ref sink);
        }
    }

    private static void MergeToolCallFragment<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        // One pass records the fragment's parts as slices of the chunk; the call it belongs to can
        // only be known once its id, index and name have all been seen, in whatever order they came.
        Utf8JsonReader start = reader;
        int? index = null;
        ReadOnlySpan<byte> id = default;
        ReadOnlySpan<byte> type = default;
        ReadOnlySpan<byte> functionName = default;
        ReadOnlySpan<byte> arguments = default;
        bool argumentsAreJson = false;
        bool hasArguments = false;
        bool hasFunction = false;
        bool hasExtras = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            switch (name.Length)
            {
                case 5 when name.SequenceEqual("index"u8):
                    index = ReadIndex(ref reader, "tool call");
                    break;
                case 2 when name.SequenceEqual("id"u8) && reader.TokenType == JsonTokenType.String:
                    id = reader.ValueSpan;
                    break;
                case 4 when name.SequenceEqual("type"u8) && reader.TokenType == JsonTokenType.String:
                    type = reader.ValueSpan;
                    break;
                case 8 when name.SequenceEqual("function"u8) && reader.TokenType == JsonTokenType.StartObject:
                    hasFunction = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        ReadOnlySpan<byte> member = GetName(ref reader);
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            continue;
                        }

                        if (member.SequenceEqual("name"u8) && reader.TokenType == JsonTokenType.String)
                        {
                            functionName = reader.ValueSpan;
                        }
                        else if (member.SequenceEqual("arguments"u8))
                        {
                            // "Arguments that arrive as a JSON object or array instead of a string are taken as their JSON text."
                            hasArguments = true;
                            argumentsAreJson = reader.TokenType != JsonTokenType.String;
                            arguments = argumentsAreJson ? ReadRaw(ref reader, json) : reader.ValueSpan;
                        }
                        else
                        {
                            hasExtras = true;
                            reader.Skip();
                        }
                    }

                    break;
                default:
                    hasExtras = true;
                    reader.Skip();
                    break;
            }
        }

        ToolCallState call = RouteToolCall(choice, state, index, id, functionName, out bool created);
        if (index is int given)
        {
            choice.GivePeerIndex(given, call);
        }

        if (call.Id.IsEmpty && !id.IsEmpty)
        {
            call.Id.Set(id);
        }

        if (call.Type.IsEmpty && !type.IsEmpty)
        {
            call.Type.Set(type);
        }

        if (call.Name.IsEmpty && !functionName.IsEmpty)
        {
            call.Name.Set(functionName);
        }

        call.HasFunction |= hasFunction;
        if (created && sink.IsEnabled)
        {
            sink.OnToolCallStarted(choice, call);
        }

        if (hasArguments)
        {
            call.HasArguments = true;
            AppendArguments(call, arguments, argumentsAreJson, state, choice, ref sink);
        }

        if (hasExtras)
        {
            MergeToolCallExtras(start, json, call);
        }
    }

    // Section 7: "Identity of the call a fragment belongs to, in this order".
    private static ToolCallState RouteToolCall(ChoiceState choice, CompletionState state, int? index, ReadOnlySpan<byte> id, ReadOnlySpan<byte> functionName, out bool created)
    {
        created = false;
        if (!id.IsEmpty)
        {
            // 1. "a non-empty id already seen in this choice: that call"
            ToolCallState? known = choice.FindToolCallById(id);
            if (known is not null)
            {
                return known;
            }

            // 2. "a non-empty new id together with a non-empty function name, or a new id where no
            //    call exists yet for its index: a new call"
            if (!functionName.IsEmpty || (index is int i && choice.FindToolCallByPeerIndex(i) is null))
            {
                return NewToolCall(choice, state, out created);
            }
        }

        // 3. "otherwise, if the fragment has an index: the call most recently given that index"
        //    (a new call when none was given it yet)
        if (index is int peerIndex)
        {
            return choice.FindToolCallByPeerIndex(peerIndex) ?? NewToolCall(choice, state, out created);
        }

        // 4. "otherwise the most recent call of the choice; if there is none, a new call"
        return choice.ToolCalls.Count > 0 ? choice.ToolCalls[^1] : NewToolCall(choice, state, out created);
    }

    private static ToolCallState NewToolCall(ChoiceState choice, CompletionState state, out bool created)
    {
        if (choice.ToolCalls.Count >= state.Options.MaxToolCallsPerChoice)
        {
            throw new MalformedChunkException($"choice {choice.Index} has more than {state.Options.MaxToolCallsPerChoice} tool calls (MaxToolCallsPerChoice)");
        }

        var call = new ToolCallState(choice.ToolCalls.Count);
        choice.ToolCalls.Add(call);
        created = true;
        return call;
    }

    private static void AppendArguments<TSink>(ToolCallState call, ReadOnlySpan<byte> arguments, bool isJson, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IChatUpdateSink
    {
        if (arguments.IsEmpty)
        {
            return;
        }

        state.Charge(arguments.Length);
        ReadOnlySpan<byte> text;
        byte[]? rented = null;
        if (isJson)
        {
            JsonText.AppendEscaped(ref call.Arguments, arguments);
            text = arguments;
        }
        else
        {
            call.Arguments.Append(arguments);
            if (arguments.IndexOf((byte)'\\') < 0)
            {
                text = arguments;
            }
            else
            {
                rented = System.Buffers.ArrayPool<byte>.Shared.Rent(arguments.Length);
                text = rented.AsSpan(0, JsonText.Unescape(arguments, rented));
            }
        }

        call.Validator.Feed(text);
        if (sink.IsEnabled)
        {
            sink.OnToolCallArguments(choice, call, text);
        }

        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // "Other members of a call and of its function are kept (last non-null)." Rare, so a second
    // pass over the fragment is cheaper than recording them on the hot path.
    private static void MergeToolCallExtras(Utf8JsonReader reader, ReadOnlySpan<byte> json, ToolCallState call)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (name.SequenceEqual("function"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    ReadOnlySpan<byte> member = GetName(ref reader);
                    reader.Read();
                    if (member.SequenceEqual("name"u8) || member.SequenceEqual("arguments"u8) || reader.TokenType == JsonTokenType.Null)
                    {
                        reader.Skip();
                        continue;
                    }

                    call.FunctionExtras ??= new MergedObject();
                    MergeLastNonNull(ref reader, json, call.FunctionExtras, member);
                }
            }
            else if (name.SequenceEqual("index"u8) || name.SequenceEqual("id"u8) || name.SequenceEqual("type"u8)
                || name.SequenceEqual("function"u8) || reader.TokenType == JsonTokenType.Null)
            {
                reader.Skip();
            }
            else
            {
                call.Extras ??= new MergedObject();
                MergeLastNonNull(ref reader, json, call.Extras, name);
            }
        }
    }
}

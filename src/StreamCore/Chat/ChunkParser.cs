using System;
using System.Text.Json;
using StreamCore.Core;
using static StreamCore.Core.MemberMerger;
using static StreamCore.Chat.ChoiceParser;
using static StreamCore.Chat.RepeatedChoiceMerger;

namespace StreamCore.Chat;

/// <summary>
/// Reads one <c>chat.completion.chunk</c> with <see cref="Utf8JsonReader"/>, straight from the
/// event's bytes, and merges its top level into a <see cref="CompletionState"/> by the assembly rules
/// (section 4); the choices go to <see cref="ChoiceParser"/>. A chunk whose envelope repeats the last
/// one is read from its choices only (<see cref="ChunkEnvelope"/>), and a lone choice that repeats
/// its bytes around the delta has only the delta read (<see cref="RepeatedChoiceMerger"/>). Nothing is
/// decoded to text; strings are appended escaped, as they arrived. Generic over the update sink so
/// that callbacks cost nothing when no one listens.
/// </summary>
internal static class ChunkParser
{
    /// <summary>Merges <paramref name="json"/>, one chunk, into <paramref name="state"/>.</summary>
    /// <exception cref="JsonException">The chunk is not well-formed JSON.</exception>
    /// <exception cref="MalformedEventException">The chunk is JSON of the wrong shape, or breaks a limit.</exception>
    public static void Merge<TSink>(ReadOnlySpan<byte> json, CompletionState state, ref TSink sink)
        where TSink : struct, IUpdateSink
        => MergeChunk(json, state, ref sink);

    private static void MergeChunk<TSink>(ReadOnlySpan<byte> json, CompletionState state, ref TSink sink)
        where TSink : struct, IUpdateSink
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
        where TSink : struct, IUpdateSink
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
        where TSink : struct, IUpdateSink
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
            throw new MalformedEventException("the event's data is not a JSON object");
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
                    state.Detect(name.Length == 7 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
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
                    state.Detect(name.Length == 18 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
                    MergeLastNonEmpty(ref reader, top.GetOrAdd(MemberNames.SystemFingerprint, MemberKind.Null, MemberNames.SystemFingerprint));
                    break;
                case 12 when name.SequenceEqual("service_tier"u8):
                case 11 when name.SequenceEqual("serviceTier"u8):
                    state.Detect(name.Length == 12 ? ChatDialect.OpenAI : ChatDialect.Aitronos);
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
                        state.Detect(ChatDialect.Aitronos);
                    }

                    MergeLastNonNull(ref reader, json, top, name);
                    break;
            }
        }

        // A second top-level value or trailing bytes make the reader throw here.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new MalformedEventException("the event's data has content after its JSON object");
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
            sink.OnJson(state.Result, StreamUpdateKind.ProviderError, -1, -1, top.Find(MemberNames.Error)!.Value.Span, -1);
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
            throw new MalformedEventException($"member '{System.Text.Encoding.UTF8.GetString(member.Name)}' must be a string");
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
        where TSink : struct, IUpdateSink
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
            sink.OnJson(state.Result, StreamUpdateKind.Usage, -1, -1, raw, state.SpanOffset + start);
        }
    }
}

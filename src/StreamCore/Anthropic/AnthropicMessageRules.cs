using System;
using System.Text;
using System.Text.Json;
using StreamCore.Core;
using static StreamCore.Core.MemberMerger;

namespace StreamCore.Anthropic;

/// <summary>
/// Rules 1, 5 and 7 of <c>typed-protocols.md</c>, section 2: the message that <c>message_start</c>
/// sets, what <c>message_delta</c> lays over it, and the provider's <c>error</c>.
/// </summary>
internal static class AnthropicMessageRules
{
    /// <summary>
    /// Rule 1: "message_start sets the message: message's members verbatim, including a non-empty
    /// content (complete tool calls) and its usage. A second message_start with the same id changes
    /// nothing; one with another id is malformed input (a proxy splicing two generations), and the
    /// first message is kept."
    /// </summary>
    public static void Start<TSink>(AnthropicState state, ReadOnlySpan<byte> message, int offset, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (message.IsEmpty || message[0] != (byte)'{')
        {
            throw new MalformedEventException("a message_start has no message object");
        }

        if (state.HasMessageStart)
        {
            ReadOnlySpan<byte> kept = state.Message.Find(MemberNames.Id) is { Kind: MemberKind.Raw } id ? id.Value.Span : default;
            ReadOnlySpan<byte> repeated = FindRawMember(message, "id"u8, state.Options.MaxJsonDepth);
            if (repeated.SequenceEqual(kept))
            {
                return;
            }

            throw new MalformedEventException(
                $"a second message_start names another message ({Quote(repeated)} after {Quote(kept)}): two generations spliced into one stream");
        }

        state.Charge(message.Length);
        state.HasMessageStart = true;
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (name.SequenceEqual("content"u8))
            {
                ReadContent(ref reader, message, offset, state, ref sink);
            }
            else if (name.SequenceEqual("usage"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                MergedObject usage = GetObjectMember(state.Message, MemberNames.Usage);
                LayOver(ref reader, message, usage, keepNulls: true);
                if (sink.IsEnabled)
                {
                    // The usage as laid over so far: the last usage announced is the result's.
                    sink.OnJson(state.Result, StreamUpdateKind.Usage, -1, -1, state.GetUsageJson(), -1);
                }
            }
            else
            {
                SetVerbatim(ref reader, message, state.Message, name);
            }
        }
    }

    /// <summary>
    /// Rule 5: "message_delta sets stop_reason, stop_sequence, stop_details and container from its
    /// delta, keeps context_management, and lays each non-null member of its usage over the
    /// message's usage, member by member. Usage is cumulative: never add, and never keep a start
    /// value that the delta replaced."
    /// </summary>
    public static void Delta<TSink>(AnthropicState state, scoped ref AnthropicEvent e, ReadOnlySpan<byte> data, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        int maxDepth = state.Options.MaxJsonDepth;
        bool stopped = false;
        bool explained = false;
        if (e.Delta is [(byte)'{', ..])
        {
            // The delta's other members are set as well: verbatim by default (section 0).
            state.Charge(e.Delta.Length);
            var reader = new Utf8JsonReader(e.Delta, new JsonReaderOptions { MaxDepth = maxDepth });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ReadOnlySpan<byte> name = GetName(ref reader);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    // A null sets nothing; a member the message lacks is still written (as null).
                    state.Message.GetOrAdd(name, MemberKind.Null);
                    continue;
                }

                stopped |= reader.TokenType == JsonTokenType.String && name.SequenceEqual("stop_reason"u8);
                explained |= name.SequenceEqual("stop_details"u8);
                SetVerbatim(ref reader, e.Delta, state.Message, name);
            }
        }

        if (!e.Usage.IsEmpty)
        {
            if (e.Usage[0] != (byte)'{')
            {
                throw new MalformedEventException("a message_delta's usage is not an object");
            }

            state.Charge(e.Usage.Length);
            var reader = new Utf8JsonReader(e.Usage, new JsonReaderOptions { MaxDepth = maxDepth });
            reader.Read();
            LayOver(ref reader, e.Usage, GetObjectMember(state.Message, MemberNames.Usage), keepNulls: false);
            if (sink.IsEnabled)
            {
                // The usage as laid over so far, not the delta's members alone: the last usage announced is the result's.
                sink.OnJson(state.Result, StreamUpdateKind.Usage, -1, -1, state.GetUsageJson(), -1);
            }
        }

        if (e.HasOtherMembers)
        {
            KeepOtherMembers(state, data);
        }

        if (sink.IsEnabled)
        {
            Announce(state, stopped, explained, e.Delta, e.DeltaOffset, ref sink);
        }
    }

    /// <summary>
    /// Rule 7: "error: failed, with the error object; the message so far is kept." The error is the
    /// data's <c>error</c> member, else the data itself (or, when it is not JSON, the data as a string);
    /// it is written as the message's top-level <c>error</c> (section 0).
    /// </summary>
    public static void Error<TSink>(AnthropicState state, ReadOnlySpan<byte> error, int offset, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        state.Charge(error.Length);
        MergedMember member = state.Message.GetOrAdd(MemberNames.Error, MemberKind.Raw, MemberNames.Error);
        SetRaw(member, error);
        state.HasProviderError = true;
        state.Status = StreamStatus.Failed;
        state.Ended = true;
        if (sink.IsEnabled)
        {
            // A slice of the event's data when the error lies in it; else (quoted data) a copy.
            sink.OnJson(state.Result, StreamUpdateKind.ProviderError, -1, -1, offset >= 0 ? error : member.Value.Span, offset);
        }
    }

    // The message's content: complete blocks, at indexes 0, 1, ... ("including a non-empty content").
    private static void ReadContent<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> message, int offset, AnthropicState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip(); // null or another value: the content is the blocks that arrive
            return;
        }

        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MalformedEventException($"entry {index} of the message_start's content is not a block object");
            }

            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            ReadOnlySpan<byte> block = message[start..(int)reader.BytesConsumed];
            AnthropicBlockRules.Start(state, index, block, offset + start, ref sink);

            // The block arrived complete: it is closed as a content_block_stop would close it.
            AnthropicBlock started = state.FindBlock(index)!;
            AnthropicBlockRules.Close(state, started, ref sink);
            if (sink.IsEnabled)
            {
                sink.OnJson(state.Result, StreamUpdateKind.ItemCompleted, index, -1, default, -1);
            }

            index++;
        }
    }

    private static void Announce<TSink>(AnthropicState state, bool stopped, bool explained, ReadOnlySpan<byte> delta, int deltaOffset, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (!stopped)
        {
            return;
        }

        AnthropicMessageResult result = state.Result;
        // Anthropic sends no refusal text; a refusal's explanation stands for it (see AnthropicMessageResult.Refusal).
        if (explained && result.IsRefusal)
        {
            ReadOnlySpan<byte> details = FindRawMember(delta, "stop_details"u8, state.Options.MaxJsonDepth);
            delta.Overlaps(details, out int detailsStart);
            int detailsOffset = deltaOffset + detailsStart;
            ReadOnlySpan<byte> explanation = FindStringMember(details, "explanation"u8, out int explanationOffset);
            if (!explanation.IsEmpty)
            {
                sink.OnText(result, StreamUpdateKind.RefusalDelta, -1, -1, explanation, detailsOffset + explanationOffset, replaces: state.RefusalAnnounced);
                state.RefusalAnnounced = true;
            }
        }

        sink.OnStop(result, -1, result.StopKind, result.StopReason);
    }

    // "keeps context_management": the top-level members of a message_delta other than its type,
    // delta and usage are kept on the message, verbatim (last non-null).
    private static void KeepOtherMembers(AnthropicState state, ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (name.SequenceEqual("type"u8) || name.SequenceEqual("delta"u8) || name.SequenceEqual("usage"u8) || name.SequenceEqual("index"u8))
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                state.Message.GetOrAdd(name, MemberKind.Null);
                continue;
            }

            ReadOnlySpan<byte> raw = ReadRaw(ref reader, data);
            state.Charge(raw.Length);
            SetRaw(state.Message.GetOrAdd(name, MemberKind.Raw), raw);
        }
    }

    // Usage members laid over one by one: a member the delta sends replaces the one the message had.
    private static void LayOver(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, MergedObject usage, bool keepNulls)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                if (keepNulls)
                {
                    usage.GetOrAdd(name, MemberKind.Null);
                }

                continue;
            }

            ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
            SetRaw(usage.GetOrAdd(name, MemberKind.Raw), raw);
        }
    }

    private static void SetVerbatim(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, MergedObject target, scoped ReadOnlySpan<byte> name)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            MergedMember member = target.GetOrAdd(name, MemberKind.Null);
            member.Kind = MemberKind.Null;
            member.Value.Clear();
            member.Items = null;
            return;
        }

        ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
        SetRaw(target.GetOrAdd(name, MemberKind.Raw), raw);
    }

    /// <summary>The raw JSON of member <paramref name="name"/> of the object <paramref name="json"/>, or empty.</summary>
    internal static ReadOnlySpan<byte> FindRawMember(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        ReadOnlySpan<byte> found = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = reader.ValueTextEquals(name);
            reader.Read();
            ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
            if (match)
            {
                found = raw;
            }
        }

        return found;
    }

    /// <summary>The escaped content of string member <paramref name="name"/> of <paramref name="json"/> and its offset there, or empty.</summary>
    private static ReadOnlySpan<byte> FindStringMember(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, out int offset)
    {
        offset = -1;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = reader.ValueTextEquals(name);
            reader.Read();
            if (match && reader.TokenType == JsonTokenType.String)
            {
                offset = (int)reader.TokenStartIndex + 1;
                return reader.ValueSpan;
            }

            reader.Skip();
        }

        return default;
    }

    private static string Quote(ReadOnlySpan<byte> raw) => raw.IsEmpty ? "no id" : Encoding.UTF8.GetString(raw);
}

using System;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore.Anthropic;

/// <summary>
/// What one Anthropic event holds, recorded by one <see cref="Utf8JsonReader"/> pass over its data
/// (<see cref="AnthropicEventReader"/>): slices of the event's bytes with their offsets in it, so
/// that the rules act without reading the event again and the updates slice instead of copying.
/// </summary>
internal ref struct AnthropicEvent
{
    /// <summary>The data's <c>type</c> (unescaped), when it has one.</summary>
    public ReadOnlySpan<byte> Type;

    /// <summary>Where <see cref="Type"/> lies in the data, or -1 when it was unescaped into a copy.</summary>
    public int TypeOffset;

    public bool HasType;

    /// <summary>The block <c>index</c>, or -1 when the event has none (or it is null).</summary>
    public int Index;

    /// <summary>The <c>delta</c> member's raw JSON (any value) and its offset; empty when absent.</summary>
    public ReadOnlySpan<byte> Delta;
    public int DeltaOffset;

    /// <summary>The <c>delta</c> object's <c>type</c> (unescaped) and its offset (-1 when copied).</summary>
    public ReadOnlySpan<byte> DeltaType;
    public int DeltaTypeOffset;

    // The delta's string members, escaped content as it arrived, with their offsets in the data.
    public ReadOnlySpan<byte> DeltaText;
    public int DeltaTextOffset;
    public ReadOnlySpan<byte> DeltaThinking;
    public int DeltaThinkingOffset;
    public ReadOnlySpan<byte> DeltaPartialJson;
    public int DeltaPartialJsonOffset;

    // The delta's opaque or structured members, raw JSON: carried as bytes, never decoded.
    public ReadOnlySpan<byte> DeltaSignature;
    public ReadOnlySpan<byte> DeltaCitation;
    public int DeltaCitationOffset;
    public ReadOnlySpan<byte> DeltaContent;
    public ReadOnlySpan<byte> DeltaEncryptedContent;

    /// <summary>Raw JSON of the top-level <c>message</c>, <c>content_block</c>, <c>usage</c> and <c>error</c> members (empty when absent or null), with their offsets.</summary>
    public ReadOnlySpan<byte> Message;
    public int MessageOffset;
    public ReadOnlySpan<byte> ContentBlock;
    public int ContentBlockOffset;
    public ReadOnlySpan<byte> Usage;
    public int UsageOffset;
    public ReadOnlySpan<byte> Error;
    public int ErrorOffset;

    /// <summary>Whether the data has top-level members that no rule above names (a <c>message_delta</c> keeps them).</summary>
    public bool HasOtherMembers;

    /// <summary>The value of an Aitronos <c>event</c> member (another protocol), or empty.</summary>
    public ReadOnlySpan<byte> AitronosEvent;
}

/// <summary>
/// Reads an Anthropic event's data in one pass over its top-level members and, for a
/// <c>delta</c> object, its members: everything the rules of <c>typed-protocols.md</c>, section 2,
/// need is recorded as slices (<see cref="AnthropicEvent"/>); nested values the rules keep whole
/// are skipped over once and sliced.
/// </summary>
internal static class AnthropicEventReader
{
    /// <summary>Reads <paramref name="data"/>, one JSON object (white space may follow it).</summary>
    /// <exception cref="JsonException">The data is not well-formed JSON.</exception>
    /// <exception cref="MalformedEventException">The data is JSON of the wrong shape.</exception>
    public static AnthropicEvent Read(ReadOnlySpan<byte> data, int maxDepth)
    {
        AnthropicEvent e = default;
        e.Index = -1;
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedEventException("the event's data is not a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = reader.ValueIsEscaped ? MemberMerger.GetName(ref reader) : reader.ValueSpan;
            reader.Read();
            switch (name.Length)
            {
                case 4 when name.SequenceEqual("type"u8):
                    e.HasType = true;
                    e.Type = ReadName(ref reader, "type", out e.TypeOffset);
                    break;
                case 5 when name.SequenceEqual("index"u8):
                    e.Index = IndexReader.ReadIndex(ref reader, "a content block index") ?? -1;
                    break;
                case 5 when name.SequenceEqual("delta"u8):
                    e.DeltaOffset = (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadDelta(ref reader, data, ref e);
                    }
                    else
                    {
                        reader.Skip();
                    }

                    e.Delta = data[e.DeltaOffset..(int)reader.BytesConsumed];
                    break;
                case 7 when name.SequenceEqual("message"u8):
                    e.Message = ReadRawUnlessNull(ref reader, data, out e.MessageOffset);
                    break;
                case 13 when name.SequenceEqual("content_block"u8):
                    e.ContentBlock = ReadRawUnlessNull(ref reader, data, out e.ContentBlockOffset);
                    break;
                case 5 when name.SequenceEqual("usage"u8):
                    e.Usage = ReadRawUnlessNull(ref reader, data, out e.UsageOffset);
                    break;
                case 5 when name.SequenceEqual("error"u8):
                    e.Error = ReadRawUnlessNull(ref reader, data, out e.ErrorOffset);
                    break;
                case 5 when name.SequenceEqual("event"u8):
                    // Section 0: "an Aitronos event member in either" names another protocol.
                    if (reader.TokenType == JsonTokenType.String && ProtocolDetector.IsAitronosEvent(reader.ValueSpan))
                    {
                        e.AitronosEvent = reader.ValueSpan;
                    }

                    e.HasOtherMembers = true;
                    reader.Skip();
                    break;
                default:
                    e.HasOtherMembers = true;
                    reader.Skip();
                    break;
            }
        }

        // White space may follow the object ("data lines may end in spaces after the JSON"); a
        // second value or other trailing bytes make the reader throw here.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new MalformedEventException("the event's data has content after its JSON object");
        }

        return e;
    }

    // The members of a content_block_delta's delta: its type and the one value its type carries
    // (text_delta: text; thinking_delta: thinking; input_json_delta: partial_json; signature_delta:
    // signature; citations_delta: citation; compaction_delta: content, encrypted_content).
    private static void ReadDelta(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data, scoped ref AnthropicEvent e)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = reader.ValueIsEscaped ? MemberMerger.GetName(ref reader) : reader.ValueSpan;
            reader.Read();
            switch (name.Length)
            {
                case 4 when name.SequenceEqual("type"u8):
                    e.DeltaType = ReadName(ref reader, "delta.type", out e.DeltaTypeOffset);
                    break;
                case 4 when name.SequenceEqual("text"u8):
                    e.DeltaText = ReadString(ref reader, "delta.text", out e.DeltaTextOffset);
                    break;
                case 8 when name.SequenceEqual("thinking"u8):
                    e.DeltaThinking = ReadString(ref reader, "delta.thinking", out e.DeltaThinkingOffset);
                    break;
                case 12 when name.SequenceEqual("partial_json"u8):
                    e.DeltaPartialJson = ReadString(ref reader, "delta.partial_json", out e.DeltaPartialJsonOffset);
                    break;
                case 9 when name.SequenceEqual("signature"u8):
                    e.DeltaSignature = ReadRawSlice(ref reader, data, out _);
                    break;
                case 8 when name.SequenceEqual("citation"u8):
                    e.DeltaCitation = ReadRawSlice(ref reader, data, out e.DeltaCitationOffset);
                    break;
                case 7 when name.SequenceEqual("content"u8):
                    e.DeltaContent = ReadRawSlice(ref reader, data, out _);
                    break;
                case 17 when name.SequenceEqual("encrypted_content"u8):
                    e.DeltaEncryptedContent = ReadRawSlice(ref reader, data, out _);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    /// <summary>A string naming something (a type): unescaped, as a slice of the data when it needs no unescaping.</summary>
    private static ReadOnlySpan<byte> ReadName(scoped ref Utf8JsonReader reader, string what, out int offset)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new MalformedEventException($"'{what}' must be a string");
        }

        if (!reader.ValueIsEscaped)
        {
            offset = (int)reader.TokenStartIndex + 1;
            return reader.ValueSpan;
        }

        // An escaped type is legal but never sent; this is the only allocating path of the reader.
        offset = -1;
        byte[] copy = new byte[reader.ValueSpan.Length];
        return copy.AsSpan(0, JsonText.Unescape(reader.ValueSpan, copy));
    }

    /// <summary>A string's escaped content as it arrived and its offset; empty for null.</summary>
    private static ReadOnlySpan<byte> ReadString(scoped ref Utf8JsonReader reader, string what, out int offset)
    {
        offset = (int)reader.TokenStartIndex + 1;
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.ValueSpan,
            JsonTokenType.Null => default,
            _ => throw new MalformedEventException($"'{what}' must be a string"),
        };
    }

    /// <summary>The raw JSON of the value under the reader (null included), left on its last token.</summary>
    private static ReadOnlySpan<byte> ReadRawSlice(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data, out int offset)
    {
        offset = (int)reader.TokenStartIndex;
        return MemberMerger.ReadRaw(ref reader, data);
    }

    private static ReadOnlySpan<byte> ReadRawUnlessNull(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data, out int offset)
    {
        offset = (int)reader.TokenStartIndex;
        return reader.TokenType == JsonTokenType.Null ? default : MemberMerger.ReadRaw(ref reader, data);
    }
}

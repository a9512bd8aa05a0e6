using System;
using System.Diagnostics;
using System.Text.Json;
using StreamCore.Core;
using static StreamCore.Core.MemberMerger;

namespace StreamCore.Responses;

/// <summary>
/// Reads one Responses event with a single <see cref="Utf8JsonReader"/> pass over its data, recording
/// where each member the rules need lies (<see cref="EventFields"/>), and acting on none of them: the
/// event's type is not always its first member. Nested objects (<c>item</c>, <c>part</c>,
/// <c>response</c>) are walked member by member in the same pass, which costs what skipping them
/// would: their values are never read twice on the usual path.
/// </summary>
internal static class EventReader
{
    // Reopens the event object and its response object, so that a read can go on after an output array it skipped.
    private static ReadOnlySpan<byte> ReopenedEnvelope => "{\"\":{"u8;

    /// <summary>Reads <paramref name="data"/>, one JSON object, into <paramref name="fields"/>.</summary>
    /// <exception cref="JsonException">The data is not well-formed JSON.</exception>
    /// <exception cref="MalformedEventException">The data is JSON of the wrong shape.</exception>
    public static void Read(ReadOnlySpan<byte> data, ResponsesState state, ref EventFields fields)
    {
        var options = new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth };
        var reader = new Utf8JsonReader(data, options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedEventException("the event's data is not a JSON object");
        }

        int resumeAt = ReadMembers(ref reader, data, 0, state.Scratch, state, ref fields);
        if (resumeAt < 0)
        {
            EnsureEnd(ref reader);
            return;
        }

        // The terminal output was the items' final JSON, byte for byte (validated when they came), so
        // it was compared, not read: read on after it, in a copy that reopens the objects it lies in.
        state.Tail.Set(ReopenedEnvelope);
        state.Tail.Append(data[resumeAt..]);
        int origin = resumeAt - ReopenedEnvelope.Length;
        var rest = new Utf8JsonReader(state.Tail.Span, options);
        bool reopened = rest.Read() && rest.Read() && rest.Read();
        Debug.Assert(reopened && rest.TokenType == JsonTokenType.StartObject && rest.CurrentDepth == 1, "the response object is open again, where it was");
        ReadEnvelopeMembers(ref rest, default, origin, null, state.Scratch, ref fields.Response);
        int again = ReadMembers(ref rest, default, origin, state.Scratch, null, ref fields);
        Debug.Assert(again < 0, "without the state, nothing is compared");
        EnsureEnd(ref rest);
    }

    // A second top-level value or trailing bytes make the reader throw here.
    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new MalformedEventException("the event's data has content after its JSON object");
        }
    }

    /// <summary>
    /// Reads the event's members from the reader's position on (slices at <paramref name="origin"/> plus
    /// the reader's offsets). Returns -1 at the event's end, or where in the event's data to read on
    /// when the <c>response</c>'s output array was compared instead of read (only with <paramref name="state"/>).
    /// </summary>
    private static int ReadMembers(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, int origin, SliceScratch scratch, ResponsesState? state, ref EventFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = reader.ValueIsEscaped ? GetName(ref reader) : reader.ValueSpan;
            reader.Read();
            switch (name.Length)
            {
                case 4 when name.SequenceEqual("type"u8):
                    fields.Type = reader.TokenType switch
                    {
                        JsonTokenType.String => StringContent(ref reader, origin),
                        JsonTokenType.Null => Slice.None,
                        _ => throw new MalformedEventException("the event's 'type' must be a string"),
                    };
                    break;
                case 5 when name.SequenceEqual("delta"u8):
                    fields.Delta = StringOrNone(ref reader, origin);
                    break;
                case 12 when name.SequenceEqual("output_index"u8):
                    fields.OutputIndex = IndexReader.ReadIndex(ref reader, "'output_index'") ?? -1; // "Indexes are the peer's": they place things, never size anything
                    break;
                case 13 when name.SequenceEqual("content_index"u8):
                    fields.ContentIndex = IndexReader.ReadIndex(ref reader, "'content_index'") ?? -1;
                    break;
                case 13 when name.SequenceEqual("summary_index"u8):
                    fields.SummaryIndex = IndexReader.ReadIndex(ref reader, "'summary_index'") ?? -1;
                    break;
                case 16 when name.SequenceEqual("annotation_index"u8):
                    fields.AnnotationIndex = IndexReader.ReadIndex(ref reader, "'annotation_index'") ?? -1;
                    break;
                case 15 when name.SequenceEqual("sequence_number"u8):
                    // Diagnostics only (rule 13): a value that is not an integer is not one.
                    fields.HasSequenceNumber = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out fields.SequenceNumber);
                    fields.SequenceToken = fields.HasSequenceNumber ? new Slice(origin + (int)reader.TokenStartIndex, reader.ValueSpan.Length) : Slice.None;
                    break;
                case 7 when name.SequenceEqual("item_id"u8):
                    fields.ItemId = StringOrNone(ref reader, origin);
                    break;
                case 11 when name.SequenceEqual("obfuscation"u8):
                    fields.Obfuscation = StringOrNone(ref reader, origin); // "The obfuscation member is padding": never kept
                    break;
                case 8 when name.SequenceEqual("logprobs"u8):
                    fields.Logprobs = ArrayContent(ref reader, origin);
                    break;
                case 4 when name.SequenceEqual("text"u8):
                    fields.Text = StringOrNone(ref reader, origin);
                    break;
                case 7 when name.SequenceEqual("refusal"u8):
                    fields.Refusal = StringOrNone(ref reader, origin);
                    break;
                case 9 when name.SequenceEqual("arguments"u8):
                    fields.Arguments = StringOrNone(ref reader, origin);
                    break;
                case 5 when name.SequenceEqual("input"u8):
                    fields.Input = StringOrNone(ref reader, origin);
                    break;
                case 4 when name.SequenceEqual("code"u8):
                    fields.Code = StringOrNone(ref reader, origin);
                    break;
                case 4 when name.SequenceEqual("name"u8):
                    fields.Name = StringOrNone(ref reader, origin);
                    break;
                case 4 when name.SequenceEqual("item"u8):
                    fields.HasItem = reader.TokenType != JsonTokenType.Null;
                    if (fields.HasItem)
                    {
                        ReadItem(ref reader, scratch, origin, ref fields.Item);
                    }

                    break;
                case 4 when name.SequenceEqual("part"u8):
                    fields.HasPart = reader.TokenType != JsonTokenType.Null;
                    if (fields.HasPart)
                    {
                        ReadPart(ref reader, scratch, origin, ref fields.Part);
                    }

                    break;
                case 8 when name.SequenceEqual("response"u8):
                    fields.HasResponse = reader.TokenType != JsonTokenType.Null;
                    if (fields.HasResponse)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw new MalformedEventException("the event's 'response' must be a JSON object");
                        }

                        fields.Response.Raw = new Slice(origin + (int)reader.TokenStartIndex, 0);
                        int resumeAt = ReadEnvelopeMembers(ref reader, data, origin, state, scratch, ref fields.Response);
                        if (resumeAt >= 0)
                        {
                            return resumeAt;
                        }
                    }

                    break;
                case 10 when name.SequenceEqual("annotation"u8):
                    fields.Annotation = reader.TokenType == JsonTokenType.Null ? Slice.None : Raw(ref reader, origin);
                    break;
                case 5 when name.SequenceEqual("error"u8):
                    fields.Error = reader.TokenType == JsonTokenType.Null ? Slice.None : Raw(ref reader, origin);
                    break;
                case 5 when name.SequenceEqual("event"u8):
                    // Section 0: "an Aitronos event member" names another protocol; only its value tells.
                    fields.AitronosEvent = StringOrNone(ref reader, origin);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return -1;
    }

    /// <summary>
    /// Reads an output item (the reader on its first token; left on its last). Parts of its
    /// <c>content</c> and <c>summary</c> go to <paramref name="scratch"/>. Slices are offsets in the
    /// reader's input plus <paramref name="origin"/>.
    /// </summary>
    public static void ReadItem(ref Utf8JsonReader reader, SliceScratch scratch, int origin, ref ItemSlices item)
    {
        int start = (int)reader.TokenStartIndex;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedEventException("an output item must be a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = reader.ValueIsEscaped ? GetName(ref reader) : reader.ValueSpan;
            reader.Read();
            switch (name.Length)
            {
                case 4 when name.SequenceEqual("type"u8):
                    item.Type = StringOrNone(ref reader, origin);
                    break;
                case 7 when name.SequenceEqual("content"u8) && reader.TokenType == JsonTokenType.StartArray:
                    item.HasContent = true;
                    item.ContentFirst = scratch.PartCount;
                    item.ContentCount = ReadParts(ref reader, scratch, origin);
                    break;
                case 7 when name.SequenceEqual("summary"u8) && reader.TokenType == JsonTokenType.StartArray:
                    item.HasSummary = true;
                    item.SummaryFirst = scratch.PartCount;
                    item.SummaryCount = ReadParts(ref reader, scratch, origin);
                    break;
                case 9 when name.SequenceEqual("arguments"u8):
                    item.Arguments = StringOrNone(ref reader, origin);
                    break;
                case 5 when name.SequenceEqual("input"u8):
                    item.Input = StringOrNone(ref reader, origin);
                    break;
                case 4 when name.SequenceEqual("code"u8):
                    item.Code = StringOrNone(ref reader, origin);
                    break;
                case 7 when name.SequenceEqual("call_id"u8):
                    item.CallId = StringOrNone(ref reader, origin);
                    break;
                case 4 when name.SequenceEqual("name"u8):
                    item.Name = StringOrNone(ref reader, origin);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        item.Raw = new Slice(origin + start, (int)reader.BytesConsumed - start);
    }

    /// <summary>Reads a content or summary part (the reader on its first token; left on its last). A part that is not an object is kept raw.</summary>
    public static void ReadPart(ref Utf8JsonReader reader, SliceScratch scratch, int origin, ref PartSlices part)
    {
        int start = (int)reader.TokenStartIndex;
        part.IsObject = reader.TokenType == JsonTokenType.StartObject;
        if (!part.IsObject)
        {
            reader.Skip();
            part.Raw = new Slice(origin + start, (int)reader.BytesConsumed - start);
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = reader.ValueIsEscaped ? GetName(ref reader) : reader.ValueSpan;
            reader.Read();
            switch (name.Length)
            {
                case 4 when name.SequenceEqual("type"u8):
                    part.Type = StringOrNone(ref reader, origin);
                    break;
                case 4 when name.SequenceEqual("text"u8):
                    part.Text = StringOrNone(ref reader, origin);
                    break;
                case 7 when name.SequenceEqual("refusal"u8):
                    part.Refusal = StringOrNone(ref reader, origin);
                    break;
                case 8 when name.SequenceEqual("logprobs"u8):
                    part.Logprobs = ArrayContent(ref reader, origin);
                    break;
                case 11 when name.SequenceEqual("annotations"u8) && reader.TokenType == JsonTokenType.StartArray:
                    part.HasAnnotations = true;
                    part.AnnotationsFirst = scratch.EntryCount;
                    part.AnnotationsCount = ReadEntries(ref reader, scratch, origin, scratch.Limits.MaxAnnotations, "annotations in a part (MaxAnnotations)");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        part.Raw = new Slice(origin + start, (int)reader.BytesConsumed - start);
    }

    /// <summary>
    /// Reads the members of a <c>response</c> object from the reader's position to the object's end.
    /// With <paramref name="state"/> (a read that may skip), an <c>output</c> array that is the items'
    /// final JSON byte for byte is compared instead of read: returns where the read goes on after it.
    /// Otherwise the entries of <c>output</c> go to <paramref name="scratch"/> as slices; returns -1.
    /// </summary>
    private static int ReadEnvelopeMembers(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, int origin, ResponsesState? state, SliceScratch scratch, ref EnvelopeSlices envelope)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = reader.ValueIsEscaped ? GetName(ref reader) : reader.ValueSpan;
            reader.Read();
            switch (name.Length)
            {
                case 2 when name.SequenceEqual("id"u8):
                    envelope.Id = StringOrNone(ref reader, origin);
                    break;
                case 5 when name.SequenceEqual("model"u8):
                    envelope.Model = StringOrNone(ref reader, origin);
                    break;
                case 6 when name.SequenceEqual("status"u8):
                    envelope.Status = StringOrNone(ref reader, origin);
                    break;
                case 5 when name.SequenceEqual("usage"u8):
                    envelope.Usage = Raw(ref reader, origin);
                    break;
                case 5 when name.SequenceEqual("error"u8):
                    envelope.Error = Raw(ref reader, origin);
                    break;
                case 18 when name.SequenceEqual("incomplete_details"u8):
                    envelope.IncompleteDetails = Raw(ref reader, origin);
                    break;
                case 6 when name.SequenceEqual("output"u8):
                    int outputStart = origin + (int)reader.TokenStartIndex;
                    envelope.OutputIsArray = reader.TokenType == JsonTokenType.StartArray;
                    if (envelope.OutputIsArray && state is not null && TerminalOutput.Match(state, data, outputStart, out int resumeAt))
                    {
                        envelope.OutputIsItems = true;
                        envelope.OutputCount = state.Items.Count;
                        return resumeAt;
                    }

                    if (envelope.OutputIsArray)
                    {
                        envelope.OutputFirst = scratch.EntryCount;
                        envelope.OutputCount = ReadEntries(ref reader, scratch, origin, scratch.Limits.MaxOutputItems, "output items (MaxOutputItems)");
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        envelope.Raw = new Slice(envelope.Raw.Start, origin + (int)reader.BytesConsumed - envelope.Raw.Start);
        return -1;
    }

    // The limits hold for lists inside JSON too, so that an event's size, not a list's length, bounds what is recorded.
    private static int ReadParts(ref Utf8JsonReader reader, SliceScratch scratch, int origin)
    {
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count == scratch.Limits.MaxPartsPerItem)
            {
                throw new MalformedEventException($"an output item has more than {scratch.Limits.MaxPartsPerItem} parts in a list (MaxPartsPerItem)");
            }

            PartSlices part = default;
            ReadPart(ref reader, scratch, origin, ref part);
            scratch.AddPart(part);
            count++;
        }

        return count;
    }

    private static int ReadEntries(ref Utf8JsonReader reader, SliceScratch scratch, int origin, int limit, string what)
    {
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count == limit)
            {
                throw new MalformedEventException($"the event has more than {limit} {what}");
            }

            scratch.AddEntry(Raw(ref reader, origin));
            count++;
        }

        return count;
    }

    private static Slice StringContent(ref Utf8JsonReader reader, int origin = 0)
        => new(origin + (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);

    private static Slice StringOrNone(ref Utf8JsonReader reader, int origin = 0)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return StringContent(ref reader, origin);
        }

        reader.Skip();
        return Slice.None;
    }

    private static Slice Raw(ref Utf8JsonReader reader, int origin)
    {
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new Slice(origin + start, (int)reader.BytesConsumed - start);
    }

    /// <summary>The bytes between an array's brackets, or none when the value is not an array.</summary>
    private static Slice ArrayContent(ref Utf8JsonReader reader, int origin = 0)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return Slice.None;
        }

        int start = (int)reader.TokenStartIndex + 1;
        reader.Skip();
        return new Slice(origin + start, (int)reader.BytesConsumed - 1 - start);
    }
}

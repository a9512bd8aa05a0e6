using System;
using System.Buffers;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;
using static StreamCore.Json.MemberWriter;

namespace StreamCore.Responses;

/// <summary>
/// Writes an assembled Responses stream as the <c>response</c> object (<c>typed-protocols.md</c>,
/// section 1, "Output"): "members in the envelope's order, <c>output</c> as rule 9 says, each item as
/// its final JSON if it got one, else its seed with the assembled <c>content</c> / <c>summary</c> /
/// <c>arguments</c> / <c>input</c> / <c>code</c> written in". Every member no rule names is written
/// verbatim. Members the envelope lacks (<c>output</c>, a provider's <c>error</c>) follow its own.
/// </summary>
internal static class ResponsesWriter
{
    public static void Write(Utf8JsonWriter writer, ResponsesState state)
    {
        writer.WriteStartObject();
        bool wroteOutput = false;
        bool wroteError = false;
        ReadOnlySpan<byte> providerError = state.ProviderError.Span;
        if (state.HasEnvelope)
        {
            ReadOnlySpan<byte> envelope = state.Envelope.Span;
            var reader = new Utf8JsonReader(envelope, new JsonReaderOptions { MaxDepth = 256 });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isOutput = !wroteOutput && NameIs(ref reader, "output"u8);
                bool isError = !wroteError && NameIs(ref reader, "error"u8);
                WritePropertyName(writer, ref reader);
                reader.Read();
                ReadOnlySpan<byte> value = MemberMerger.ReadRaw(ref reader, envelope);
                if (isOutput)
                {
                    // Rule 9: the terminal output as it is, or the assembled items.
                    wroteOutput = true;
                    if (state.TerminalOutputUsed)
                    {
                        WriteRaw(writer, value);
                    }
                    else
                    {
                        WriteItems(writer, state);
                    }
                }
                else if (isError)
                {
                    // "A provider error is written into the native JSON: as the response object's error
                    // when the terminal event did not set one."
                    wroteError = true;
                    WriteRaw(writer, value.SequenceEqual("null"u8) && !providerError.IsEmpty ? providerError : value);
                }
                else
                {
                    WriteRaw(writer, value);
                }
            }
        }

        if (!wroteOutput)
        {
            writer.WritePropertyName("output"u8);
            WriteItems(writer, state);
        }

        if (!wroteError && !providerError.IsEmpty)
        {
            writer.WritePropertyName("error"u8);
            WriteRaw(writer, providerError);
        }

        writer.WriteEndObject();
    }

    private static void WriteItems(Utf8JsonWriter writer, ResponsesState state)
    {
        // Rule 2: "keep the list sparse and write it in index order".
        writer.WriteStartArray();
        foreach (OutputItemState item in state.Items.Entries)
        {
            WriteItem(writer, item);
        }

        writer.WriteEndArray();
    }

    private static void WriteItem(Utf8JsonWriter writer, OutputItemState item)
    {
        ReadOnlySpan<byte> seed = item.Seed.Span;
        if (item.Unchanged && !seed.IsEmpty)
        {
            WriteRaw(writer, seed);
            return;
        }

        bool content = item.Content is null;
        bool summary = item.Summary is null;
        bool arguments = item.Call is not { HasArguments: true };
        bool code = !item.HasCode;
        bool status = !item.HasStatus;
        ReadOnlySpan<byte> argumentsMember = item.ArgumentsMember;
        writer.WriteStartObject();
        if (seed.IsEmpty)
        {
            // Opened by events only: what they named.
            if (!item.ItemId.IsEmpty)
            {
                writer.WritePropertyName("id"u8);
                WriteEscapedString(writer, item.ItemId.Span);
            }

            writer.WritePropertyName("type"u8);
            WriteEscapedString(writer, item.Type.Span);
            if (item.Call is { } call)
            {
                if (!call.Id.IsEmpty)
                {
                    writer.WritePropertyName("call_id"u8);
                    WriteEscapedString(writer, call.Id.Span);
                }

                if (!call.Name.IsEmpty)
                {
                    writer.WritePropertyName("name"u8);
                    WriteEscapedString(writer, call.Name.Span);
                }
            }
        }
        else
        {
            var reader = new Utf8JsonReader(seed, new JsonReaderOptions { MaxDepth = 256 });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                WritePropertyName(writer, ref reader);
                bool written = true;
                if (!content && NameIs(ref reader, "content"u8))
                {
                    WriteParts(writer, item.Content!);
                    content = true;
                }
                else if (!summary && NameIs(ref reader, "summary"u8))
                {
                    WriteParts(writer, item.Summary!);
                    summary = true;
                }
                else if (!arguments && NameIs(ref reader, argumentsMember))
                {
                    WriteEscapedString(writer, item.Call!.Arguments.Span);
                    arguments = true;
                }
                else if (!code && NameIs(ref reader, "code"u8))
                {
                    WriteEscapedString(writer, item.Code.Span);
                    code = true;
                }
                else if (!status && NameIs(ref reader, "status"u8))
                {
                    WriteEscapedString(writer, item.Status.Span);
                    status = true;
                }
                else
                {
                    written = false;
                }

                reader.Read();
                ReadOnlySpan<byte> value = MemberMerger.ReadRaw(ref reader, seed);
                if (!written)
                {
                    WriteRaw(writer, value);
                }
            }
        }

        // What the events assembled and the seed did not have.
        if (!content)
        {
            writer.WritePropertyName("content"u8);
            WriteParts(writer, item.Content!);
        }

        if (!summary)
        {
            writer.WritePropertyName("summary"u8);
            WriteParts(writer, item.Summary!);
        }

        if (!arguments)
        {
            writer.WritePropertyName(argumentsMember);
            WriteEscapedString(writer, item.Call!.Arguments.Span);
        }

        if (!code)
        {
            writer.WritePropertyName("code"u8);
            WriteEscapedString(writer, item.Code.Span);
        }

        if (!status)
        {
            writer.WritePropertyName("status"u8);
            WriteEscapedString(writer, item.Status.Span);
        }

        writer.WriteEndObject();
    }

    private static void WriteParts(Utf8JsonWriter writer, PartList parts)
    {
        writer.WriteStartArray();
        foreach (OutputPartState part in parts.Parts)
        {
            WritePart(writer, part);
        }

        writer.WriteEndArray();
    }

    private static void WritePart(Utf8JsonWriter writer, OutputPartState part)
    {
        ReadOnlySpan<byte> seed = part.Seed.Span;
        if (!seed.IsEmpty && (part.Unchanged || !part.SeedIsObject))
        {
            WriteRaw(writer, seed);
            return;
        }

        bool text = !part.HasText;
        bool annotations = part.Annotations is null;
        bool logprobs = !part.HasLogprobs;
        ReadOnlySpan<byte> textMember = part.TextMember;
        writer.WriteStartObject();
        if (seed.IsEmpty)
        {
            writer.WritePropertyName("type"u8);
            WriteEscapedString(writer, part.Type.Span);
        }
        else
        {
            var reader = new Utf8JsonReader(seed, new JsonReaderOptions { MaxDepth = 256 });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                WritePropertyName(writer, ref reader);
                bool written = true;
                if (!text && NameIs(ref reader, textMember))
                {
                    WriteEscapedString(writer, part.Text.Span);
                    text = true;
                }
                else if (!annotations && NameIs(ref reader, "annotations"u8))
                {
                    WriteAnnotations(writer, part.Annotations!);
                    annotations = true;
                }
                else if (!logprobs && NameIs(ref reader, "logprobs"u8))
                {
                    WriteEntries(writer, part.Logprobs.Span);
                    logprobs = true;
                }
                else
                {
                    written = false;
                }

                reader.Read();
                ReadOnlySpan<byte> value = MemberMerger.ReadRaw(ref reader, seed);
                if (!written)
                {
                    WriteRaw(writer, value);
                }
            }
        }

        if (!text)
        {
            writer.WritePropertyName(textMember);
            WriteEscapedString(writer, part.Text.Span);
        }

        if (!annotations)
        {
            writer.WritePropertyName("annotations"u8);
            WriteAnnotations(writer, part.Annotations!);
        }

        if (!logprobs)
        {
            writer.WritePropertyName("logprobs"u8);
            WriteEntries(writer, part.Logprobs.Span);
        }

        writer.WriteEndObject();
    }

    private static void WriteAnnotations(Utf8JsonWriter writer, IndexedList<AnnotationState> annotations)
    {
        // Rule 6, "the annotation at annotation_index": in index order, a skipped index leaves no hole.
        writer.WriteStartArray();
        foreach (AnnotationState annotation in annotations.Entries)
        {
            WriteRaw(writer, annotation.Json.Span);
        }

        writer.WriteEndArray();
    }

    /// <summary>Comma-joined raw entries, written as one array.</summary>
    private static void WriteEntries(Utf8JsonWriter writer, ReadOnlySpan<byte> entries)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(entries.Length + 2);
        try
        {
            array[0] = (byte)'[';
            entries.CopyTo(array.AsSpan(1));
            array[entries.Length + 1] = (byte)']';
            WriteRaw(writer, array.AsSpan(0, entries.Length + 2));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private static void WritePropertyName(Utf8JsonWriter writer, ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WritePropertyName(reader.ValueSpan);
            return;
        }

        byte[] name = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        writer.WritePropertyName(name.AsSpan(0, JsonText.Unescape(reader.ValueSpan, name)));
        ArrayPool<byte>.Shared.Return(name);
    }

    /// <summary>
    /// Whether the property name under the reader is <paramref name="name"/>. Unlike
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/>, a name escaped into a lone
    /// surrogate is just another name here (a lone surrogate reads as U+FFFD), not an exception.
    /// </summary>
    internal static bool NameIs(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.SequenceEqual(name);
        }

        byte[] unescaped = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        bool equal = unescaped.AsSpan(0, JsonText.Unescape(reader.ValueSpan, unescaped)).SequenceEqual(name);
        ArrayPool<byte>.Shared.Return(unescaped);
        return equal;
    }
}

using System;
using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;
using StreamCore.Core;

namespace StreamCore.Json;

/// <summary>
/// Writes what the assembly keeps, for every protocol's writer: member bags (<see cref="MergedObject"/>)
/// member by member, escaped string content (unescaped once here and re-escaped by the writer,
/// which also replaces invalid UTF-8 and lone surrogates with U+FFFD), verbatim JSON, base64.
/// </summary>
internal static class MemberWriter
{
    /// <summary>
    /// Values longer than this (in stored bytes) are written in segments (<c>SegmentedWriter</c>, .NET 10):
    /// whole, a writer over a <see cref="System.IO.Stream"/> would first grow its buffer to hold the
    /// value escaped at its worst (six bytes per byte), about 90 bytes per event of a long answer.
    /// </summary>
    internal const int LongValue = 16 * 1024;

    public static void WriteMembers(Utf8JsonWriter writer, MergedObject target)
    {
        foreach (MergedMember member in target.Members)
        {
            WriteMember(writer, member.Name, member);
        }
    }

    public static void WriteMemberOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, MergedMember? member)
    {
        if (member is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            WriteMember(writer, name, member);
        }
    }

    public static void WriteIfPresent(Utf8JsonWriter writer, ReadOnlySpan<byte> name, MergedMember? member)
    {
        if (member is not null)
        {
            WriteMember(writer, name, member);
        }
    }

    public static void WriteMember(Utf8JsonWriter writer, ReadOnlySpan<byte> name, MergedMember member)
    {
        writer.WritePropertyName(name);
        WriteValue(writer, member);
    }

    public static void WriteValue(Utf8JsonWriter writer, MergedMember member)
    {
        switch (member.Kind)
        {
            case MemberKind.Null:
                writer.WriteNullValue();
                break;
            case MemberKind.Text or MemberKind.Identity:
                WriteEscapedString(writer, member.Value.Span);
                break;
            case MemberKind.Raw:
                WriteRaw(writer, member.Value.Span);
                break;
            case MemberKind.Base64:
                WriteBase64(writer, member);
                break;
            case MemberKind.Object:
                writer.WriteStartObject();
                WriteMembers(writer, member.Object);
                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartArray();
                foreach (MergedObject item in member.Items ?? [])
                {
                    if (item.IsRawValue)
                    {
                        WriteRaw(writer, item.RawValue.Span);
                    }
                    else
                    {
                        writer.WriteStartObject();
                        WriteMembers(writer, item);
                        writer.WriteEndObject();
                    }
                }

                writer.WriteEndArray();
                break;
        }
    }

    public static void WriteBase64(Utf8JsonWriter writer, MergedMember member)
    {
        ReadOnlySpan<byte> pending = member.Pending is null ? default : member.Pending.Bytes.Span;
        if (pending.IsEmpty)
        {
            WriteBase64Value(writer, member.Value.Span);
            return;
        }

        // A final fragment without padding: decode what it holds, as if padded.
        Span<byte> padded = stackalloc byte[4];
        pending.CopyTo(padded);
        padded[pending.Length..].Fill((byte)'=');
        Span<byte> tail = stackalloc byte[3];
        Base64.DecodeFromUtf8(padded, tail, out _, out int tailLength);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(member.Value.Length + tailLength);
        try
        {
            member.Value.Span.CopyTo(bytes);
            tail[..tailLength].CopyTo(bytes.AsSpan(member.Value.Length));
            WriteBase64Value(writer, bytes.AsSpan(0, member.Value.Length + tailLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Writes escaped string content as a string value, or null when nothing arrived.</summary>
    public static void WriteEscapedStringOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> escaped)
    {
        if (escaped.IsEmpty)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteEscapedString(writer, escaped);
        }
    }

    /// <summary>Writes escaped string content (as stored) as a string value.</summary>
    public static void WriteEscapedString(Utf8JsonWriter writer, ReadOnlySpan<byte> escaped)
    {
#if NET10_0_OR_GREATER
        if (escaped.Length > LongValue)
        {
            SegmentedWriter.WriteEscapedString(writer, escaped, SegmentedWriter.SegmentLength);
            return;
        }
#endif

        if (escaped.IndexOf((byte)'\\') < 0)
        {
            writer.WriteStringValue(escaped);
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(escaped.Length);
        try
        {
            writer.WriteStringValue(buffer.AsSpan(0, JsonText.Unescape(escaped, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes bytes as a base64 string value; a long one in segments, like long strings.</summary>
    private static void WriteBase64Value(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
    {
#if NET10_0_OR_GREATER
        if (bytes.Length > LongValue)
        {
            SegmentedWriter.WriteBase64(writer, bytes, SegmentedWriter.SegmentLength);
            return;
        }
#endif

        writer.WriteBase64StringValue(bytes);
    }

    /// <summary>
    /// Writes a verbatim JSON value. Compact output copies it as it is; indented output, or a value
    /// holding invalid UTF-8, is re-written token by token (numbers still exactly as sent).
    /// </summary>
    public static void WriteRaw(Utf8JsonWriter writer, ReadOnlySpan<byte> json)
    {
        if (!writer.Options.Indented && Utf8.IsValid(json))
        {
            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
                case JsonTokenType.PropertyName:
                    WithUnescaped(reader.ValueSpan, writer, static (w, text) => w.WritePropertyName(text));
                    break;
                case JsonTokenType.String:
                    WithUnescaped(reader.ValueSpan, writer, static (w, text) => w.WriteStringValue(text));
                    break;
                case JsonTokenType.Number:
                    writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
                case JsonTokenType.True:
                    writer.WriteBooleanValue(true);
                    break;
                case JsonTokenType.False:
                    writer.WriteBooleanValue(false);
                    break;
                default:
                    writer.WriteNullValue();
                    break;
            }
        }
    }

    private delegate void TextWriterAction(Utf8JsonWriter writer, ReadOnlySpan<byte> text);

    private static void WithUnescaped(ReadOnlySpan<byte> escaped, Utf8JsonWriter writer, TextWriterAction action)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(escaped.Length, 1));
        try
        {
            action(writer, buffer.AsSpan(0, JsonText.Unescape(escaped, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static bool IsOneOf(byte[] name, params ReadOnlySpan<byte[]> names)
    {
        foreach (byte[] candidate in names)
        {
            if (ReferenceEquals(name, candidate) || name.AsSpan().SequenceEqual(candidate))
            {
                return true;
            }
        }

        return false;
    }
}

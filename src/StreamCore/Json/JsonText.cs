using System;
using System.Buffers;
using System.Buffers.Text;
using System.Text;
using StreamCore.Buffers;

namespace StreamCore.Json;

/// <summary>
/// Conversions between the escaped content of JSON strings (as it appears between the quotes) and
/// UTF-8 text. Assembled strings are stored escaped, exactly as they arrived, and unescaped once
/// at the end, so that the halves of a surrogate pair escaped in two chunks join into one character.
/// </summary>
internal static class JsonText
{
    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    /// <summary>
    /// The length of the JSON string content at the start of <paramref name="text"/>, up to its closing
    /// quote, or -1 when it is not valid string content (a control character, a bad escape) or does not end:
    /// the JSON grammar of a string as Utf8JsonReader checks it (UTF-8 is checked by neither). The byte
    /// compare shortcuts of the typed protocols use it on the one value they read.
    /// </summary>
    public static int StringContentLength(ReadOnlySpan<byte> text)
    {
        int position = 0;
        while (true)
        {
            int special = text[position..].IndexOfAny((byte)'"', (byte)'\\');
            if (special < 0)
            {
                return -1;
            }

            // "All code points may be placed within the quotation marks except ... the control characters."
            if (text.Slice(position, special).IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
            {
                return -1;
            }

            position += special;
            if (text[position] == (byte)'"')
            {
                return position;
            }

            if (++position >= text.Length)
            {
                return -1;
            }

            switch (text[position])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    position++;
                    break;
                case (byte)'u' when position + 4 < text.Length && IsHex(text.Slice(position + 1, 4)):
                    position += 5;
                    break;
                default:
                    return -1;
            }
        }
    }

    private static bool IsHex(ReadOnlySpan<byte> digits) => digits.IndexOfAnyExcept(HexDigits) < 0;

    private static ReadOnlySpan<byte> Replacement => [0xEF, 0xBF, 0xBD];

    /// <summary>
    /// Unescapes <paramref name="escaped"/> into <paramref name="destination"/>, which must be at least
    /// as long (unescaping never lengthens). A lone surrogate becomes U+FFFD; invalid UTF-8 is copied
    /// as it is (text APIs replace it when decoding). Returns the number of bytes written.
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> escaped, Span<byte> destination)
    {
        int written = 0;
        while (true)
        {
            int backslash = escaped.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                escaped.CopyTo(destination[written..]);
                return written + escaped.Length;
            }

            escaped[..backslash].CopyTo(destination[written..]);
            written += backslash;
            escaped = escaped[(backslash + 1)..];
            if (escaped.IsEmpty)
            {
                return written; // a dangling backslash (only in a truncated preview): dropped
            }

            byte kind = escaped[0];
            if (kind != (byte)'u')
            {
                destination[written++] = kind switch
                {
                    (byte)'b' => (byte)'\b',
                    (byte)'f' => (byte)'\f',
                    (byte)'n' => (byte)'\n',
                    (byte)'r' => (byte)'\r',
                    (byte)'t' => (byte)'\t',
                    _ => kind, // '"', '\\' and '/'
                };
                escaped = escaped[1..];
                continue;
            }

            if (escaped.Length < 5 || !TryParseHex4(escaped.Slice(1, 4), out int unit))
            {
                return written; // a truncated \u escape (only in a truncated preview): dropped
            }

            escaped = escaped[5..];
            int scalar = unit;
            if (char.IsHighSurrogate((char)unit))
            {
                if (escaped.Length >= 6 && escaped[0] == (byte)'\\' && escaped[1] == (byte)'u'
                    && TryParseHex4(escaped.Slice(2, 4), out int low) && char.IsLowSurrogate((char)low))
                {
                    scalar = char.ConvertToUtf32((char)unit, (char)low);
                    escaped = escaped[6..];
                }
                else
                {
                    scalar = -1;
                }
            }
            else if (char.IsLowSurrogate((char)unit))
            {
                scalar = -1;
            }

            if (scalar < 0)
            {
                Replacement.CopyTo(destination[written..]);
                written += Replacement.Length;
            }
            else
            {
                written += new Rune(scalar).EncodeToUtf8(destination[written..]);
            }
        }
    }

    /// <summary>
    /// Bytes that are not JSON (a provider's error sent as plain text) as a JSON string, so that they
    /// can be kept as an error value. Error path only: it allocates.
    /// </summary>
    public static byte[] Quote(ReadOnlySpan<byte> bytes)
    {
        var text = new ArrayBufferWriter<byte>(bytes.Length + 16);
        using (var writer = new System.Text.Json.Utf8JsonWriter(text))
        {
            writer.WriteStringValue(bytes);
        }

        return text.WrittenSpan.ToArray();
    }

    /// <summary>Unescapes and decodes to a string (invalid UTF-8 becomes U+FFFD).</summary>
    public static string ToString(ReadOnlySpan<byte> escaped)
    {
        if (escaped.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(escaped);
        }

        byte[]? rented = null;
        Span<byte> buffer = escaped.Length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(escaped.Length));
        try
        {
            int length = Unescape(escaped, buffer);
            return Encoding.UTF8.GetString(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Appends <paramref name="json"/> (raw JSON text) to <paramref name="target"/> escaped as string content.</summary>
    public static void AppendEscaped(ref PooledByteBuffer target, ReadOnlySpan<byte> json)
    {
        while (true)
        {
            int special = json.IndexOfAny("\"\\\n\r\t"u8);
            if (special < 0)
            {
                target.Append(json);
                return;
            }

            target.Append(json[..special]);
            target.Append((byte)'\\');
            target.Append(json[special] switch
            {
                (byte)'\n' => (byte)'n',
                (byte)'\r' => (byte)'r',
                (byte)'\t' => (byte)'t',
                byte other => other,
            });
            json = json[(special + 1)..];
        }
    }

    /// <summary>Decodes base64 text (already unescaped) into <paramref name="target"/>; false if it is not base64.</summary>
    public static bool AppendBase64Decoded(ref PooledByteBuffer target, ReadOnlySpan<byte> base64)
    {
        // Fragments padded on their own ("QQ" + "==Qg==") join into text with padding inside it,
        // which the decoder rejects: decode up to the end of each padded quantum separately.
        while (!base64.IsEmpty)
        {
            int padding = base64.IndexOf((byte)'=');
            int end = padding < 0 ? base64.Length : Math.Min(base64.Length, (padding & ~3) + 4);
            ReadOnlySpan<byte> segment = base64[..end];
            Span<byte> destination = target.GetSpan(Base64.GetMaxDecodedFromUtf8Length(segment.Length));
            OperationStatus status = Base64.DecodeFromUtf8(segment, destination, out _, out int written);
            if (status != OperationStatus.Done)
            {
                return false;
            }

            target.Advance(written);
            base64 = base64[end..];
        }

        return true;
    }

    private static bool TryParseHex4(ReadOnlySpan<byte> hex, out int value)
    {
        value = 0;
        foreach (byte b in hex)
        {
            int digit = HexConverter(b);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexConverter(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}

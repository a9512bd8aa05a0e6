using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StreamCore.Tests.Sse;

/// <summary>
/// A deliberately plain, string-based reading of the WHATWG event-stream algorithm, used only as an
/// oracle for randomized cross-checks. Bytes map one-to-one to chars (Latin-1) so that invalid
/// UTF-8 survives unchanged; the result is rendered like <see cref="SseItem.Render"/>.
/// </summary>
internal static class SseReferenceModel
{
    public sealed record Result(List<string> Items, string LastEventId, long? Retry);

    public static Result Parse(byte[] input, bool reportComments)
    {
        string text = Encoding.Latin1.GetString(input);

        // One leading BOM (EF BB BF) is stripped.
        if (text.StartsWith("\u00EF\u00BB\u00BF", System.StringComparison.Ordinal))
        {
            text = text[3..];
        }

        var items = new List<string>();
        var data = new StringBuilder();
        string type = string.Empty;
        string idBuffer = string.Empty;
        string lastId = string.Empty;
        long? retry = null;

        foreach (string line in Lines(text))
        {
            if (line.Length == 0)
            {
                lastId = idBuffer;
                if (data.Length == 0)
                {
                    type = string.Empty;
                    continue;
                }

                string value = data.ToString(0, data.Length - 1);
                items.Add($"{(type.Length == 0 ? "message" : Utf8(type))}|{SseHarness.Escape(Encoding.Latin1.GetBytes(value))}|{Utf8(lastId)}");
                data.Clear();
                type = string.Empty;
                continue;
            }

            if (line[0] == ':')
            {
                if (reportComments)
                {
                    string comment = line[1..];
                    if (comment.StartsWith(' '))
                    {
                        comment = comment[1..];
                    }

                    items.Add(":" + SseHarness.Escape(Encoding.Latin1.GetBytes(comment)));
                }

                continue;
            }

            int colon = line.IndexOf(':');
            string field = colon < 0 ? line : line[..colon];
            string fieldValue = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (fieldValue.StartsWith(' '))
            {
                fieldValue = fieldValue[1..];
            }

            switch (field)
            {
                case "event":
                    type = fieldValue;
                    break;
                case "data":
                    data.Append(fieldValue).Append('\n');
                    break;
                case "id":
                    if (!fieldValue.Contains('\0'))
                    {
                        idBuffer = fieldValue;
                    }

                    break;
                case "retry":
                    if (fieldValue.Length > 0 && IsAsciiDigits(fieldValue) && long.TryParse(fieldValue, NumberStyles.None, CultureInfo.InvariantCulture, out long ms))
                    {
                        retry = ms;
                    }

                    break;
                default:
                    break;
            }
        }

        return new Result(items, Utf8(lastId), retry);
    }

    // Complete lines only: text after the last line end is not a line and is discarded.
    private static IEnumerable<string> Lines(string text)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                yield return text[start..i];
                start = i + 1;
            }
            else if (text[i] == '\r')
            {
                yield return text[start..i];
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }
    }

    private static bool IsAsciiDigits(string value)
    {
        foreach (char c in value)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static string Utf8(string latin1) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(latin1));
}

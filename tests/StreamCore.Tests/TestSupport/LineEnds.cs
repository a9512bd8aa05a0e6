using System;
using System.Collections.Generic;
using System.Text;

namespace StreamCore.Tests.TestSupport;

/// <summary>
/// Rewrites a test stream written with LF line ends to use LF, CR or CRLF, and builds byte inputs
/// from strings (UTF-8) mixed with raw bytes (for invalid UTF-8).
/// </summary>
public static class LineEnds
{
    /// <summary>The three line ends of the event-stream format.</summary>
    public static IReadOnlyList<string> All { get; } = ["\n", "\r", "\r\n"];

    /// <summary>A readable name of a line end, for failure messages.</summary>
    public static string Name(string lineEnd) => lineEnd switch
    {
        "\n" => "LF",
        "\r" => "CR",
        "\r\n" => "CRLF",
        _ => throw new ArgumentOutOfRangeException(nameof(lineEnd)),
    };

    /// <summary>Replaces every LF byte of <paramref name="lfInput"/> with <paramref name="lineEnd"/>.</summary>
    public static byte[] Rewrite(byte[] lfInput, string lineEnd)
    {
        ArgumentNullException.ThrowIfNull(lfInput);
        byte[] end = Encoding.ASCII.GetBytes(lineEnd);
        var output = new List<byte>(lfInput.Length * end.Length);
        foreach (byte b in lfInput)
        {
            if (b == (byte)'\n')
            {
                output.AddRange(end);
            }
            else
            {
                output.Add(b);
            }
        }

        return output.ToArray();
    }

    /// <summary>Encodes <paramref name="lfInput"/> as UTF-8 and rewrites its line ends.</summary>
    public static byte[] Rewrite(string lfInput, string lineEnd) => Rewrite(Encoding.UTF8.GetBytes(lfInput), lineEnd);

    /// <summary>The input with LF line ends.</summary>
    public static byte[] Lf(string lfInput) => Rewrite(lfInput, "\n");

    /// <summary>The input with CR line ends.</summary>
    public static byte[] Cr(string lfInput) => Rewrite(lfInput, "\r");

    /// <summary>The input with CRLF line ends.</summary>
    public static byte[] CrLf(string lfInput) => Rewrite(lfInput, "\r\n");

    /// <summary>Concatenates strings (encoded as UTF-8) and byte arrays (taken as they are).</summary>
    public static byte[] Bytes(params object[] pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        var output = new List<byte>();
        foreach (object piece in pieces)
        {
            switch (piece)
            {
                case string s:
                    output.AddRange(Encoding.UTF8.GetBytes(s));
                    break;
                case byte[] b:
                    output.AddRange(b);
                    break;
                case byte b:
                    output.Add(b);
                    break;
                default:
                    throw new ArgumentException($"unsupported piece {piece?.GetType()}", nameof(pieces));
            }
        }

        return output.ToArray();
    }
}

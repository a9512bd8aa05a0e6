using System;
using System.Text.RegularExpressions;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>
/// Malformed input is reported the same whichever path read it: a chunk read from its choices only, or
/// its delta only (the shortcuts over repeated bytes), names the fault with its position in the event,
/// as a full read of the same chunk does.
/// </summary>
public class ErrorPositionTests
{
    private const string Head = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[""";

    private static string Chunk(string choice, string tail = "") => Head + choice + "]" + tail + "}";

    private static string Repeated(string text) => Chunk($$"""{"index":0,"delta":{"content":"{{text}}"},"logprobs":null,"finish_reason":null}""");

    [Theory]
    [InlineData("""{"index":0,"delta":{"content":"bro"ken"},"logprobs":null,"finish_reason":null}""")] // breaks inside the delta: the delta-only path
    [InlineData("""{"index":0,"delta":{"content":"ok"},"logprobs":null,"finish_reason":nul}""")] // breaks after it
    [InlineData("""{"index":0,"delta":{"content":"a\x"},"logprobs":null,"finish_reason":null}""")] // a bad escape
    [InlineData("""{"index":0,"delta":{"content":"ok"}},"logprobs":null,"finish_reason":null}""")] // an extra brace
    public void AFaultOnAShortcutIsReportedAsAFullReadReportsIt(string badChoice)
    {
        string bad = Chunk(badChoice);

        // Read in full: the bad chunk comes first.
        ChatStreamFormatException full = AssembleMalformed(Events(bad));

        // Read on the shortcuts: two chunks whose envelope and choice bytes the bad one repeats.
        ChatStreamFormatException shortcut = AssembleMalformed(Events(Repeated("a"), Repeated("b"), bad));
        using (full.PartialResult)
        using (shortcut.PartialResult)
        {
            Assert.Equal(1, full.EventNumber);
            Assert.Equal(3, shortcut.EventNumber);
            Assert.Equal(Strip(full.Message), Strip(shortcut.Message));
            Assert.Matches("BytePositionInLine: [0-9]+", shortcut.Message);
            int position = int.Parse(Regex.Match(shortcut.Message, "BytePositionInLine: ([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(position, Head.Length, bad.Length); // within the event, past its envelope
            Assert.StartsWith("ab", shortcut.PartialResult.Choices[0].Content, StringComparison.Ordinal); // everything before the bad event is kept
        }
    }

    [Fact]
    public void AShapeErrorInValidJsonKeepsItsOwnMessage()
    {
        ChatStreamFormatException e = AssembleMalformed(Events(Repeated("a"), Chunk("""{"index":0,"delta":"not an object"}""")));
        using (e.PartialResult)
        {
            Assert.StartsWith("'delta' must be an object", e.Message, StringComparison.Ordinal);
            Assert.Equal(2, e.EventNumber);
        }
    }

    /// <summary>The message without the event number and offset, which differ by design.</summary>
    private static string Strip(string message) => Regex.Replace(message, @" \(event [0-9]+, byte offset [0-9]+\)$", string.Empty);
}

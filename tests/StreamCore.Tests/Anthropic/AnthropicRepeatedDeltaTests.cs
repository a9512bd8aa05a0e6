using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using StreamCore.Anthropic;
using StreamCore.Json;
using static StreamCore.Tests.Anthropic.AnthropicTestSupport;

namespace StreamCore.Tests.Anthropic;

/// <summary>
/// The repeated-delta shortcut (<see cref="RepeatedDelta"/>): a delta that repeats the bytes of the
/// one before around a new string has only its string read. Whatever the bytes, the outcome is the
/// one a full read of every event gives (the oracle's), malformed input included.
/// </summary>
public class AnthropicRepeatedDeltaTests
{
    [Fact]
    public void TheStringScannerAcceptsExactlyWhatUtf8JsonReaderAcceptsAndEndsWhereItEnds()
    {
        // Strings built from the pieces that matter: escapes valid and not, quotes, control characters, UTF-8.
        string[] pieces = ["a", "é", "😀", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\ud83d", "\\uDE00", "\\u12", "\\uzzzz", "\\x", "\\", "\"", "\u0001", "\u001f", " ", "}"];
        var random = new Random(20250926);
        for (int i = 0; i < 20_000; i++)
        {
            var text = new StringBuilder();
            int count = random.Next(0, 8);
            for (int j = 0; j < count; j++)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            text.Append(random.Next(4) == 0 ? "" : "\"}}");
            byte[] content = Encoding.UTF8.GetBytes(text.ToString());
            int expected = ReaderEnd(content);
            int end = JsonText.StringContentLength(content);
            Assert.True(expected == end, $"'{text}': reader {expected}, scanner {end}");
        }
    }

    // Where Utf8JsonReader ends the string that starts after a quote, or -1 when it rejects it.
    private static int ReaderEnd(byte[] content)
    {
        byte[] quoted = [(byte)'"', .. content];
        var reader = new Utf8JsonReader(quoted);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.String ? (int)reader.BytesConsumed - 2 : -1;
        }
        catch (JsonException)
        {
            return -1;
        }
    }

    public static TheoryData<string, string[]> Streams => new()
    {
        {
            "repeats, with escapes and trailing spaces",
            [Start, BlockStart(0, """{"type":"text","text":""}"""), TextDelta(0, "\"a\""), TextDelta(0, "\"b\\n\\u00e9\\\"\"") + "   ", TextDelta(0, "\"\""), TextDelta(0, "\"c\""), Stop]
        },
        {
            "another member after the string: read in full",
            [Start, TextDelta(0, "\"a\""), """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"b","extra":1}}""", TextDelta(0, "\"c\""), Stop]
        },
        {
            "the delta type changes under the same block",
            [Start, BlockStart(0, """{"type":"thinking","thinking":""}"""), Delta(0, """{"type":"thinking_delta","thinking":"t"}"""), Delta(0, """{"type":"text_delta","text":"x"}"""), Delta(0, """{"type":"thinking_delta","thinking":"u"}"""), Stop]
        },
        {
            "blocks interleave",
            [Start, TextDelta(0, "\"a\""), TextDelta(1, "\"b\""), TextDelta(0, "\"c\""), TextDelta(1, "\"d\""), InputDelta(2, "\"[1\""), InputDelta(2, "\",2]\""), Stop]
        },
        {
            "members in another order, null strings",
            ["""{"type":"message_start","message":{"id":"m"}}""", """{"delta":{"text":"a","type":"text_delta"},"index":0,"type":"content_block_delta"}""", """{"delta":{"text":"b","type":"text_delta"},"index":0,"type":"content_block_delta"}""", """{"delta":{"text":null,"type":"text_delta"},"index":0,"type":"content_block_delta"}""", """{"delta":{"text":null,"type":"text_delta"},"index":0,"type":"content_block_delta"}""", Stop]
        },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void RepeatedDeltasGiveWhatAFullReadGives(string name, string[] events)
    {
        Assert.NotEmpty(name);
        byte[] input = Utf8(DataOnly(events));
        using AnthropicMessageResult result = Assemble(input);
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal(AnthropicOracle.Read(input).ToJson(), Normalize(result.ToJson()));
    }

    [Fact]
    public void ARepeatedMemberTheLastOneWinsRepeatedOrNot()
    {
        // The oracle's JsonObject refuses repeated members: checked here directly.
        string twice = """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x","text":"#"}}""";
        using AnthropicMessageResult result = Assemble(DataOnly(Start, twice.Replace("#", "a", StringComparison.Ordinal), twice.Replace("#", "b", StringComparison.Ordinal), twice.Replace("#", "c", StringComparison.Ordinal), Stop));
        Assert.Equal("abc", result.Text);
    }

    [Theory]
    [InlineData("\"b\u0001\"", "invalid within a JSON string")]
    [InlineData("\"b\\x\"", "invalid escapable character")]
    [InlineData("\"b\\u12\"", "not valid JSON")]
    [InlineData("\"b\"x", "after")]
    [InlineData("\"b", "")]
    public void AMalformedRepeatedDeltaIsReportedAsAFullReadReportsIt(string badString, string why)
    {
        string bad = TextDelta(0, "\"a\"").Replace("\"a\"}}", badString + "}}", StringComparison.Ordinal);
        StreamFormatException e = AssembleMalformed(DataOnly(Start, TextDelta(0, "\"a\""), bad, Stop));
        Assert.Equal(3, e.EventNumber);
        Assert.Contains(why, e.Message, StringComparison.OrdinalIgnoreCase);
        using StreamResult partial = e.PartialResult;
        Assert.Equal("a", partial.Text);
    }

    [Fact]
    public void AStringDeltaAfterTheBlocksStopReopensItInBothPaths()
    {
        List<string> events = [Start, BlockStart(0, """{"type":"tool_use","id":"t","name":"f","input":{}}"""), InputDelta(0, "\"[1\""), BlockStop(0), InputDelta(0, "\",2]\""), Stop];
        (List<StreamUpdate> updates, AnthropicMessageResult result) = ReadUpdates(Events([.. events]));
        using (result)
        {
            ToolCall call = Assert.Single(result.ToolCalls);
            Assert.Equal("[1,2]", call.Arguments);
            Assert.True(call.IsCompleted);
            // Completed at the stop, reopened by the late fragment, completed again at the end.
            Assert.Equal(2, updates.FindAll(u => u.Kind == StreamUpdateKind.ToolCallCompleted).Count);
            Assert.Equal("[1,2]", string.Concat(updates.FindAll(u => u.Kind == StreamUpdateKind.ToolCallArgumentsDelta).ConvertAll(u => u.GetText())));
            Assert.Equal(Json.JsonTextStatus.Valid, result.Blocks[0].InputStatus);
        }
    }
}

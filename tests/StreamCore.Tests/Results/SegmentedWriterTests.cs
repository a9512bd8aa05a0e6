#if NET10_0_OR_GREATER
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamCore.Chat;
using StreamCore.Json;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Results;

/// <summary>
/// Long strings are written in segments straight to the writer's output (.NET 10). The bytes must be
/// exactly those of the whole-value write, for every cut: escapes, escaped surrogate pairs and UTF-8
/// sequences are never split, and the writer's own escaping decides the rest.
/// </summary>
public class SegmentedWriterTests
{
    // Escapes of every kind, an escaped surrogate pair, lone surrogates, raw 2-, 3- and 4-byte UTF-8,
    // an escaped backslash before a 'u' (not an escape of its own), characters the writer escapes itself.
    private static readonly string[] Pieces =
    [
        "plain words ", "\\\"quoted\\\"", "\\n", "\\t", "\\\\", "\\\\u0041", "\\/", "\\b\\f\\r",
        "\\u00e9", "\\uD83D\\uDE00", "\\ud83d\\ude03", "\\uD83D", "\\uDE00", "é", "日本", "😀", "<tag>&'", "\\u0000", "x",
    ];

    private static byte[] Whole(byte[] escaped, bool indented)
    {
        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, StreamResult.CreateWriterOptions(indented)))
        {
            writer.WriteStartArray();
            byte[] unescaped = new byte[escaped.Length];
            writer.WriteStringValue(unescaped.AsSpan(0, JsonText.Unescape(escaped, unescaped)));
            writer.WriteEndArray();
        }

        return output.ToArray();
    }

    private static byte[] Segmented(byte[] escaped, bool indented, int segmentLength)
    {
        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, StreamResult.CreateWriterOptions(indented)))
        {
            writer.WriteStartArray();
            SegmentedWriter.WriteEscapedString(writer, escaped, segmentLength);
            writer.WriteEndArray();
        }

        return output.ToArray();
    }

    private static byte[] RandomEscaped(Random random, int pieces)
        => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, pieces).Select(_ => Pieces[random.Next(Pieces.Length)])));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EverySegmentLengthWritesTheBytesOfTheWholeValue(bool indented)
    {
        var random = new Random(12);
        for (int round = 0; round < 40; round++)
        {
            byte[] escaped = RandomEscaped(random, 60);
            byte[] expected = Whole(escaped, indented);
            for (int segmentLength = 12; segmentLength <= 64; segmentLength++)
            {
                Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(Segmented(escaped, indented, segmentLength)));
            }
        }
    }

    [Fact]
    public void InvalidUtf8IsReplacedAsInTheWholeValue()
    {
        byte[] escaped = [.. "abc"u8, 0xE2, 0x82, (byte)'A', 0x80, 0x80, (byte)'b', 0xF0, 0x9F, 0x98, .. "\\u00e9"u8, 0xC3, .. "tail of the value"u8];
        for (int segmentLength = 12; segmentLength <= 24; segmentLength++)
        {
            Assert.Equal(Whole(escaped, false), Segmented(escaped, false, segmentLength));
        }
    }

    [Fact]
    public void CutsFallBetweenEscapesAndBeforeUtf8LeadBytes()
    {
        byte[] escaped = Encoding.UTF8.GetBytes("ab\\uD83D\\uDE00cd日本\\\\u0041😀" + new string('z', 40));
        var cuts = new List<int>();
        for (int limit = 12; limit < escaped.Length; limit++)
        {
            int cut = SegmentedWriter.SafeCut(escaped, limit);
            Assert.InRange(cut, 1, limit);
            cuts.Add(cut);
        }

        // Never inside the escaped pair (2..14), never after a lead byte of 日 (16..18) or 😀.
        Assert.DoesNotContain(cuts, c => c is > 2 and < 14);
        Assert.DoesNotContain(cuts, c => (escaped[c] & 0xC0) == 0x80);
        Assert.DoesNotContain(cuts, c => escaped[c - 1] == (byte)'\\' && (c < 2 || escaped[c - 2] != (byte)'\\'));
    }

    [Fact]
    public void Base64InSegmentsIsTheWholeValue()
    {
        byte[] bytes = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        foreach (int segmentLength in new[] { 3, 4, 5, 64, 999, 1000, 4096 })
        {
            var output = new MemoryStream();
            using (var writer = new Utf8JsonWriter(output))
            {
                SegmentedWriter.WriteBase64(writer, bytes, segmentLength);
            }

            Assert.Equal("\"" + Convert.ToBase64String(bytes) + "\"", Encoding.UTF8.GetString(output.ToArray()));
        }
    }

    [Fact]
    public void ALongAnswerIsWrittenThroughASmallBuffer()
    {
        // 200,000 escaped bytes of content in 4,000 chunks, written by a writer over a stream.
        string piece = "word \\\"q\\\" \\u00e9 日本 \\uD83D\\uDE00 ";
        string[] chunks = Enumerable.Range(0, 4000).Select(i => $$"""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"{{piece}}"},"finish_reason":null}]}""").ToArray();
        using ChatCompletionResult result = Assemble(WithDone([.. chunks, """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""]));
        string expected = string.Concat(Enumerable.Repeat(JsonNode.Parse("\"" + piece + "\"")!.GetValue<string>(), 4000));

        // Allocation and write sizes through a stream that keeps nothing; then the bytes, through one that keeps them.
        var counting = new CountingStream();
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var writer = new Utf8JsonWriter(counting, StreamResult.CreateWriterOptions()))
        {
            result.WriteTo(writer);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 128 * 1024, $"writing allocated {allocated} bytes");
        Assert.True(counting.LargestWrite <= 64 * 1024, $"a write of {counting.LargestWrite} bytes");

        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, StreamResult.CreateWriterOptions()))
        {
            result.WriteTo(writer);
        }

        Assert.Equal(counting.Written, output.Length);
        Assert.Equal(expected, JsonNode.Parse(output.ToArray())!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(result.ToJsonUtf8(), output.ToArray());
    }

    private sealed class CountingStream : Stream
    {
        public int LargestWrite { get; private set; }

        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            LargestWrite = Math.Max(LargestWrite, buffer.Length);
            Written += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
#endif

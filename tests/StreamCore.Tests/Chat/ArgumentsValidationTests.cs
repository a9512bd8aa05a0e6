using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using StreamCore.Chat;
using StreamCore.Json;

namespace StreamCore.Tests.Chat;

/// <summary>Incremental validation of tool-call arguments and the preview of arguments still in flight.</summary>
public class ArgumentsValidationTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, JsonTextStatus> Shapes => new()
    {
        { "{}", JsonTextStatus.Valid },
        { "[]", JsonTextStatus.Valid },
        { "{\"a\":1}", JsonTextStatus.Valid },
        { "{\"a\": [1, 2.5e-3, -0, 1E+2, true, false, null], \"b\": {\"c\": \"d\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}}", JsonTextStatus.Valid },
        { "\"just a string\"", JsonTextStatus.Valid },
        { "123", JsonTextStatus.Valid },
        { "-1.5E+10", JsonTextStatus.Valid },
        { "0", JsonTextStatus.Valid },
        { "true", JsonTextStatus.Valid },
        { " \n {\"x\" : \"y\"}\t ", JsonTextStatus.Valid },
        { "[[[{}]],[]]", JsonTextStatus.Valid },
        { "{\"city\":\"Tōkyō 🙂\",\"e\":\"\\ud83d\\ude42\"}", JsonTextStatus.Valid },
        { "{\"location\": \"Paris, France\", \"unit\": \"celsius\"}", JsonTextStatus.Valid },
        { string.Empty, JsonTextStatus.Empty },
        { "  \n\t", JsonTextStatus.Empty },
        { "{", JsonTextStatus.Incomplete },
        { "{\"a\"", JsonTextStatus.Incomplete },
        { "{\"a\":", JsonTextStatus.Incomplete },
        { "[1,", JsonTextStatus.Incomplete },
        { "\"abc", JsonTextStatus.Incomplete },
        { "{\"a\":tr", JsonTextStatus.Incomplete },
        { "-", JsonTextStatus.Incomplete },
        { "1.", JsonTextStatus.Incomplete },
        { "1e+", JsonTextStatus.Incomplete },
        { "[{\"a\":[", JsonTextStatus.Incomplete },
        { "\"\\u12", JsonTextStatus.Incomplete },
        { "{\"a\":\"x\\", JsonTextStatus.Incomplete },
        { "{a:1}", JsonTextStatus.Invalid },
        { "{\"a\":1,}", JsonTextStatus.Invalid },
        { "[1,]", JsonTextStatus.Invalid },
        { "{\"a\" 1}", JsonTextStatus.Invalid },
        { "01", JsonTextStatus.Invalid },
        { "[-]", JsonTextStatus.Invalid },
        { ".5", JsonTextStatus.Invalid },
        { "+1", JsonTextStatus.Invalid },
        { "tru e", JsonTextStatus.Invalid },
        { "\"tab\there\"", JsonTextStatus.Invalid },
        { "{\"a\":1}}", JsonTextStatus.Invalid },
        { "{\"a\":1} x", JsonTextStatus.Invalid },
        { "{}{}", JsonTextStatus.Invalid },
        { "[1 2]", JsonTextStatus.Invalid },
        { "\"\\x\"", JsonTextStatus.Invalid },
        { "\"\\u12G4\"", JsonTextStatus.Invalid },
        { "nul!", JsonTextStatus.Invalid },
        { "[1}", JsonTextStatus.Invalid },
        { "{\"a\":1]", JsonTextStatus.Invalid },
        { "\"filePath\":\"/x\"}", JsonTextStatus.Invalid }, // the Copilot-Claude call that lost its '{'
    };

    /// <summary>Every byte-level split of the text (a cut may fall inside a UTF-8 sequence) gives the same status.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void StatusIsTheSameForEveryTwoWayAndBytewiseSplit(string text, JsonTextStatus expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (expected == JsonTextStatus.Valid)
        {
            using JsonDocument document = JsonDocument.Parse(bytes); // the independent check agrees
        }

        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.Equal(expected, Validate([bytes[..cut], bytes[cut..]]));
        }

        Assert.Equal(expected, Validate(bytes.Select(b => new[] { b }).ToArray()));
    }

    /// <summary>Through the public API: the arguments arrive in two fragments split at every character boundary.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void ToolCallArgumentsStatusIsTheSameForEverySplit(string text, JsonTextStatus expected)
    {
        foreach (int cut in CharBoundaries(text))
        {
            using var assembler = new ChatCompletionAssembler();
            assembler.AppendChunk(Chunk("""{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}"""));
            assembler.AppendChunk(ArgumentsChunk(text[..cut]));
            assembler.AppendChunk(ArgumentsChunk(text[cut..]));
            ChatToolCall call = assembler.Result.Choices[0].ToolCalls[0];
            Assert.Equal(expected, call.ArgumentsStatus);
            Assert.Equal(text, call.Arguments);
            Assert.False(call.IsCompleted);
            assembler.AppendChunk("""{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"""u8);
            Assert.True(call.IsCompleted);
            Assert.Equal(expected, call.ArgumentsStatus);
        }
    }

    [Theory]
    [InlineData("{\"a\": [1, 2", "{\"a\": [1, 2]}")]
    [InlineData("{\"city\": \"Par", "{\"city\": \"Par\"}")]
    [InlineData("{\"a\":tr", "{\"a\":true}")]
    [InlineData("{\"a\":f", "{\"a\":false}")]
    [InlineData("[n", "[null]")]
    [InlineData("[1,", "[1]")]
    [InlineData("{\"a\"", "{\"a\":null}")]
    [InlineData("{\"a\":", "{\"a\":null}")]
    [InlineData("{\"a\":1,", "{\"a\":1}")]
    [InlineData("{\"a\":1,\"b", "{\"a\":1,\"b\":null}")]
    [InlineData("{\"n\":-", "{\"n\":null}")]
    [InlineData("{\"n\":1.", "{\"n\":1}")]
    [InlineData("{\"n\":12e", "{\"n\":12}")]
    [InlineData("[\"x\\", "[\"x\"]")]
    [InlineData("[\"x\\u00", "[\"x\"]")]
    [InlineData("[[{\"a\":[", "[[{\"a\":[]}]]")]
    [InlineData("{\"done\":true}", "{\"done\":true}")]
    [InlineData("{a:1}", "{a:1}")]
    [InlineData("", "")]
    public void PreviewClosesOpenStringsAndBrackets(string arguments, string preview)
    {
        using var assembler = new ChatCompletionAssembler();
        assembler.AppendChunk(Chunk("""{"index":0,"id":"call_1","function":{"name":"f"}}"""));
        assembler.AppendChunk(ArgumentsChunk(arguments));
        Assert.Equal(preview, assembler.Result.Choices[0].ToolCalls[0].GetArgumentsPreview());
    }

    public static TheoryData<string> Documents => new()
    {
        "{\"location\": \"Paris, France\", \"unit\": \"celsius\", \"days\": [1, 2, 3]}",
        "{\"a\": [1, -2.5e+10, true, false, null, {\"b\": \"q\\\"uote \\\\ \\u00e9\"}], \"c\": {}, \"d\": []}",
        "[{\"name\": \"Tōkyō 🙂\", \"e\": \"\\ud83d\\ude42\"}, \"x\", 0, -0.5]",
        "  {\"nested\": {\"deeper\": [[[\"end\"]]]}}  ",
    };

    /// <summary>For every prefix of a valid document, the status is Empty, Incomplete or Valid, and the preview parses as JSON.</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void PreviewOfEveryPrefixOfAValidDocumentIsJson(string document)
    {
        foreach (int cut in CharBoundaries(document))
        {
            string prefix = document[..cut];
            using var assembler = new ChatCompletionAssembler();
            assembler.AppendChunk(Chunk("""{"index":0,"id":"call_1","function":{"name":"f"}}"""));
            assembler.AppendChunk(ArgumentsChunk(prefix));
            ChatToolCall call = assembler.Result.Choices[0].ToolCalls[0];
            string preview = call.GetArgumentsPreview();
            JsonTextStatus status = call.ArgumentsStatus;
            Assert.NotEqual(JsonTextStatus.Invalid, status);
            if (status == JsonTextStatus.Empty)
            {
                Assert.True(string.IsNullOrWhiteSpace(prefix));
                continue;
            }

            try
            {
                using JsonDocument parsed = JsonDocument.Parse(preview);
            }
            catch (JsonException e)
            {
                Assert.Fail($"preview of prefix [{prefix}] is not JSON: [{preview}] ({e.Message})");
            }

            if (status == JsonTextStatus.Valid)
            {
                Assert.Equal(prefix, preview);
            }
        }
    }

    private static JsonTextStatus Validate(IEnumerable<byte[]> fragments)
    {
        var validator = default(IncrementalJsonValidator);
        try
        {
            foreach (byte[] fragment in fragments)
            {
                validator.Feed(fragment);
            }

            return validator.Status;
        }
        finally
        {
            validator.Dispose();
        }
    }

    /// <summary>0..length, skipping cuts between the halves of a surrogate pair.</summary>
    private static IEnumerable<int> CharBoundaries(string text)
        => Enumerable.Range(0, text.Length + 1).Where(i => i == 0 || i == text.Length || !char.IsLowSurrogate(text[i]));

    private static byte[] Chunk(string toolCall) => Encoding.UTF8.GetBytes($$$"""{"choices":[{"index":0,"delta":{"tool_calls":[{{{toolCall}}}]}}]}""");

    private static byte[] ArgumentsChunk(string arguments)
        => Chunk("{\"index\":0,\"function\":{\"arguments\":" + JsonSerializer.Serialize(arguments, Relaxed) + "}}");
}

using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StreamCore.Extensions.AI.Tests.TestSupport;

namespace StreamCore.Extensions.AI.Tests;

/// <summary>
/// StreamCore's <see cref="ChatResponse"/> says what the result's own non-streaming JSON says (the
/// object the contracts define, checked rule by rule in StreamCore's suite): the answer's text, and
/// each tool call's name, id and arguments, read here from the JSON itself rather than from the
/// normalized view the adapter reads.
/// </summary>
public class NativeJsonAgreementTests
{
    public static TheoryData<string> Streams() => Corpus.Theory();

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task ChatResponseHoldsTheTextAndToolCallsOfTheNativeJson(string stream)
    {
        using StreamResult result = await ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(Corpus.Read(stream))));
        ChatResponse response = result.ToChatResponse();
        JsonNode json = JsonNode.Parse(result.ToJson())!;
        (string text, List<(string? Id, string? Name, string Arguments)> calls) = result.Protocol switch
        {
            StreamProtocol.ChatCompletions => Chat(json),
            StreamProtocol.Responses => Responses(json),
            _ => Anthropic(json),
        };

        ChatMessage message = Assert.Single(response.Messages);
        Assert.Equal(text, string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text)));
        List<FunctionCallContent> mapped = [.. message.Contents.OfType<FunctionCallContent>()];
        Assert.Equal(calls.Count, mapped.Count);
        for (int i = 0; i < calls.Count; i++)
        {
            Assert.Equal(calls[i].Id ?? string.Empty, mapped[i].CallId);
            Assert.Equal(calls[i].Name ?? string.Empty, mapped[i].Name);
            JsonNode? expected = TryParse(calls[i].Arguments.Length == 0 ? "{}" : calls[i].Arguments);
            if (expected is JsonObject)
            {
                Assert.Null(mapped[i].Exception);
                Assert.True(JsonNode.DeepEquals(expected, JsonSerializer.SerializeToNode(mapped[i].Arguments)), $"call {i}: {calls[i].Arguments}");
            }
            else
            {
                Assert.Null(mapped[i].Arguments);
                Assert.NotNull(mapped[i].Exception);
            }
        }
    }

    private static (string, List<(string?, string?, string)>) Chat(JsonNode json)
    {
        JsonNode? message = json["choices"]?.AsArray().FirstOrDefault()?["message"];
        string text = message?["content"] switch
        {
            JsonValue value => value.GetValue<string>(),
            JsonArray parts => string.Concat(parts.Where(p => (string?)p!["type"] == "text").Select(p => (string?)p!["text"])),
            _ => string.Empty,
        };
        var calls = (message?["tool_calls"]?.AsArray() ?? []).Select(c => ((string?)c!["id"], (string?)c["function"]?["name"], Arguments(c["function"]?["arguments"]))).ToList();
        if (message?["function_call"] is JsonNode legacy)
        {
            calls.Add((null, (string?)legacy["name"], Arguments(legacy["arguments"])));
        }

        return (text, calls);
    }

    private static (string, List<(string?, string?, string)>) Responses(JsonNode json)
    {
        JsonArray output = json["output"]?.AsArray() ?? [];
        string text = string.Concat(output.Where(i => (string?)i!["type"] == "message")
            .SelectMany(i => i!["content"]?.AsArray() ?? [])
            .Where(p => (string?)p!["type"] == "output_text")
            .Select(p => (string?)p!["text"]));
        var calls = output.Where(i => (string?)i!["type"] is "function_call" or "custom_tool_call")
            .Select(i => ((string?)i!["call_id"], (string?)i["name"], Arguments(i["arguments"] ?? i["input"])))
            .ToList();
        return (text, calls);
    }

    private static (string, List<(string?, string?, string)>) Anthropic(JsonNode json)
    {
        JsonArray content = json["content"]?.AsArray() ?? [];
        string text = string.Concat(content.Where(b => (string?)b!["type"] == "text").Select(b => (string?)b!["text"]));
        var calls = content.Where(b => (string?)b!["type"] == "tool_use")
            .Select(b => ((string?)b!["id"], (string?)b["name"], Arguments(b["input"])))
            .ToList();
        return (text, calls);
    }

    /// <summary>Arguments as JSON text: a string holds it; a JSON value (Anthropic's <c>input</c>) is it.</summary>
    private static string Arguments(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

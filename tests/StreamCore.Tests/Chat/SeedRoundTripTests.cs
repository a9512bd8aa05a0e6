using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>
/// The response objects documented by Aitronos, Nexos.ai and WorkflowAI, turned into streams (role
/// chunk, content in fragments, finish chunk, usage) and assembled back: the result must be the
/// documented object, member order aside.
/// </summary>
public class SeedRoundTripTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The example response of a seed file: from its first line that is exactly "{" to its last line that starts with "}".</summary>
    private static JsonObject SeedExample(string file)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Corpus, "..", "seeds", file));
        int start = Array.IndexOf(lines, "{");
        int end = Array.FindLastIndex(lines, l => l.StartsWith('}'));
        Assert.True(start >= 0 && end > start, $"no example response in {file}");
        string text = string.Join('\n', lines[start..end]) + "\n}";
        return (JsonObject)JsonNode.Parse(text)!;
    }

    /// <summary>Streams a response object: a role chunk with the top-level members, content in pieces, a finish chunk with the choice's extras, then a usage chunk.</summary>
    private static string ToStream(JsonObject response, bool camel, bool usageOnLastChunk, params int[] cuts)
    {
        string created = camel ? "createdAt" : "created";
        string finish = camel ? "finishReason" : "finish_reason";
        JsonObject choice = response["choices"]![0]!.AsObject();
        JsonObject message = choice["message"]!.AsObject();
        string content = (string)message["content"]!;

        JsonObject Chunk(JsonObject delta, JsonObject? choiceExtras = null)
        {
            var chunk = new JsonObject
            {
                ["id"] = response["id"]!.DeepClone(),
                ["object"] = camel ? "response.chunk" : "chat.completion.chunk",
                [created] = response[created]!.DeepClone(),
                ["model"] = response["model"]!.DeepClone(),
            };
            var streamed = new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, [finish] = null };
            foreach ((string name, JsonNode? value) in choiceExtras ?? [])
            {
                streamed[name] = value?.DeepClone();
            }

            chunk["choices"] = new JsonArray(streamed);
            return chunk;
        }

        var chunks = new List<JsonObject>();
        var first = new JsonObject { ["role"] = message["role"]!.DeepClone(), ["content"] = string.Empty };
        foreach ((string name, JsonNode? value) in message.Where(m => m.Key is not ("role" or "content")))
        {
            first[name] = value?.DeepClone(); // refusal, annotations, tool_calls, audio: on the first delta
        }

        chunks.Add(Chunk(first));

        // Top-level extras (organizationId, metadata, system_fingerprint, ...) ride on the first chunk.
        foreach ((string name, JsonNode? value) in response.Where(m => m.Key is not ("id" or "object" or "model" or "choices" or "usage") && m.Key != created))
        {
            chunks[0][name] = value?.DeepClone();
        }

        int[] bounds = [0, .. cuts, content.Length];
        for (int i = 0; i + 1 < bounds.Length; i++)
        {
            chunks.Add(Chunk(new JsonObject { ["content"] = content[bounds[i]..bounds[i + 1]] }));
        }

        var extras = new JsonObject();
        foreach ((string name, JsonNode? value) in choice.Where(m => m.Key is not ("index" or "message" or "logprobs") && m.Key != finish))
        {
            extras[name] = value?.DeepClone();
        }

        JsonObject last = Chunk([], extras);
        last["choices"]![0]![finish] = choice[finish]!.DeepClone();
        chunks.Add(last);
        if (usageOnLastChunk)
        {
            last["usage"] = response["usage"]!.DeepClone();
        }
        else
        {
            JsonObject usage = Chunk([]);
            usage["choices"] = new JsonArray();
            usage["usage"] = response["usage"]!.DeepClone();
            chunks.Add(usage);
        }

        return WithDone(chunks.Select(c => c.ToJsonString(Relaxed)).ToArray());
    }

    private static JsonObject AssembleSeed(string stream, ChatDialect dialect)
    {
        using ChatCompletionResult result = Assemble(stream);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Equal(dialect, result.Dialect);
        return (JsonObject)JsonNode.Parse(result.ToJson())!;
    }

    /// <summary>
    /// The camelCase chunk dialect only: real Aitronos streams are typed events (see the Aitronos
    /// protocol's own round trip); this pins that chunks spelled this way still assemble.
    /// </summary>
    [Fact]
    public void AitronosExampleStreamedAsCamelCaseChunksRoundTrips()
    {
        JsonObject seed = SeedExample("aitronos-response-object.txt");
        Assert.Equal(JsonNode.Parse(SeedExample("aitronos-response-object-plain.txt").ToJsonString())!.ToJsonString(), seed.ToJsonString()); // both pages show one example
        JsonObject result = AssembleSeed(ToStream(seed, camel: true, usageOnLastChunk: false, 10, 45, 46, 100), ChatDialect.Aitronos);

        // Documented difference: section 9 always writes the message's refusal (null here); the
        // example leaves the optional member out, so a streamed response cannot reproduce its absence.
        JsonObject message = result["choices"]![0]!["message"]!.AsObject();
        Assert.True(message.ContainsKey("refusal"));
        Assert.Null(message["refusal"]);
        message.Remove("refusal");

        Assert.True(JsonNode.DeepEquals(seed, result), $"seed:   {seed.ToJsonString()}\nresult: {result.ToJsonString()}");
        Assert.Equal("response", (string?)result["object"]);
        Assert.True(result.ContainsKey("threadId")); // arrived only as null: kept as null
        Assert.Null(result["threadId"]);
    }

    [Fact]
    public void WorkflowAiExampleWithItsPerChoiceExtrasRoundTrips()
    {
        JsonObject seed = SeedExample("workflowai-chat-completion-object.txt");
        JsonObject result = AssembleSeed(ToStream(seed, camel: false, usageOnLastChunk: true, 3, 4, 30), ChatDialect.OpenAI);
        Assert.True(JsonNode.DeepEquals(seed, result), $"seed:   {seed.ToJsonString()}\nresult: {result.ToJsonString()}");
        JsonObject choice = result["choices"]![0]!.AsObject();
        Assert.Equal("fb_8YMnDbsifkBeAs814beb0dFOJdPeG_0", (string?)choice["feedback_token"]);
        Assert.Equal("2.34", choice["duration_seconds"]!.ToJsonString());
        Assert.Equal("0.001234", choice["cost_usd"]!.ToJsonString());
        Assert.Equal("[]", choice["message"]!["annotations"]!.ToJsonString()); // an empty annotations array arrived: kept
    }

    [Fact]
    public void NexosShapedResponseRoundTrips()
    {
        // The Nexos.ai page documents the fields but shows no example: this one is built from its
        // field list (OpenAI dialect, a tool call, audio, url annotations, usage details, service_tier).
        JsonObject seed = (JsonObject)JsonNode.Parse("""
            {
              "id": "chatcmpl-nexos-01",
              "object": "chat.completion",
              "created": 1741570285,
              "model": "gpt-4.1",
              "choices": [
                {
                  "index": 0,
                  "message": {
                    "role": "assistant",
                    "content": "Paris is sunny today; I also looked up tomorrow.",
                    "refusal": null,
                    "tool_calls": [
                      { "id": "call_abc", "type": "function", "function": { "name": "get_weather", "arguments": "{\"city\":\"Paris\",\"day\":\"tomorrow\"}" } }
                    ],
                    "audio": { "id": "audio_1", "data": "UklGRiQAAABXQVZFZm10IBAAAAAB", "transcript": "Paris is sunny today.", "expires_at": 1741573885 },
                    "annotations": [
                      { "type": "url_citation", "url_citation": { "url": "https://weather.example/paris", "title": "Paris weather", "start_index": 0, "end_index": 5 } }
                    ]
                  },
                  "logprobs": null,
                  "finish_reason": "tool_calls"
                }
              ],
              "usage": {
                "prompt_tokens": 31, "completion_tokens": 18, "total_tokens": 49,
                "completion_tokens_details": { "accepted_prediction_tokens": 0, "audio_tokens": 0, "reasoning_tokens": 0, "rejected_prediction_tokens": 0 },
                "prompt_tokens_details": { "audio_tokens": 0, "cached_tokens": 0 }
              },
              "system_fingerprint": "fp_nexos",
              "service_tier": "default"
            }
            """)!;

        // The tool call goes out whole on the first delta with an index, as providers send it; the
        // result carries no index (section 7), so the round trip compares equal.
        string stream = ToStream(seed, camel: false, usageOnLastChunk: false, 5, 6, 20);
        stream = stream.Replace("\"tool_calls\":[{\"id\"", "\"tool_calls\":[{\"index\":0,\"id\"", StringComparison.Ordinal);
        JsonObject result = AssembleSeed(stream, ChatDialect.OpenAI);
        Assert.True(JsonNode.DeepEquals(seed, result), $"seed:   {seed.ToJsonString()}\nresult: {result.ToJsonString()}");
    }

    [Fact]
    public void NexosShapedResponseRoundTripsWithAudioAndArgumentsInFragments()
    {
        // The same members streamed the hard way: audio data cut off its 4-character quanta, the
        // transcript and arguments in pieces. Only the assembled values are compared.
        string stream = WithDone(
            """{"id":"chatcmpl-nexos-02","object":"chat.completion.chunk","created":1741570285,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"audio":{"id":"audio_1","data":"UklG","transcript":"Paris"}},"finish_reason":null}]}""",
            """{"id":"chatcmpl-nexos-02","object":"chat.completion.chunk","created":1741570285,"model":"gpt-4.1","choices":[{"index":0,"delta":{"audio":{"data":"RiQAAABXQV","transcript":" is"}},"finish_reason":null}]}""",
            """{"id":"chatcmpl-nexos-02","object":"chat.completion.chunk","created":1741570285,"model":"gpt-4.1","choices":[{"index":0,"delta":{"audio":{"data":"ZFZm10IBAAAAAB","transcript":" sunny.","expires_at":1741573885}},"finish_reason":"stop"}]}""");
        JsonObject result = AssembleSeed(stream, ChatDialect.OpenAI);
        Assert.Equal(
            """{"id":"audio_1","data":"UklGRiQAAABXQVZFZm10IBAAAAAB","transcript":"Paris is sunny.","expires_at":1741573885}""",
            result["choices"]![0]!["message"]!["audio"]!.ToJsonString(Relaxed));
    }
}

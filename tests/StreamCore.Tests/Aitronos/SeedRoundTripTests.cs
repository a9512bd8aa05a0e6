using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamCore.Aitronos;
using StreamCore.Tests.TestSupport;
using static StreamCore.Tests.Aitronos.AitronosTestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>
/// "Each seed's example, streamed the way its provider streams it, assembles back into the same
/// object (compared as JSON), except the members seed-streams.md says are never streamed (createdAt,
/// model, logprobs, metadata, systemFingerprint, serviceTier), which come out null or absent."
/// The Aitronos seed's example is streamed as the current generation streams, and as the oldest
/// (the one generation documented with usage).
/// </summary>
public class SeedRoundTripTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly int[] Cuts = [10, 45, 46, 100];

    /// <summary>The example response of the seed page: from its first line that is exactly "{" to its last line that starts with "}".</summary>
    private static JsonObject SeedExample(string file)
    {
        string[] lines = File.ReadAllLines(Path.Combine(CorpusFiles.Directory, "..", "seeds", file));
        int start = Array.IndexOf(lines, "{");
        int end = Array.FindLastIndex(lines, l => l.StartsWith('}'));
        Assert.True(start >= 0 && end > start, $"no example response in {file}");
        return (JsonObject)JsonNode.Parse(string.Join('\n', lines[start..end]) + "\n}")!;
    }

    private static IEnumerable<string> Pieces(string content)
    {
        int[] bounds = [0, .. Cuts.Where(c => c < content.Length), content.Length];
        for (int i = 0; i + 1 < bounds.Length; i++)
        {
            yield return content[bounds[i]..bounds[i + 1]];
        }
    }

    private static string Json(JsonObject value) => value.ToJsonString(Relaxed);

    private static JsonNode? Clone(JsonObject seed, string name) => seed[name]?.DeepClone();

    /// <summary>The current generation: processing, created (with org_id), content deltas, completed (response_id, the full text, usage), [DONE].</summary>
    private static string CurrentGeneration(JsonObject seed)
    {
        string content = (string)seed["choices"]![0]!["message"]!["content"]!;
        var events = new List<JsonObject>
        {
            new() { ["event"] = "response.processing", ["status"] = "processing", ["thread_id"] = Clone(seed, "threadId"), ["message"] = "Setting up" },
            new() { ["event"] = "response.created", ["status"] = "in_progress", ["thread_id"] = Clone(seed, "threadId"), ["org_id"] = Clone(seed, "organizationId") },
        };
        events.AddRange(Pieces(content).Select(piece => new JsonObject { ["event"] = "response.content_delta", ["delta"] = piece }));

        // The current completed event's members were not recovered; the rule reads usage from any event.
        events.Add(new JsonObject
        {
            ["event"] = "response.completed", ["status"] = "completed", ["response_id"] = Clone(seed, "id"), ["response"] = content, ["usage"] = Clone(seed, "usage"),
        });
        return Data(events.Select(Json).ToArray()) + Done;
    }

    /// <summary>The oldest generation: names in event: lines, the id on created, output_text deltas and done, usage on completed.</summary>
    private static string OldestGeneration(JsonObject seed)
    {
        JsonObject message = seed["choices"]![0]!["message"]!.AsObject();
        string content = (string)message["content"]!;

        // The oldest generation documents no org_id; the rule reads it from any event, so it rides on created.
        var events = new List<(string, string)>
        {
            ("response.created", Json(new JsonObject { ["id"] = Clone(seed, "id"), ["status"] = "in_progress", ["org_id"] = Clone(seed, "organizationId") })),
            ("response.output_item.added", Json(new JsonObject { ["index"] = 0, ["item"] = new JsonObject { ["type"] = "message", ["role"] = message["role"]!.DeepClone() } })),
        };
        events.AddRange(Pieces(content).Select(piece => ("response.output_text.delta", Json(new JsonObject { ["index"] = 0, ["delta"] = piece }))));
        events.Add(("response.output_text.done", Json(new JsonObject { ["index"] = 0, ["text"] = content })));
        events.Add(("response.completed", Json(new JsonObject { ["status"] = "completed", ["usage"] = Clone(seed, "usage") })));
        return Named(events.ToArray());
    }

    /// <summary>The seed with the never-streamed members as a stream gives them: createdAt, model, logprobs null; metadata, systemFingerprint, serviceTier absent.</summary>
    private static JsonObject AsStreamed(JsonObject seed)
    {
        var expected = (JsonObject)seed.DeepClone();
        expected["createdAt"] = null;
        expected["model"] = null;
        expected["choices"]![0]!["logprobs"] = null;
        Assert.True(expected.Remove("metadata"));
        Assert.True(expected.Remove("systemFingerprint"));
        Assert.True(expected.Remove("serviceTier"));
        return expected;
    }

    public static TheoryData<string> Generations => new() { "current", "oldest" };

    [Theory]
    [MemberData(nameof(Generations))]
    public void SeedExampleRoundTrips(string generation)
    {
        JsonObject seed = SeedExample("aitronos-response-object.txt");
        Assert.True(JsonNode.DeepEquals(seed, SeedExample("aitronos-response-object-plain.txt")), "both seed pages show one example");

        string stream = generation == "current" ? CurrentGeneration(seed) : OldestGeneration(seed);
        using AitronosResult result = Assemble(stream);
        Assert.Equal(StreamStatus.Complete, result.Status);
        Assert.Equal(generation == "current" ? AitronosGeneration.Current : AitronosGeneration.Oldest, result.Generation);

        JsonObject expected = AsStreamed(seed);
        JsonObject actual = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected: {expected.ToJsonString()}\nactual:   {actual.ToJsonString()}");

        // The seed's member order, too.
        Assert.Equal(expected.Select(m => m.Key), actual.Select(m => m.Key));
        Assert.Equal(expected["choices"]![0]!.AsObject().Select(m => m.Key), actual["choices"]![0]!.AsObject().Select(m => m.Key));
        Assert.Equal("resp_abc123xyz789", result.Id);
        Assert.Equal("org_xyz789", result.OrganizationId);
        Assert.Null(result.ThreadId);
        Assert.Equal((string)seed["choices"]![0]!["message"]!["content"]!, result.Text);
        Assert.True(result.Usage.IsEmpty);
        Assert.True(JsonNode.DeepEquals(seed["usage"], JsonNode.Parse(result.UsageJson.Span)));
    }
}

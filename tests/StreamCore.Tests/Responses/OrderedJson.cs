using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StreamCore.Tests.Responses;

/// <summary>Deep equality of JSON trees that also requires object members in the same order (the contract writes "members in the envelope's order").</summary>
internal static class OrderedJson
{
    public static void AssertEqual(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected null, got {actual?.ToJsonString()}");
                return;
            case JsonObject expectedObject:
            {
                JsonObject actualObject = Assert.IsType<JsonObject>(actual);
                string[] expectedNames = expectedObject.Select(p => p.Key).ToArray();
                string[] actualNames = actualObject.Select(p => p.Key).ToArray();
                Assert.True(expectedNames.SequenceEqual(actualNames), $"{path}: members [{string.Join(",", expectedNames)}] expected, got [{string.Join(",", actualNames)}]");
                foreach ((string name, JsonNode? value) in expectedObject)
                {
                    AssertEqual(value, actualObject[name], $"{path}.{name}");
                }

                return;
            }

            case JsonArray expectedArray:
            {
                JsonArray actualArray = Assert.IsType<JsonArray>(actual);
                Assert.True(expectedArray.Count == actualArray.Count, $"{path}: {expectedArray.Count} entries expected, got {actualArray.Count}");
                for (int i = 0; i < expectedArray.Count; i++)
                {
                    AssertEqual(expectedArray[i], actualArray[i], $"{path}[{i}]");
                }

                return;
            }

            default:
                Assert.True(JsonNode.DeepEquals(expected, actual), $"{path}: expected {expected.ToJsonString()}, got {actual?.ToJsonString()}");
                return;
        }
    }

    /// <summary>The node of a JSON text, parsed with the defaults.</summary>
    public static JsonNode? Parse(string json) => JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamCore.Tests.Chat;

namespace StreamCore.Tests.Anthropic;

/// <summary>
/// An independent, deliberately plain reading of an Anthropic stream over <see cref="JsonNode"/>:
/// the <c>Message</c> the rules of <c>typed-protocols.md</c>, section 2, make of it, computed with
/// decoded strings and whole nodes, without any of the library's code. Slow and obviously right;
/// only the shapes the recordings and fixtures use are modelled (no repeated starts).
/// </summary>
internal sealed class AnthropicOracle
{
    private static readonly string[] Leading = ["id", "type", "role", "model", "content", "stop_reason", "stop_sequence"];

    private readonly JsonObject _message = [];
    private readonly SortedDictionary<int, OracleBlock> _blocks = [];
    private bool _started;

    public StreamStatus Status { get; private set; } = StreamStatus.InProgress;

    /// <summary>The tool_use blocks' (id, name, arguments, valid) in block order.</summary>
    public List<(string? Id, string? Name, string Arguments, bool Valid)> ToolCalls { get; } = [];

    public static AnthropicOracle Read(byte[] bytes)
    {
        var oracle = new AnthropicOracle();
        foreach ((string name, string data) in CorpusOracle.ParseEvents(Encoding.UTF8.GetString(bytes)))
        {
            string trimmed = data.Trim();
            if (trimmed.Length == 0 || trimmed == "[DONE]")
            {
                continue;
            }

            JsonObject e = JsonNode.Parse(trimmed)!.AsObject();
            string type = e["type"]?.GetValue<string>() ?? name;
            if (oracle.Apply(type, e))
            {
                break;
            }
        }

        oracle.End();
        return oracle;
    }

    /// <summary>The Message the rules make, as compact JSON.</summary>
    public string ToJson()
    {
        var output = new JsonObject
        {
            ["id"] = _message["id"]?.DeepClone(),
            ["type"] = _message.ContainsKey("type") ? _message["type"]?.DeepClone() : "message",
            ["role"] = _message.ContainsKey("role") ? _message["role"]?.DeepClone() : "assistant",
            ["model"] = _message["model"]?.DeepClone(),
            ["content"] = new JsonArray(_blocks.Values.Select(b => (JsonNode)b.Json.DeepClone()).ToArray()),
            ["stop_reason"] = _message["stop_reason"]?.DeepClone(),
            ["stop_sequence"] = _message["stop_sequence"]?.DeepClone(),
        };
        foreach (KeyValuePair<string, JsonNode?> member in _message)
        {
            if (!Leading.Contains(member.Key))
            {
                output[member.Key] = member.Value?.DeepClone();
            }
        }

        return output.ToJsonString(AnthropicTestSupport.Compact);
    }

    /// <summary>Applies one event; true when the stream ends there.</summary>
    private bool Apply(string type, JsonObject e)
    {
        switch (type)
        {
            case "message_start" when !_started:
                _started = true;
                foreach (KeyValuePair<string, JsonNode?> member in e["message"]!.AsObject())
                {
                    if (member.Key == "content")
                    {
                        int i = 0;
                        foreach (JsonNode? block in member.Value!.AsArray())
                        {
                            var complete = new OracleBlock((JsonObject)block!.DeepClone());
                            _blocks[i++] = complete;
                            Close(complete);
                        }
                    }
                    else
                    {
                        _message[member.Key] = member.Value?.DeepClone();
                    }
                }

                return false;
            case "content_block_start":
                _blocks[e["index"]!.GetValue<int>()] = new OracleBlock((JsonObject)e["content_block"]!.DeepClone());
                return false;
            case "content_block_delta":
                ApplyDelta(e["index"]!.GetValue<int>(), e["delta"]!.AsObject());
                return false;
            case "content_block_stop":
                if (_blocks.TryGetValue(e["index"]!.GetValue<int>(), out OracleBlock? stopped))
                {
                    Close(stopped);
                }

                return false;
            case "message_delta":
                foreach (KeyValuePair<string, JsonNode?> member in e["delta"]!.AsObject())
                {
                    SetUnlessNull(_message, member.Key, member.Value);
                }

                if (e["usage"] is JsonObject usage)
                {
                    if (_message["usage"] is not JsonObject laid)
                    {
                        _message["usage"] = laid = [];
                    }

                    foreach (KeyValuePair<string, JsonNode?> member in usage)
                    {
                        if (member.Value is not null)
                        {
                            laid[member.Key] = member.Value.DeepClone();
                        }
                    }
                }

                foreach (KeyValuePair<string, JsonNode?> member in e.Where(m => m.Key is not ("type" or "delta" or "usage")))
                {
                    SetUnlessNull(_message, member.Key, member.Value);
                }

                return false;
            case "message_stop":
                Status = StreamStatus.Complete;
                return true;
            case "error":
                _message["error"] = (e["error"] ?? e).DeepClone();
                Status = StreamStatus.Failed;
                return true;
            default:
                return false; // ping, unknown events, a repeated start
        }
    }

    private void ApplyDelta(int index, JsonObject delta)
    {
        string type = delta["type"]!.GetValue<string>();
        if (!_blocks.TryGetValue(index, out OracleBlock? block))
        {
            string kind = type switch
            {
                "text_delta" or "citations_delta" => "text",
                "thinking_delta" or "signature_delta" => "thinking",
                "input_json_delta" => "tool_use",
                "compaction_delta" => "compaction",
                _ => "",
            };
            if (kind.Length == 0)
            {
                return;
            }

            _blocks[index] = block = new OracleBlock(new JsonObject { ["type"] = kind });
        }

        JsonObject json = block.Json;
        switch (type)
        {
            case "text_delta":
                json["text"] = (json["text"]?.GetValue<string>() ?? string.Empty) + (delta["text"]?.GetValue<string>() ?? string.Empty);
                break;
            case "thinking_delta":
                json["thinking"] = (json["thinking"]?.GetValue<string>() ?? string.Empty) + (delta["thinking"]?.GetValue<string>() ?? string.Empty);
                break;
            case "signature_delta":
                json["signature"] = delta["signature"]!.DeepClone();
                break;
            case "citations_delta":
                if (json["citations"] is not JsonArray citations)
                {
                    json["citations"] = citations = [];
                }

                citations.Add(delta["citation"]!.DeepClone());
                break;
            case "input_json_delta":
                block.InputText.Append(delta["partial_json"]?.GetValue<string>());
                if (!json.ContainsKey("input"))
                {
                    json["input"] = null;
                }

                break;
            case "compaction_delta":
                foreach (string member in new[] { "content", "encrypted_content" })
                {
                    if (delta.ContainsKey(member))
                    {
                        json[member] = delta[member]?.DeepClone();
                    }
                }

                break;
        }
    }

    private void End()
    {
        foreach (OracleBlock block in _blocks.Values.Where(b => !b.Closed))
        {
            Close(block);
        }

        ToolCalls.Clear();
        foreach (OracleBlock block in _blocks.Values.Where(b => b.Json["type"]?.GetValue<string>() == "tool_use"))
        {
            string arguments = block.InputText.Length > 0 ? block.InputText.ToString() : block.Json["input"]?.ToJsonString(AnthropicTestSupport.Compact) ?? string.Empty;
            ToolCalls.Add((block.Json["id"]?.GetValue<string>(), block.Json["name"]?.GetValue<string>(), arguments, IsJson(arguments)));
        }

        if (Status == StreamStatus.InProgress)
        {
            Status = StreamStatus.Incomplete;
        }
    }

    // Rule 4: an empty input text keeps the seed's input; otherwise the text, as JSON when it parses, else as a string.
    private static void Close(OracleBlock block)
    {
        block.Closed = true;
        if (block.InputText.Length == 0)
        {
            return;
        }

        string text = block.InputText.ToString();
        block.Json["input"] = IsJson(text) ? JsonNode.Parse(text) : JsonValue.Create(text);
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void SetUnlessNull(JsonObject target, string name, JsonNode? value)
    {
        if (value is not null)
        {
            target[name] = value.DeepClone();
        }
        else if (!target.ContainsKey(name))
        {
            target[name] = null;
        }
    }

    private sealed class OracleBlock(JsonObject json)
    {
        public JsonObject Json { get; } = json;

        public StringBuilder InputText { get; } = new();

        public bool Closed { get; set; }
    }
}

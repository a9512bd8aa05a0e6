using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StreamCore.Tests.Chat;

/// <summary>
/// An independent, deliberately plain reading of a recorded stream with <see cref="JsonDocument"/>:
/// what the assembled result must contain, computed fragment by fragment, without any of the
/// library's code. Only what the invariants need is modelled.
/// </summary>
internal sealed class CorpusOracle
{
    private static readonly HashSet<string> KnownTop = ["id", "object", "created", "model", "choices", "usage", "system_fingerprint", "service_tier", "obfuscation", "error"];
    private static readonly HashSet<string> KnownChoice = ["index", "delta", "finish_reason", "logprobs"];

    public string? Id { get; private set; }

    public string? Model { get; private set; }

    public long? Created { get; private set; }

    public string? SystemFingerprint { get; private set; }

    public JsonNode? Usage { get; private set; }

    public bool UsageSeen { get; private set; }

    public JsonNode? Error { get; private set; }

    public bool DoneSeen { get; private set; }

    /// <summary>Unknown top-level members: last non-null value (null when only null arrived).</summary>
    public Dictionary<string, JsonNode?> TopExtras { get; } = [];

    public SortedDictionary<int, OracleChoice> Choices { get; } = [];

    public static CorpusOracle Read(byte[] bytes)
    {
        var oracle = new CorpusOracle();
        foreach ((string type, string data) in ParseEvents(Encoding.UTF8.GetString(bytes)))
        {
            if (type == "error")
            {
                try
                {
                    JsonNode? node = JsonNode.Parse(data);
                    oracle.Error = node is JsonObject o && o["error"] is JsonNode e ? e.DeepClone() : node;
                }
                catch (JsonException)
                {
                    oracle.Error = JsonValue.Create(data);
                }

                return oracle;
            }

            if (type == "ping" || data.Length == 0)
            {
                continue;
            }

            if (data == "[DONE]")
            {
                oracle.DoneSeen = true;
                return oracle;
            }

            using JsonDocument chunk = JsonDocument.Parse(data);
            oracle.Merge(chunk.RootElement);
            if (chunk.RootElement.TryGetProperty("error", out JsonElement error) && error.ValueKind != JsonValueKind.Null)
            {
                oracle.Error = JsonNode.Parse(error.GetRawText());
                return oracle;
            }
        }

        return oracle;
    }

    /// <summary>A plain reading of the event-stream format: enough for the corpus (LF, CRLF or CR line ends, comments, event and data fields).</summary>
    public static List<(string Type, string Data)> ParseEvents(string text)
    {
        var events = new List<(string, string)>();
        string type = string.Empty;
        var data = new List<string>();
        foreach (string line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'))
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    events.Add((type.Length == 0 ? "message" : type, string.Join('\n', data)));
                }

                data.Clear();
                type = string.Empty;
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string field = colon < 0 ? line : line[..colon];
            string value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            if (field == "data")
            {
                data.Add(value);
            }
            else if (field == "event")
            {
                type = value;
            }
        }

        return events;
    }

    private void Merge(JsonElement chunk)
    {
        foreach (JsonProperty member in chunk.EnumerateObject())
        {
            JsonElement value = member.Value;
            switch (member.Name)
            {
                case "id" when value.ValueKind == JsonValueKind.String && string.IsNullOrEmpty(Id):
                    Id = value.GetString();
                    break;
                case "model" when value.ValueKind == JsonValueKind.String && string.IsNullOrEmpty(Model):
                    Model = value.GetString();
                    break;
                case "created" when value.ValueKind == JsonValueKind.Number && (Created ?? 0) == 0:
                    Created = value.GetInt64();
                    break;
                case "system_fingerprint" when value.ValueKind == JsonValueKind.String && (SystemFingerprint is null || value.GetString()!.Length > 0):
                    SystemFingerprint = value.GetString();
                    break;
                case "usage":
                    UsageSeen = true;
                    if (value.ValueKind != JsonValueKind.Null)
                    {
                        Usage = JsonNode.Parse(value.GetRawText());
                    }

                    break;
                case "choices" when value.ValueKind == JsonValueKind.Array:
                    foreach (JsonElement choice in value.EnumerateArray())
                    {
                        MergeChoice(choice);
                    }

                    break;
                default:
                    if (!KnownTop.Contains(member.Name) && (value.ValueKind != JsonValueKind.Null || !TopExtras.ContainsKey(member.Name)))
                    {
                        TopExtras[member.Name] = JsonNode.Parse(value.GetRawText());
                    }

                    break;
            }
        }
    }

    private void MergeChoice(JsonElement element)
    {
        int index = element.TryGetProperty("index", out JsonElement i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : 0;
        if (!Choices.TryGetValue(index, out OracleChoice? choice))
        {
            Choices[index] = choice = new OracleChoice();
        }

        foreach (JsonProperty member in element.EnumerateObject())
        {
            if (!KnownChoice.Contains(member.Name) && (member.Value.ValueKind != JsonValueKind.Null || !choice.Extras.ContainsKey(member.Name)))
            {
                choice.Extras[member.Name] = JsonNode.Parse(member.Value.GetRawText());
            }
        }

        if (element.TryGetProperty("finish_reason", out JsonElement finish) && finish.ValueKind == JsonValueKind.String && finish.GetString()!.Length > 0)
        {
            choice.FinishReason = finish.GetString();
        }

        if (!element.TryGetProperty("delta", out JsonElement delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (JsonProperty member in delta.EnumerateObject())
        {
            JsonElement value = member.Value;
            switch (member.Name)
            {
                case "role" when value.ValueKind == JsonValueKind.String && string.IsNullOrEmpty(choice.Role):
                    choice.Role = value.GetString();
                    break;
                case "content" when value.ValueKind == JsonValueKind.String:
                    (choice.Content ??= new StringBuilder()).Append(value.GetString());
                    break;
                case "content" when value.ValueKind == JsonValueKind.Array:
                    choice.ContentWasArray = true;
                    break;
                case "refusal" when value.ValueKind == JsonValueKind.String:
                    (choice.Refusal ??= new StringBuilder()).Append(value.GetString());
                    break;
                case "reasoning_content" or "reasoning" when value.ValueKind == JsonValueKind.String:
                    if (!choice.Reasoning.TryGetValue(member.Name, out StringBuilder? text))
                    {
                        choice.Reasoning[member.Name] = text = new StringBuilder();
                    }

                    text.Append(value.GetString());
                    break;
                case "function_call" when value.ValueKind == JsonValueKind.Object:
                    if (value.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String && string.IsNullOrEmpty(choice.FunctionCallName))
                    {
                        choice.FunctionCallName = name.GetString();
                    }

                    if (value.TryGetProperty("arguments", out JsonElement arguments) && arguments.ValueKind == JsonValueKind.String)
                    {
                        (choice.FunctionCallArguments ??= new StringBuilder()).Append(arguments.GetString());
                    }

                    break;
                case "tool_calls" when value.ValueKind == JsonValueKind.Array:
                    foreach (JsonElement fragment in value.EnumerateArray())
                    {
                        choice.AddToolCallFragment(fragment);
                    }

                    break;
                default:
                    break;
            }
        }
    }
}

internal sealed class OracleChoice
{
    private readonly Dictionary<int, OracleToolCall> _lastByIndex = [];

    public string? Role { get; set; }

    public StringBuilder? Content { get; set; }

    public bool ContentWasArray { get; set; }

    public StringBuilder? Refusal { get; set; }

    public Dictionary<string, StringBuilder> Reasoning { get; } = [];

    public string? FinishReason { get; set; }

    public string? FunctionCallName { get; set; }

    public StringBuilder? FunctionCallArguments { get; set; }

    public List<OracleToolCall> ToolCalls { get; } = [];

    public Dictionary<string, JsonNode?> Extras { get; } = [];

    /// <summary>Section 7's four identity rules, written out plainly.</summary>
    public void AddToolCallFragment(JsonElement fragment)
    {
        string? id = fragment.TryGetProperty("id", out JsonElement i) && i.ValueKind == JsonValueKind.String && i.GetString()!.Length > 0 ? i.GetString() : null;
        int? index = fragment.TryGetProperty("index", out JsonElement x) && x.ValueKind == JsonValueKind.Number ? x.GetInt32() : null;
        JsonElement function = fragment.TryGetProperty("function", out JsonElement f) && f.ValueKind == JsonValueKind.Object ? f : default;
        string? name = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String && n.GetString()!.Length > 0 ? n.GetString() : null;

        OracleToolCall? call = id is null ? null : ToolCalls.FirstOrDefault(c => c.Id == id);
        if (call is null && id is not null && (name is not null || (index is int k && !_lastByIndex.ContainsKey(k))))
        {
            call = New();
        }
        else if (call is null && index is int k2)
        {
            call = _lastByIndex.TryGetValue(k2, out OracleToolCall? found) ? found : New();
        }
        else
        {
            call ??= ToolCalls.Count > 0 ? ToolCalls[^1] : New();
        }

        if (index is int given)
        {
            _lastByIndex[given] = call;
        }

        call.Id ??= id;
        call.Name ??= name;
        if (function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out JsonElement arguments))
        {
            call.Arguments.Append(arguments.ValueKind switch
            {
                JsonValueKind.String => arguments.GetString(),
                JsonValueKind.Null => string.Empty,
                _ => arguments.GetRawText(),
            });
        }

        OracleToolCall New()
        {
            var created = new OracleToolCall();
            ToolCalls.Add(created);
            return created;
        }
    }
}

internal sealed class OracleToolCall
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public StringBuilder Arguments { get; } = new();
}

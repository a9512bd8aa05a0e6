using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamCore.Tests.Chat;

namespace StreamCore.Tests.Responses;

/// <summary>
/// An independent, deliberately plain reading of a Responses stream over <see cref="JsonNode"/>:
/// the <c>response</c> object the contract's section 1 describes, built by mutating nodes event by
/// event, without any of the library's code. Slow and simple; for well-formed streams (the
/// recordings, the rule fixtures and their prefixes).
/// </summary>
internal sealed class ResponsesOracle
{
    private readonly SortedDictionary<int, Item> _items = [];
    private JsonObject? _envelope;
    private JsonNode? _providerError;
    private bool _outputUsed;

    /// <summary>The terminal event's name, or null when the input ended without one.</summary>
    public string? Terminal { get; private set; }

    public StreamStatus Status => Terminal switch
    {
        "response.failed" => StreamStatus.Failed,
        _ when _providerError is not null => StreamStatus.Failed,
        null => StreamStatus.Incomplete,
        _ => StreamStatus.Complete,
    };

    public static ResponsesOracle Read(byte[] bytes)
    {
        var oracle = new ResponsesOracle();
        foreach ((string sseName, string data) in CorpusOracle.ParseEvents(Encoding.UTF8.GetString(bytes)))
        {
            if (data.Trim().Length == 0 || data == "[DONE]")
            {
                continue;
            }

            JsonObject e = JsonNode.Parse(data)!.AsObject();
            string name = sseName != "message" ? sseName : (string?)e["type"] ?? "message";
            if (oracle.Apply(name, e))
            {
                break; // nothing after the terminal event
            }
        }

        return oracle;
    }

    /// <summary>The assembled <c>response</c> object.</summary>
    public JsonObject Response()
    {
        var response = new JsonObject();
        foreach ((string name, JsonNode? value) in _envelope ?? [])
        {
            if (name == "output" && !response.ContainsKey("output"))
            {
                response["output"] = _outputUsed ? Clone(value) : Output();
            }
            else if (name == "error" && !response.ContainsKey("error"))
            {
                response["error"] = value is null && _providerError is not null ? Clone(_providerError) : Clone(value);
            }
            else
            {
                response[name] = Clone(value);
            }
        }

        if (!response.ContainsKey("output"))
        {
            response["output"] = Output();
        }

        if (!response.ContainsKey("error") && _providerError is not null)
        {
            response["error"] = Clone(_providerError);
        }

        return response;
    }

    /// <summary>The text of the output_text parts of message items of the assembled output, read from its JSON.</summary>
    public static string? TextOf(JsonObject response, string itemType, params string[] partTypes)
    {
        var texts = new List<string>();
        foreach (JsonObject item in ((JsonArray?)response["output"] ?? []).OfType<JsonObject>().Where(i => (string?)i["type"] == itemType))
        {
            foreach (string list in new[] { "summary", "content" })
            {
                foreach (JsonObject part in (item[list] as JsonArray ?? []).OfType<JsonObject>())
                {
                    string type = (string?)part["type"] ?? string.Empty;
                    if (partTypes.Contains(type))
                    {
                        texts.Add((string?)part[type == "refusal" ? "refusal" : "text"] ?? string.Empty);
                    }
                }
            }
        }

        return texts.Count == 0 ? null : string.Join(itemType == "reasoning" ? "\n\n" : string.Empty, texts);
    }

    /// <summary>The client tool calls of the assembled output, read from its JSON: (call_id, name, arguments or input).</summary>
    public static List<(string? Id, string? Name, string Arguments)> ToolCallsOf(JsonObject response)
        => ((JsonArray?)response["output"] ?? []).OfType<JsonObject>()
            .Where(i => (string?)i["type"] is "function_call" or "custom_tool_call")
            .Select(i => ((string?)i["call_id"], (string?)i["name"], (string?)i[(string?)i["type"] == "custom_tool_call" ? "input" : "arguments"] ?? string.Empty))
            .ToList();

    private static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    private JsonArray Output()
    {
        var output = new JsonArray();
        foreach (Item item in _items.Values)
        {
            output.Add(item.ToJson());
        }

        return output;
    }

    /// <summary>Applies one event; true when it ended the stream.</summary>
    private bool Apply(string name, JsonObject e)
    {
        int output = (int?)e["output_index"] ?? -1;
        int content = (int?)e["content_index"] ?? -1;
        int summary = (int?)e["summary_index"] ?? -1;
        switch (name)
        {
            case "ping" or "keepalive":
                return false;
            case "response.created" or "response.queued" or "response.in_progress":
                if (e["response"] is JsonObject lifecycle)
                {
                    _envelope = lifecycle.DeepClone().AsObject();
                }

                return false;
            case "response.completed" or "response.incomplete" or "response.failed":
                Terminal = name;
                if (e["response"] is JsonObject terminal)
                {
                    _envelope = terminal.DeepClone().AsObject();
                    _outputUsed = terminal["output"] is JsonArray list && list.Count >= _items.Count;
                }

                return true;
            case "error":
                _providerError ??= e["error"] is JsonNode nested ? nested.DeepClone() : e.DeepClone();
                return false;
            case "response.output_item.added":
                OpenItem(output, null, e).Load((JsonObject)e["item"]!, final: false);
                return false;
            case "response.output_item.done":
                OpenItem(output, null, e).Load((JsonObject)e["item"]!, final: true);
                return false;
            case "response.content_part.added" or "response.content_part.done":
            {
                JsonObject part = (JsonObject)e["part"]!;
                string itemType = (string?)part["type"] == "reasoning_text" ? "reasoning" : "message";
                OpenItem(output, itemType, e).OpenPart(false, content, (string?)part["type"]).Load(part, name.EndsWith(".done", StringComparison.Ordinal));
                return false;
            }

            case "response.reasoning_summary_part.added" or "response.reasoning_summary_part.done":
            {
                JsonObject part = (JsonObject)e["part"]!;
                OpenItem(output, "reasoning", e).OpenPart(true, summary, (string?)part["type"] ?? "summary_text").Load(part, name.EndsWith(".done", StringComparison.Ordinal));
                return false;
            }

            case "response.output_text.delta" or "response.refusal.delta" or "response.reasoning_text.delta" or "response.reasoning_summary_text.delta":
            case "response.output_text.done" or "response.refusal.done" or "response.reasoning_text.done" or "response.reasoning_summary_text.done":
            {
                string stem = name["response.".Length..name.LastIndexOf('.')];
                bool isSummary = stem == "reasoning_summary_text";
                string partType = stem switch
                {
                    "reasoning_summary_text" => "summary_text",
                    "reasoning_text" => "reasoning_text",
                    _ => stem,
                };
                Part part = OpenItem(output, stem.StartsWith("reasoning", StringComparison.Ordinal) ? "reasoning" : "message", e)
                    .OpenPart(isSummary, isSummary ? summary : content, partType);
                if (name.EndsWith(".delta", StringComparison.Ordinal))
                {
                    part.Text = (part.Text ?? string.Empty) + (string?)e["delta"];
                    if (stem == "output_text" && e["logprobs"] is JsonArray entries && entries.Count > 0)
                    {
                        part.Logprobs ??= [];
                        part.Logprobs.AddRange(entries.Select(Clone));
                    }

                    part.Unchanged = false;
                }
                else
                {
                    string? full = (string?)e[stem == "refusal" ? "refusal" : "text"];
                    if (full is not null && full != part.Text)
                    {
                        part.Text = full;
                        part.Unchanged = false;
                    }

                    if (stem == "output_text" && e["logprobs"] is JsonArray entries && entries.Count > 0)
                    {
                        part.Logprobs = entries.Select(Clone).ToList();
                        part.Unchanged = false;
                    }
                }

                return false;
            }

            case "response.function_call_arguments.delta" or "response.mcp_call_arguments.delta" or "response.custom_tool_call_input.delta":
            {
                Item item = OpenItem(output, ToolItemType(name), e);
                item.Arguments = (item.Arguments ?? string.Empty) + (string?)e["delta"];
                item.Unchanged = false;
                return false;
            }

            case "response.function_call_arguments.done" or "response.mcp_call_arguments.done" or "response.custom_tool_call_input.done":
            {
                Item item = OpenItem(output, ToolItemType(name), e);
                string? full = (string?)e[name.Contains("custom", StringComparison.Ordinal) ? "input" : "arguments"];
                if (full is not null && full != item.Arguments)
                {
                    item.Arguments = full;
                    item.Unchanged = false;
                }

                if (item.Node is null && (string?)e["name"] is string callName)
                {
                    item.Name ??= callName;
                }

                return false;
            }

            case "response.code_interpreter_call_code.delta" or "response.code_interpreter_call_code.done":
            {
                Item item = OpenItem(output, "code_interpreter_call", e);
                string? code = name.EndsWith(".delta", StringComparison.Ordinal) ? (item.Code ?? string.Empty) + (string?)e["delta"] : (string?)e["code"] ?? item.Code;
                if (code != item.Code)
                {
                    item.Code = code;
                    item.Unchanged = false;
                }

                return false;
            }

            case "response.output_text.annotation.added":
            {
                Part part = OpenItem(output, "message", e).OpenPart(false, content, "output_text");
                part.Annotations ??= [];
                int index = (int?)e["annotation_index"] ?? (part.Annotations.Count == 0 ? 0 : part.Annotations.Keys.Max() + 1);
                part.Annotations[index] = Clone(e["annotation"]);
                part.Unchanged = false;
                return false;
            }

            default:
                string[] pieces = name.Split('.');
                if (pieces.Length == 3 && pieces[0] == "response" && (pieces[1].EndsWith("_call", StringComparison.Ordinal) || pieces[1] == "mcp_list_tools")
                    && pieces[2] is "in_progress" or "searching" or "completed" or "interpreting" or "generating" or "failed" or "incomplete")
                {
                    Item item = OpenItem(output, pieces[1], e);
                    if (item.Status != pieces[2])
                    {
                        item.Status = pieces[2];
                        item.Unchanged = false;
                    }
                }

                return false; // unknown events change nothing
        }
    }

    private static string ToolItemType(string name) => name switch
    {
        _ when name.Contains("mcp_call", StringComparison.Ordinal) => "mcp_call",
        _ when name.Contains("custom", StringComparison.Ordinal) => "custom_tool_call",
        _ => "function_call",
    };

    private Item OpenItem(int index, string? type, JsonObject e)
    {
        if (!_items.TryGetValue(index, out Item? item))
        {
            _items[index] = item = new Item { Type = type, ItemId = (string?)e["item_id"] };
        }

        return item;
    }

    private sealed class Item
    {
        public JsonObject? Node { get; set; }

        public string? Type { get; set; }

        public string? ItemId { get; set; }

        public string? Name { get; set; }

        public bool Unchanged { get; set; }

        public SortedDictionary<int, Part>? Content { get; set; }

        public SortedDictionary<int, Part>? Summary { get; set; }

        public string? Arguments { get; set; }

        public string? Code { get; set; }

        public string? Status { get; set; }

        private string ArgumentsMember => (Type ?? (string?)Node?["type"]) == "custom_tool_call" ? "input" : "arguments";

        public Part OpenPart(bool summary, int index, string? type)
        {
            SortedDictionary<int, Part> parts = summary ? (Summary ??= []) : (Content ??= []);
            if (!parts.TryGetValue(index, out Part? part))
            {
                parts[index] = part = new Part { Type = type };
                Unchanged = false;
            }

            return part;
        }

        /// <summary>A seed fills what nothing built yet; a final value replaces everything.</summary>
        public void Load(JsonObject json, bool final)
        {
            bool pristine = Node is null && Content is null && Summary is null && Arguments is null && Code is null && Status is null;
            Type ??= (string?)json["type"];
            Node = json.DeepClone().AsObject();
            if (json[ArgumentsMember] is JsonValue arguments && arguments.TryGetValue(out string? text) && (final || Arguments is null))
            {
                Arguments = text;
            }

            if (json["code"] is JsonValue code && code.TryGetValue(out string? codeText) && (final || Code is null))
            {
                Code = codeText;
            }

            Content = LoadParts(json["content"], Content, final);
            Summary = LoadParts(json["summary"], Summary, final);
            if (final)
            {
                Status = null;
            }

            Unchanged = final || pristine;
        }

        public JsonObject ToJson()
        {
            if (Unchanged && Node is not null)
            {
                return Node.DeepClone().AsObject();
            }

            JsonObject json;
            if (Node is not null)
            {
                json = Node.DeepClone().AsObject();
            }
            else
            {
                json = [];
                if (ItemId is not null)
                {
                    json["id"] = ItemId;
                }

                json["type"] = Type;
                if (Name is not null)
                {
                    json["name"] = Name;
                }
            }

            if (Content is not null)
            {
                json["content"] = new JsonArray(Content.Values.Select(p => (JsonNode?)p.ToJson()).ToArray());
            }

            if (Summary is not null)
            {
                json["summary"] = new JsonArray(Summary.Values.Select(p => (JsonNode?)p.ToJson()).ToArray());
            }

            if (Arguments is not null)
            {
                json[ArgumentsMember] = Arguments;
            }

            if (Code is not null)
            {
                json["code"] = Code;
            }

            if (Status is not null)
            {
                json["status"] = Status;
            }

            return json;
        }

        private static SortedDictionary<int, Part>? LoadParts(JsonNode? list, SortedDictionary<int, Part>? parts, bool final)
        {
            if (list is not JsonArray array)
            {
                return final && parts is not null ? [] : parts;
            }

            parts ??= [];
            for (int i = 0; i < array.Count; i++)
            {
                if (!parts.TryGetValue(i, out Part? part))
                {
                    parts[i] = part = new Part { Type = (string?)array[i]?["type"] };
                }

                part.Load(array[i]!.AsObject(), final);
            }

            if (final)
            {
                foreach (int extra in parts.Keys.Where(k => k >= array.Count).ToList())
                {
                    parts.Remove(extra);
                }
            }

            return parts;
        }
    }

    private sealed class Part
    {
        public JsonObject? Node { get; set; }

        public string? Type { get; set; }

        public bool Unchanged { get; set; }

        public string? Text { get; set; }

        public SortedDictionary<int, JsonNode?>? Annotations { get; set; }

        public List<JsonNode?>? Logprobs { get; set; }

        private string TextMember => Type == "refusal" ? "refusal" : "text";

        public void Load(JsonObject json, bool final)
        {
            bool pristine = Node is null && Text is null && Annotations is null && Logprobs is null;
            Type ??= (string?)json["type"];
            Node = json.DeepClone().AsObject();
            if (json[TextMember] is JsonValue text && text.TryGetValue(out string? value) && (final || Text is null))
            {
                Text = value;
            }

            if (json["annotations"] is JsonArray annotations && (final || Annotations is null))
            {
                Annotations = new SortedDictionary<int, JsonNode?>(annotations.Select((a, i) => (i, a)).ToDictionary(p => p.i, p => Clone(p.a)));
            }

            if (json["logprobs"] is JsonArray logprobs && (final || Logprobs is null))
            {
                Logprobs = logprobs.Select(Clone).ToList();
            }

            Unchanged = final || pristine;
        }

        public JsonObject ToJson()
        {
            if (Unchanged && Node is not null)
            {
                return Node.DeepClone().AsObject();
            }

            JsonObject json = Node is not null ? Node.DeepClone().AsObject() : new JsonObject { ["type"] = Type };
            if (Text is not null)
            {
                json[TextMember] = Text;
            }

            if (Annotations is not null)
            {
                json["annotations"] = new JsonArray(Annotations.Values.Select(Clone).ToArray());
            }

            if (Logprobs is not null)
            {
                json["logprobs"] = new JsonArray(Logprobs.Select(Clone).ToArray());
            }

            return json;
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StreamCore.Benchmarks;

/// <summary>A recorded typed-protocol stream of <c>../shared/corpus-typed</c>, as editable events.</summary>
internal sealed class Recording
{
    private Recording(string name, StreamProtocol protocol, IReadOnlyList<RecordedEvent> events)
    {
        Name = name;
        Protocol = protocol;
        Events = events;
    }

    /// <summary>The path relative to <c>corpus-typed</c>.</summary>
    public string Name { get; }

    public StreamProtocol Protocol { get; }

    public IReadOnlyList<RecordedEvent> Events { get; }

    /// <summary>How many events of a kind (<see cref="RecordedEvent.Kind"/>) the recording has.</summary>
    public int CountOf(string kind) => Events.Count(e => e.Kind == kind);

    /// <summary>Reads <paramref name="relativePath"/> (e.g. <c>anthropic/compaction-1.sse</c>) from the typed corpus.</summary>
    public static Recording Load(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        string path = Path.Combine(Workloads.FindTypedCorpusDirectory(), relativePath);
        StreamProtocol protocol = relativePath.StartsWith("anthropic/", StringComparison.Ordinal) ? StreamProtocol.AnthropicMessages : StreamProtocol.Responses;
        return new Recording(relativePath, protocol, Parse(File.ReadAllBytes(path), relativePath));
    }

    /// <summary>
    /// The events of a body framed as the recordings are: an optional <c>event:</c> line and one
    /// <c>data:</c> line holding a JSON object per event (no CR, no multi-line data), the last one
    /// possibly without its blank line.
    /// </summary>
    public static List<RecordedEvent> Parse(byte[] body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        var events = new List<RecordedEvent>();
        foreach (string block in Encoding.UTF8.GetString(body).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string? eventName = null;
            string? data = null;
            foreach (string line in block.Split('\n'))
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    eventName = line["event:".Length..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data = data is null ? line["data:".Length..].Trim() : throw new InvalidDataException($"{name}: an event with several data lines");
                }
            }

            if (data is null)
            {
                continue;
            }

            JsonObject json = JsonNode.Parse(data) as JsonObject ?? throw new InvalidDataException($"{name}: an event whose data is not a JSON object");
            events.Add(new RecordedEvent(eventName, json));
        }

        return events;
    }
}

/// <summary>One event: its SSE name and its data as an editable JSON object, written back compactly.</summary>
internal sealed class RecordedEvent(string? eventName, JsonObject data)
{
    /// <summary>Compact, with non-ASCII text left as UTF-8 (as the providers send it); quotes, backslashes and controls escaped.</summary>
    public static JsonSerializerOptions WriteOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string? EventName { get; } = eventName;

    public JsonObject Data { get; } = data;

    /// <summary>The data's <c>type</c>, with the delta's type for Anthropic deltas (<c>content_block_delta/text_delta</c>).</summary>
    public string Kind => Data["delta"] is JsonObject delta && delta["type"] is JsonValue deltaType
        ? $"{Get("type")}/{deltaType.GetValue<string>()}"
        : Get("type");

    public RecordedEvent Clone() => new(EventName, (JsonObject)Data.DeepClone());

    /// <summary>The string at a dotted path (<c>delta.text</c>), or empty.</summary>
    public string Get(string path) => Find(path) is JsonValue value && value.TryGetValue(out string? text) ? text : "";

    /// <summary>The integer at a dotted path, or -1.</summary>
    public int Int(string path) => Find(path) is JsonValue value && value.TryGetValue(out int number) ? number : -1;

    /// <summary>Sets the string at a dotted path whose parent exists.</summary>
    public void Set(string path, string value)
    {
        int dot = path.LastIndexOf('.');
        JsonObject parent = dot < 0 ? Data : (JsonObject)Find(path[..dot])!;
        parent[path[(dot + 1)..]] = value;
    }

    /// <summary>Replaces every string value equal to <paramref name="from"/>, anywhere in the data; returns how many.</summary>
    public int ReplaceStrings(string from, string to) => Replace(Data, from, to);

    public string ToSse() =>
        (EventName is null ? "" : "event: " + EventName + "\n") + "data: " + Data.ToJsonString(WriteOptions) + "\n\n";

    private JsonNode? Find(string path)
    {
        JsonNode? node = Data;
        foreach (string name in path.Split('.'))
        {
            node = node is JsonObject obj ? obj[name] : null;
        }

        return node;
    }

    private static int Replace(JsonNode? node, string from, string to)
    {
        int count = 0;
        if (node is JsonObject obj)
        {
            foreach (string key in obj.Select(p => p.Key).ToList())
            {
                if (IsString(obj[key], from))
                {
                    obj[key] = to;
                    count++;
                }
                else
                {
                    count += Replace(obj[key], from, to);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                if (IsString(array[i], from))
                {
                    array[i] = to;
                    count++;
                }
                else
                {
                    count += Replace(array[i], from, to);
                }
            }
        }

        return count;
    }

    private static bool IsString(JsonNode? node, string text) => node is JsonValue value && value.TryGetValue(out string? s) && s == text;
}

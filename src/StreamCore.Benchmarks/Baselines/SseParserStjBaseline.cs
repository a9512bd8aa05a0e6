using System;
using System.Collections.Generic;
using System.IO;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamCore.Benchmarks.Baselines;

/// <summary>
/// What a careful .NET developer writes without StreamCore: the framework's <see cref="SseParser"/>,
/// System.Text.Json source-generated chunk types deserialized straight from the event's UTF-8 bytes,
/// and one <see cref="StringBuilder"/> per accumulated string.
/// </summary>
public static class SseParserStjBaseline
{
    // Returned by the item parser for "data: [DONE]" so the loop can stop without a string compare.
    private static readonly ChatChunk DoneMarker = new();

    private static readonly SseItemParser<ChatChunk?> ParseItem = static (eventType, data) =>
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return DoneMarker;
        }

        if (eventType == "error")
        {
            return new ChatChunk { ErrorEventData = Encoding.UTF8.GetString(data) };
        }

        return JsonSerializer.Deserialize(data, ChunkJsonContext.Default.ChatChunk);
    };

    public static AssembledResult Assemble(Stream body)
    {
        var state = new Accumulator();
        foreach (SseItem<ChatChunk?> item in SseParser.Create(body, ParseItem).Enumerate())
        {
            ChatChunk? chunk = item.Data;
            if (ReferenceEquals(chunk, DoneMarker))
            {
                break;
            }

            if (chunk is null)
            {
                continue;
            }

            if (chunk.ErrorEventData is not null)
            {
                state.Error = chunk.ErrorEventData;
                break;
            }

            state.Add(chunk);
            if (chunk.Error is { ValueKind: not JsonValueKind.Null } error)
            {
                state.Error = error.GetRawText();
                break;
            }
        }

        return state.ToResult();
    }

    private sealed class Accumulator
    {
        private readonly SortedDictionary<int, ChoiceState> _choices = [];
        private string? _id;
        private string? _model;
        private ChunkUsage? _usage;

        public string? Error { get; set; }

        public void Add(ChatChunk chunk)
        {
            if (string.IsNullOrEmpty(_id))
            {
                _id = chunk.Id;
            }

            if (string.IsNullOrEmpty(_model))
            {
                _model = chunk.Model;
            }

            if (chunk.Usage is not null)
            {
                _usage = chunk.Usage;
            }

            if (chunk.Choices is null)
            {
                return;
            }

            foreach (ChunkChoice choice in chunk.Choices)
            {
                if (!_choices.TryGetValue(choice.Index, out ChoiceState? state))
                {
                    _choices[choice.Index] = state = new ChoiceState();
                }

                if (!string.IsNullOrEmpty(choice.FinishReason))
                {
                    state.FinishReason = choice.FinishReason;
                }

                if (choice.Logprobs?.Content is { } logprobs)
                {
                    state.Logprobs.AddRange(logprobs);
                }

                if (choice.Delta is { } delta)
                {
                    state.Add(delta);
                }
            }
        }

        public AssembledResult ToResult()
        {
            var result = new AssembledResult { Id = _id, Model = _model, TotalTokens = _usage?.TotalTokens, Error = Error };
            foreach ((int index, ChoiceState state) in _choices)
            {
                var choice = new ChoiceResult
                {
                    Role = state.Role,
                    Content = state.Content?.ToString(),
                    Refusal = state.Refusal?.ToString(),
                    Reasoning = state.Reasoning?.ToString(),
                    FinishReason = state.FinishReason,
                    LogprobCount = state.Logprobs.Count,
                };
                foreach ((int toolIndex, ToolState tool) in state.Tools)
                {
                    choice.ToolCalls.Add(new ToolCallResult { Index = toolIndex, Id = tool.Id, Name = tool.Name, Arguments = tool.Arguments.ToString() });
                }

                result.Choices[index] = choice;
            }

            return result;
        }
    }

    private sealed class ChoiceState
    {
        public string? Role { get; private set; }

        public StringBuilder? Content { get; private set; }

        public StringBuilder? Refusal { get; private set; }

        public StringBuilder? Reasoning { get; private set; }

        public string? FinishReason { get; set; }

        public List<TokenLogprob> Logprobs { get; } = [];

        public SortedDictionary<int, ToolState> Tools { get; } = [];

        public void Add(ChunkDelta delta)
        {
            if (string.IsNullOrEmpty(Role))
            {
                Role = delta.Role;
            }

            if (delta.Content is not null)
            {
                (Content ??= new StringBuilder()).Append(delta.Content);
            }

            if (delta.Refusal is not null)
            {
                (Refusal ??= new StringBuilder()).Append(delta.Refusal);
            }

            if (delta.ReasoningContent is not null)
            {
                (Reasoning ??= new StringBuilder()).Append(delta.ReasoningContent);
            }

            if (delta.Reasoning is not null)
            {
                (Reasoning ??= new StringBuilder()).Append(delta.Reasoning);
            }

            if (delta.ToolCalls is null)
            {
                return;
            }

            foreach (ChunkToolCall call in delta.ToolCalls)
            {
                if (!Tools.TryGetValue(call.Index, out ToolState? tool))
                {
                    Tools[call.Index] = tool = new ToolState();
                }

                if (string.IsNullOrEmpty(tool.Id))
                {
                    tool.Id = call.Id;
                }

                if (call.Function is { } function)
                {
                    if (string.IsNullOrEmpty(tool.Name))
                    {
                        tool.Name = function.Name;
                    }

                    tool.Arguments.Append(function.Arguments);
                }
            }
        }
    }

    private sealed class ToolState
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}

// ---- The chunk model (snake_case members, unknown members ignored) ----------------------------

public sealed class ChatChunk
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("object")]
    public string? ObjectType { get; set; }

    [JsonPropertyName("created")]
    public long Created { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("system_fingerprint")]
    public string? SystemFingerprint { get; set; }

    [JsonPropertyName("choices")]
    public List<ChunkChoice>? Choices { get; set; }

    [JsonPropertyName("usage")]
    public ChunkUsage? Usage { get; set; }

    [JsonPropertyName("error")]
    public JsonElement? Error { get; set; }

    /// <summary>Set by the item parser for an <c>event: error</c> event (never deserialized).</summary>
    [JsonIgnore]
    public string? ErrorEventData { get; set; }
}

public sealed class ChunkChoice
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("delta")]
    public ChunkDelta? Delta { get; set; }

    [JsonPropertyName("logprobs")]
    public ChunkLogprobs? Logprobs { get; set; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }
}

public sealed class ChunkDelta
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    /// <summary>Text; a few providers (Mistral "thinking" models) send an array of parts instead.</summary>
    [JsonPropertyName("content")]
    [JsonConverter(typeof(ContentTextConverter))]
    public string? Content { get; set; }

    [JsonPropertyName("refusal")]
    public string? Refusal { get; set; }

    [JsonPropertyName("reasoning_content")]
    public string? ReasoningContent { get; set; }

    [JsonPropertyName("reasoning")]
    public string? Reasoning { get; set; }

    [JsonPropertyName("tool_calls")]
    public List<ChunkToolCall>? ToolCalls { get; set; }
}

public sealed class ChunkToolCall
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("function")]
    public ChunkFunction? Function { get; set; }
}

public sealed class ChunkFunction
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("arguments")]
    public string? Arguments { get; set; }
}

public sealed class ChunkLogprobs
{
    [JsonPropertyName("content")]
    public List<TokenLogprob>? Content { get; set; }

    [JsonPropertyName("refusal")]
    public List<TokenLogprob>? Refusal { get; set; }
}

public sealed class TokenLogprob
{
    [JsonPropertyName("token")]
    public string? Token { get; set; }

    [JsonPropertyName("logprob")]
    public double Logprob { get; set; }

    [JsonPropertyName("bytes")]
    public List<int>? Bytes { get; set; }

    [JsonPropertyName("top_logprobs")]
    public List<TopLogprob>? TopLogprobs { get; set; }
}

public sealed class TopLogprob
{
    [JsonPropertyName("token")]
    public string? Token { get; set; }

    [JsonPropertyName("logprob")]
    public double Logprob { get; set; }

    [JsonPropertyName("bytes")]
    public List<int>? Bytes { get; set; }
}

public sealed class ChunkUsage
{
    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; set; }

    [JsonPropertyName("completion_tokens")]
    public int CompletionTokens { get; set; }

    [JsonPropertyName("total_tokens")]
    public int TotalTokens { get; set; }
}

/// <summary>Reads <c>content</c> as a string, or joins the <c>text</c> of each part when it is an array of parts.</summary>
public sealed class ContentTextConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                var text = new StringBuilder();
                int depth = reader.CurrentDepth;
                while (reader.Read() && reader.CurrentDepth > depth)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 2 && reader.ValueTextEquals("text"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            text.Append(reader.GetString());
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }

                return text.ToString();
            default:
                throw new JsonException($"Unexpected {reader.TokenType} for message content.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(ChatChunk))]
internal sealed partial class ChunkJsonContext : JsonSerializerContext;

using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using StreamCore.Aitronos;
using StreamCore.Responses;

namespace StreamCore.Extensions.AI;

/// <summary>
/// How each part of a <see cref="StreamResult"/> becomes a Microsoft.Extensions.AI value. The update
/// path and the result path both build their values here, so that what
/// <c>ToChatResponseAsync</c> joins from the updates is what <see cref="StreamResultChatExtensions.ToChatResponse"/> gives.
/// </summary>
internal static class ContentMapping
{
    /// <summary>The <see cref="ErrorContent.ErrorCode"/> of a refusal, as MEAI's own OpenAI conversion writes it.</summary>
    public const string RefusalErrorCode = "Refusal";

    /// <summary>The response's id, or null when none arrived or it is empty (Snowflake's <c>"id": ""</c>: MEAI ignores empty ids).</summary>
    public static string? Id(StreamResult result) => result.Id is { Length: > 0 } id ? id : null;

    /// <summary>The model, or null when none arrived or it is empty (vLLM serving under an empty name).</summary>
    public static string? Model(StreamResult result) => result.Model is { Length: > 0 } model ? model : null;

    /// <summary>
    /// The finish reason of the result's <see cref="StreamResult.StopKind"/>: MEAI's four where one fits,
    /// a refusal as <see cref="ChatFinishReason.ContentFilter"/> (output withheld), a pause or another
    /// reason as the raw value; none for a provider error (an <see cref="ErrorContent"/> says why it
    /// ended) or while no stop arrived.
    /// </summary>
    public static ChatFinishReason? FinishReason(StreamResult result) => result.StopKind switch
    {
        StopKind.Stop => ChatFinishReason.Stop,
        StopKind.Length => ChatFinishReason.Length,
        StopKind.ToolCalls => ChatFinishReason.ToolCalls,
        StopKind.ContentFilter or StopKind.Refusal => ChatFinishReason.ContentFilter,
        StopKind.Paused or StopKind.Other when !string.IsNullOrEmpty(result.StopReason) => new ChatFinishReason(result.StopReason),
        _ => null,
    };

    /// <summary>
    /// The token counts of the last usage (<see cref="StreamResult.Usage"/>), cached and reasoning
    /// counts included; Aitronos' neurons and synapses as <see cref="UsageDetails.AdditionalCounts"/>
    /// under their own names. Null when no usage arrived.
    /// </summary>
    public static UsageDetails? Usage(StreamResult result)
    {
        UsageCounts counts = result.Usage;
        if (!counts.IsEmpty)
        {
            return new UsageDetails
            {
                InputTokenCount = counts.Input,
                OutputTokenCount = counts.Output,
                TotalTokenCount = counts.Total,
                CachedInputTokenCount = counts.CachedInput,
                ReasoningTokenCount = counts.Reasoning,
            };
        }

        if (result is AitronosResult)
        {
            AdditionalPropertiesDictionary<long>? other = NumericMembers(result.UsageJson.Span);
            return other is null ? null : new UsageDetails { AdditionalCounts = other };
        }

        return null;
    }

    /// <summary>When the provider created the response: <see cref="StreamResult.CreatedAt"/>, or a Responses envelope's <c>created_at</c>.</summary>
    public static DateTimeOffset? CreatedAt(StreamResult result)
    {
        if (result.CreatedAt is DateTimeOffset created)
        {
            return created;
        }

        if (result is ResponsesResult responses)
        {
            ReadOnlySpan<byte> raw = responses.GetMemberJson("created_at").Span;
            if (Utf8Parser.TryParse(raw, out long seconds, out int used) && used == raw.Length && seconds is >= -62_135_596_800 and <= 253_402_300_799)
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }

        return null;
    }

    /// <summary>
    /// A tool call, whole, as a <see cref="FunctionCallContent"/> with its arguments parsed into a
    /// dictionary of <see cref="JsonElement"/> values. Arguments that are not a JSON object (cut,
    /// invalid, a custom tool's free-form input) leave <see cref="FunctionCallContent.Arguments"/> null
    /// and set <see cref="FunctionCallContent.Exception"/>; empty arguments are an empty object. The
    /// call stays reachable as <see cref="AIContent.RawRepresentation"/>. Aitronos runs its tools
    /// itself: its calls are marked <see cref="FunctionCallContent.InformationalOnly"/>, so that no
    /// function-invoking client runs them again.
    /// </summary>
    public static FunctionCallContent FunctionCall(ToolCall call, StreamResult result)
    {
        FunctionCallContent content = FunctionCallContent.CreateFromParsedArguments(call.Arguments, call.Id ?? string.Empty, call.Name ?? string.Empty, ParseArguments);
        content.RawRepresentation = call;
        content.InformationalOnly = result is AitronosResult;
        return content;
    }

    /// <summary>A refusal, as MEAI's own OpenAI conversion gives it: an <see cref="ErrorContent"/> whose code is <c>Refusal</c>.</summary>
    public static ErrorContent Refusal(string refusal) => new(refusal) { ErrorCode = RefusalErrorCode };

    /// <summary>
    /// The provider's error (<see cref="StreamResult.ErrorJson"/>) as an <see cref="ErrorContent"/>:
    /// its <c>message</c> (a string error is its own message), its <c>code</c> (else its <c>type</c>),
    /// and the error object verbatim as <see cref="ErrorContent.Details"/>.
    /// </summary>
    public static ErrorContent ProviderError(StreamResult result)
    {
        ReadOnlySpan<byte> json = result.ErrorJson.Span;
        string details = Encoding.UTF8.GetString(json);
        string? message = null, code = null, type = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                message = reader.GetString();
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string? name = reader.GetString();
                    reader.Read();
                    string? value = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        _ => null,
                    };
                    reader.Skip();
                    switch (name)
                    {
                        case "message": message ??= value; break;
                        case "code": code ??= value; break;
                        case "type": type ??= value; break;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // The error object is kept verbatim in Details; its members are a convenience.
        }
        catch (InvalidOperationException)
        {
            // A member name or value escaped into a lone surrogate: as above.
        }

        return new ErrorContent(message ?? details) { ErrorCode = code ?? type, Details = details };
    }

    private static Dictionary<string, object?>? ParseArguments(string arguments)
        => arguments.Length == 0 ? [] : JsonSerializer.Deserialize(arguments, ArgumentsJsonContext.Default.DictionaryStringObject);

    private static AdditionalPropertiesDictionary<long>? NumericMembers(ReadOnlySpan<byte> json)
    {
        AdditionalPropertiesDictionary<long>? counts = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value))
                {
                    (counts ??= [])[name] = value;
                }

                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Counts are a convenience; the usage object stays in the result (RawRepresentation).
        }

        return counts;
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StreamCore.Extensions.AI.Tests.TestSupport;

/// <summary>
/// A <see cref="ChatResponse"/> written out whole, member by member, so that two responses compare as
/// strings and a failure shows where they differ. Everything is written but the raw representations
/// (the objects a response was built from: reference identities, not values).
/// </summary>
internal static class ChatResponseText
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(ChatResponse response)
    {
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output, Options))
        {
            json.WriteStartObject();
            json.WriteString("responseId", response.ResponseId);
            json.WriteString("conversationId", response.ConversationId);
            json.WriteString("modelId", response.ModelId);
            json.WriteString("createdAt", response.CreatedAt?.ToString("O"));
            json.WriteString("finishReason", response.FinishReason?.Value);
            WriteUsage(json, "usage", response.Usage);
            WriteProperties(json, response.AdditionalProperties);
            json.WriteStartArray("messages");
            foreach (ChatMessage message in response.Messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role.Value);
                json.WriteString("authorName", message.AuthorName);
                json.WriteString("messageId", message.MessageId);
                json.WriteString("createdAt", message.CreatedAt?.ToString("O"));
                WriteProperties(json, message.AdditionalProperties);
                json.WriteStartArray("contents");
                foreach (AIContent content in message.Contents)
                {
                    WriteContent(json, content);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static void WriteContent(Utf8JsonWriter json, AIContent content)
    {
        json.WriteStartObject();
        json.WriteString("type", content.GetType().Name);
        switch (content)
        {
            case TextContent text:
                json.WriteString("text", text.Text);
                break;
            case TextReasoningContent reasoning:
                json.WriteString("text", reasoning.Text);
                json.WriteString("protectedData", reasoning.ProtectedData);
                break;
            case FunctionCallContent call:
                json.WriteString("callId", call.CallId);
                json.WriteString("name", call.Name);
                json.WriteBoolean("informationalOnly", call.InformationalOnly);
                json.WriteString("exception", call.Exception is null ? null : $"{call.Exception.GetType().Name}: {call.Exception.InnerException?.GetType().Name}");
                if (call.Arguments is null)
                {
                    json.WriteNull("arguments");
                }
                else
                {
                    json.WritePropertyName("arguments");
                    JsonSerializer.Serialize(json, call.Arguments.ToDictionary(p => p.Key, p => p.Value));
                }

                break;
            case ErrorContent error:
                json.WriteString("message", error.Message);
                json.WriteString("errorCode", error.ErrorCode);
                json.WriteString("details", error.Details);
                break;
            case UsageContent usage:
                WriteUsage(json, "details", usage.Details);
                break;
            default:
                json.WriteString("text", content.ToString());
                break;
        }

        if (content.Annotations is { Count: > 0 } annotations)
        {
            json.WriteNumber("annotations", annotations.Count);
        }

        WriteProperties(json, content.AdditionalProperties);
        json.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter json, string name, UsageDetails? usage)
    {
        if (usage is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        WriteCount("input", usage.InputTokenCount);
        WriteCount("output", usage.OutputTokenCount);
        WriteCount("total", usage.TotalTokenCount);
        WriteCount("cachedInput", usage.CachedInputTokenCount);
        WriteCount("reasoning", usage.ReasoningTokenCount);
        foreach ((string key, long value) in usage.AdditionalCounts ?? [])
        {
            json.WriteNumber(key, value);
        }

        json.WriteEndObject();

        void WriteCount(string count, long? value)
        {
            if (value is long known)
            {
                json.WriteNumber(count, known);
            }
            else
            {
                json.WriteNull(count);
            }
        }
    }

    private static void WriteProperties(Utf8JsonWriter json, AdditionalPropertiesDictionary? properties)
    {
        if (properties is { Count: > 0 })
        {
            json.WriteStartObject("additionalProperties");
            foreach ((string key, object? value) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            }

            json.WriteEndObject();
        }
    }
}

using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StreamCore.Extensions.AI;

/// <summary>
/// A <see cref="ChatResponse"/> from a result StreamCore assembled, of any protocol (chat
/// completions, OpenAI Responses, Anthropic Messages, Aitronos).
/// </summary>
public static class StreamResultChatExtensions
{
    /// <summary>
    /// The result as one <see cref="ChatResponse"/> holding one assistant <see cref="ChatMessage"/>
    /// whose contents are, in this order: the reasoning (<see cref="TextReasoningContent"/>), the text
    /// (<see cref="TextContent"/>), each tool call whole (<see cref="FunctionCallContent"/>, arguments
    /// parsed), the refusal (an <see cref="ErrorContent"/> whose code is <c>Refusal</c>, as MEAI's own
    /// OpenAI conversion gives it) and the provider's error (<see cref="ErrorContent"/>); empty texts
    /// are left out. The response carries the id (also the message's id), the model, the created time,
    /// the finish reason and the usage with its cached and reasoning counts.
    /// <see cref="ChatResponse.RawRepresentation"/> and <see cref="ChatMessage.RawRepresentation"/> are
    /// <paramref name="result"/> itself: it still belongs to the caller, who may dispose it once done
    /// with it (the strings taken from it stay valid).
    /// </summary>
    /// <remarks>
    /// Chat completions: the first choice, as <see cref="StreamResult"/>'s normalized view reads it; a
    /// <see cref="ChatResponse"/> has no place for more choices (n &gt; 1), which stay in
    /// <see cref="Chat.ChatCompletionResult.Choices"/> through <see cref="ChatResponse.RawRepresentation"/>.
    /// What MEAI has no place for (annotations, logprobs, hosted tools' items, encrypted reasoning,
    /// members nobody named) is in the result, and in its JSON (<see cref="StreamResult.ToJson"/>).
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The result was disposed.</exception>
    public static ChatResponse ToChatResponse(this StreamResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string? id = ContentMapping.Id(result);
        DateTimeOffset? createdAt = ValidCreatedAt(ContentMapping.CreatedAt(result));
        var contents = new List<AIContent>();
        AddText(contents, result.Reasoning, static text => new TextReasoningContent(text));
        AddText(contents, result.Text, static text => new TextContent(text));
        foreach (ToolCall call in result.ToolCalls)
        {
            contents.Add(ContentMapping.FunctionCall(call, result));
        }

        AddText(contents, result.Refusal, ContentMapping.Refusal);
        if (result.HasProviderError)
        {
            contents.Add(ContentMapping.ProviderError(result));
        }

        var message = new ChatMessage(ChatRole.Assistant, contents)
        {
            MessageId = id,
            CreatedAt = createdAt,
            RawRepresentation = result,
        };

        return new ChatResponse(message)
        {
            ResponseId = id,
            ModelId = ContentMapping.Model(result),
            CreatedAt = createdAt,
            FinishReason = ContentMapping.FinishReason(result),
            Usage = ContentMapping.Usage(result),
            RawRepresentation = result,
        };
    }

    /// <summary>A created time MEAI keeps: after the Unix epoch (<c>ToChatResponse</c> ignores the others).</summary>
    internal static DateTimeOffset? ValidCreatedAt(DateTimeOffset? createdAt) => createdAt > DateTimeOffset.UnixEpoch ? createdAt : null;

    private static void AddText<TContent>(List<AIContent> contents, string? text, Func<string, TContent> create)
        where TContent : AIContent
    {
        if (!string.IsNullOrEmpty(text))
        {
            contents.Add(create(text));
        }
    }
}

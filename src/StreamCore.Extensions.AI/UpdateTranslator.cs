using System;
using System.Collections.Generic;
using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace StreamCore.Extensions.AI;

/// <summary>
/// Turns one stream's <see cref="StreamUpdate"/>s into <see cref="ChatResponseUpdate"/>s that MEAI's
/// <c>ToChatResponse</c> joins into the <see cref="ChatResponse"/> that
/// <see cref="StreamResultChatExtensions.ToChatResponse"/> gives for the final result.
/// </summary>
/// <remarks>
/// MEAI joins updates by appending: adjacent texts are concatenated, every other content is kept as
/// one more item, and every <see cref="UsageContent"/> is added to the total. So text and reasoning go
/// out as they arrive (StreamCore announces exactly what its result holds), while what MEAI could not
/// join goes out whole, once: each tool call when it completes, and with the last update the
/// refusal, the provider's error, the usage and the finish reason, all read from the final result.
/// </remarks>
internal sealed class UpdateTranslator
{
    /// <summary>What <see cref="Responses.ResponsesResult.Reasoning"/> puts between two reasoning texts.</summary>
    private const string ResponsesReasoningSeparator = "\n\n";

    private readonly List<ToolCall> _emittedCalls = [];
    private string? _id;
    private string? _model;
    private DateTimeOffset? _createdAt;
    private bool _reasoningAnnounced;
    private int _reasoningItem = -1;
    private int _reasoningPart = -1;

    /// <summary>The update that <paramref name="update"/> becomes, or null when it adds nothing MEAI has a place for (yet).</summary>
    public ChatResponseUpdate? Translate(in StreamUpdate update)
    {
        StreamResult result = update.Result;
        switch (update.Kind)
        {
            case StreamUpdateKind.ContentDelta when IsAnswered(result, update.ItemIndex):
                return Text(update, result, isReasoning: false);
            case StreamUpdateKind.ReasoningDelta when IsAnswered(result, update.ItemIndex):
                return Text(update, result, isReasoning: true);
            case StreamUpdateKind.ToolCallCompleted when result.Protocol is StreamProtocol.Responses or StreamProtocol.AnthropicMessages:
                // A completed Responses item or Anthropic block is final. Chat tool calls wait for the
                // last update: a chat stream may carry content after the finish that completed them
                // (copilot-bing-search-function-call-1.sse), and a chat message lists its text before
                // its tool calls. So do Aitronos' calls: a later response_blocks replaces them.
                ToolCall call = update.ToolCall!;
                if (_emittedCalls.Contains(call))
                {
                    return null;
                }

                _emittedCalls.Add(call);
                return Create(result, ContentMapping.FunctionCall(call, result));
            case StreamUpdateKind.End:
                return Last(result);
            default:
                // Refusal, usage, stop and provider error: read whole from the final result by Last.
                // Items, annotations, argument fragments and unknown events: MEAI has no place for
                // them in a ChatResponseUpdate; they stay in the result (RawRepresentation).
                return null;
        }
    }

    /// <summary>Chat completions: only the first choice is a ChatResponse's message; every other protocol has one answer.</summary>
    private static bool IsAnswered(StreamResult result, int itemIndex) => result.Protocol != StreamProtocol.ChatCompletions || itemIndex == 0;

    private ChatResponseUpdate? Text(in StreamUpdate update, StreamResult result, bool isReasoning)
    {
        if (update.Utf8Text.IsEmpty)
        {
            return null;
        }

        string text = update.GetText();
        if (isReasoning && result.Protocol == StreamProtocol.Responses)
        {
            // ResponsesResult.Reasoning: "each text separated from the next by a blank line".
            bool newPart = update.ItemIndex != _reasoningItem || update.PartIndex != _reasoningPart;
            if (newPart && _reasoningAnnounced && !update.IsReplacement)
            {
                text = ResponsesReasoningSeparator + text;
            }

            _reasoningItem = update.ItemIndex;
            _reasoningPart = update.PartIndex;
            _reasoningAnnounced = true;
        }

        AIContent content = isReasoning ? new TextReasoningContent(text) : new TextContent(text);
        ChatResponseUpdate converted = Create(result, content);
        if (update.IsReplacement)
        {
            // MEAI cannot take back text it was given: the update says that its text replaces what
            // this part announced before, for the consumers that can act on it.
            converted.AdditionalProperties = new() { [StreamCoreChat.ReplacesPropertyName] = true };
        }

        return converted;
    }

    private ChatResponseUpdate Last(StreamResult result)
    {
        var contents = new List<AIContent>();
        foreach (ToolCall call in result.ToolCalls)
        {
            // Chat calls, and typed calls that never completed before the end (a cut stream).
            if (!_emittedCalls.Contains(call))
            {
                contents.Add(ContentMapping.FunctionCall(call, result));
            }
        }

        if (result.Refusal is { Length: > 0 } refusal)
        {
            contents.Add(ContentMapping.Refusal(refusal));
        }

        if (result.HasProviderError)
        {
            contents.Add(ContentMapping.ProviderError(result));
        }

        if (ContentMapping.Usage(result) is UsageDetails usage)
        {
            contents.Add(new UsageContent(usage));
        }

        // The final values: ToChatResponse keeps the last id and model it was given.
        _id ??= ContentMapping.Id(result);
        _createdAt ??= StreamResultChatExtensions.ValidCreatedAt(ContentMapping.CreatedAt(result));
        ChatResponseUpdate last = new(ChatRole.Assistant, contents)
        {
            MessageId = _id,
            ResponseId = ContentMapping.Id(result) ?? _id,
            ModelId = ContentMapping.Model(result),
            CreatedAt = _createdAt,
            FinishReason = ContentMapping.FinishReason(result),
            RawRepresentation = result,
        };
        return last;
    }

    /// <summary>
    /// An update with its one content, and what identifies the response so far. The id, model and
    /// created time are read until they are known, then reused for every update; the last update
    /// carries the final values.
    /// </summary>
    private ChatResponseUpdate Create(StreamResult result, AIContent content)
    {
        _id ??= ContentMapping.Id(result);
        _model ??= ContentMapping.Model(result);
        _createdAt ??= result.Protocol == StreamProtocol.Responses ? null : StreamResultChatExtensions.ValidCreatedAt(result.CreatedAt);
        Debug.Assert(content is not UsageContent, "usage goes out once, with the last update");
        return new ChatResponseUpdate(ChatRole.Assistant, [content])
        {
            MessageId = _id,
            ResponseId = _id,
            ModelId = _model,
            CreatedAt = _createdAt,
            RawRepresentation = result,
        };
    }
}

namespace StreamCore;

/// <summary>The wire protocol of an event stream (<c>typed-protocols.md</c>, section 0).</summary>
public enum StreamProtocol
{
    /// <summary>
    /// Detected from the first event whose data is a JSON object; a stream that matches no typed
    /// protocol is read as chat completions. Detection never looks past that event.
    /// </summary>
    Auto,

    /// <summary>OpenAI-style <c>chat.completion.chunk</c> streams (about 20 providers; also Nexos.ai and WorkflowAI).</summary>
    ChatCompletions,

    /// <summary>The OpenAI Responses API's typed events (<c>response.*</c>); also Azure, xAI, LM Studio.</summary>
    Responses,

    /// <summary>The Anthropic Messages API's typed events (<c>message_start</c>, <c>content_block_*</c>, ...).</summary>
    AnthropicMessages,

    /// <summary>Aitronos' typed events (the event name in a data member <c>event</c>, or in the SSE event name).</summary>
    Aitronos,
}

using StreamCore.Core;

namespace StreamCore.Chat;

/// <summary>A tool call of a chat-completion choice, as assembled so far (assembly rules, section 7).</summary>
public sealed class ChatToolCall : ToolCall
{
    internal ChatToolCall(ToolCallState state, ChatCompletionResult owner)
        : base(state, owner)
    {
    }
}

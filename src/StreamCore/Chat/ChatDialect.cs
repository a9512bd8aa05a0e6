namespace StreamCore.Chat;

/// <summary>The member spelling of a stream and of its assembled result (assembly rules, section 3).</summary>
public enum ChatDialect
{
    /// <summary>OpenAI's snake_case chat-completion shape (also Nexos.ai and WorkflowAI); the result's object is <c>chat.completion</c>.</summary>
    OpenAI,

    /// <summary>Aitronos' camelCase shape (<c>createdAt</c>, <c>finishReason</c>, <c>toolCalls</c>, ...); the result's object is <c>response</c>.</summary>
    Aitronos,
}

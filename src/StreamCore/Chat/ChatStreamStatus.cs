namespace StreamCore.Chat;

/// <summary>How a stream ended (assembly rules, section 8).</summary>
public enum ChatStreamStatus
{
    /// <summary>The stream has not ended yet.</summary>
    InProgress,

    /// <summary><c>[DONE]</c> arrived, or the input ended after every choice got a finish reason.</summary>
    Complete,

    /// <summary>The input ended early (connection cut, truncated body); the result holds everything received.</summary>
    Incomplete,

    /// <summary>The provider reported an error, or the input was malformed; the result holds everything received before.</summary>
    Failed,
}

namespace StreamCore.Chat;

/// <summary>How a chat-completion stream ended (assembly rules, section 8); each value equals the <see cref="StreamStatus"/> of the same name.</summary>
public enum ChatStreamStatus
{
    /// <summary>The stream has not ended yet.</summary>
    InProgress = StreamStatus.InProgress,

    /// <summary><c>[DONE]</c> arrived, or the input ended after every choice got a finish reason.</summary>
    Complete = StreamStatus.Complete,

    /// <summary>The input ended early (connection cut, truncated body); the result holds everything received.</summary>
    Incomplete = StreamStatus.Incomplete,

    /// <summary>The provider reported an error, or the input was malformed; the result holds everything received before.</summary>
    Failed = StreamStatus.Failed,
}

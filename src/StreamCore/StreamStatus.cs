namespace StreamCore;

/// <summary>How a stream ended, for every protocol (assembly rules, section 8; <c>typed-protocols.md</c>, section 0).</summary>
public enum StreamStatus
{
    /// <summary>The stream has not ended yet.</summary>
    InProgress,

    /// <summary>The protocol's end arrived (<c>[DONE]</c> or every choice finished, <c>response.completed</c> or <c>incomplete</c>, <c>message_stop</c>, Aitronos' completion).</summary>
    Complete,

    /// <summary>The input ended early (connection cut, truncated body, a cancelled generation); the result holds everything received.</summary>
    Incomplete,

    /// <summary>The provider reported an error, or the input was malformed; the result holds everything received before.</summary>
    Failed,
}

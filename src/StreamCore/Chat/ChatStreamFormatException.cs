using System;

namespace StreamCore.Chat;

/// <summary>
/// A chat-completion stream was malformed (not an event stream of JSON chunks, or a limit was
/// exceeded). Says where, and carries everything assembled before the fault.
/// </summary>
public sealed class ChatStreamFormatException : StreamFormatException
{
    /// <summary>Creates the exception.</summary>
    public ChatStreamFormatException(string message, long eventNumber, long byteOffset, ChatCompletionResult partialResult, Exception? innerException = null)
        : base(message, eventNumber, byteOffset, partialResult, innerException)
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public ChatStreamFormatException()
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public ChatStreamFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public ChatStreamFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Everything assembled before the fault; its status is <see cref="ChatStreamStatus.Failed"/>. It belongs to the caller.</summary>
    public override ChatCompletionResult PartialResult => (ChatCompletionResult)base.PartialResult;
}

using System;
using System.Threading;

namespace StreamCore.Chat;

/// <summary>
/// Reading a chat-completion stream was cancelled ("stop generating", a timeout). An
/// <see cref="OperationCanceledException"/> that keeps everything received in <see cref="PartialResult"/>.
/// </summary>
public sealed class ChatStreamCanceledException : StreamCanceledException
{
    /// <summary>Creates the exception.</summary>
    public ChatStreamCanceledException(ChatCompletionResult partialResult, Exception? innerException, CancellationToken cancellationToken)
        : base(partialResult, innerException, cancellationToken)
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public ChatStreamCanceledException()
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public ChatStreamCanceledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception without a result (<see cref="PartialResult"/> then throws).</summary>
    public ChatStreamCanceledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Everything received before the cancellation; its status is <see cref="ChatStreamStatus.Incomplete"/>. It belongs to the caller.</summary>
    public override ChatCompletionResult PartialResult => (ChatCompletionResult)base.PartialResult;
}

using System;

namespace StreamCore.Chat;

/// <summary>
/// The provider reported an error: an HTTP error answer, a JSON error body instead of an event
/// stream, or (from <see cref="ChatStream.EnsureSuccess"/>) an error inside a chat-completion stream.
/// Carries the provider's error object and whatever was assembled before it.
/// </summary>
public sealed class ChatProviderErrorException : StreamProviderErrorException
{
    /// <summary>Creates the exception.</summary>
    public ChatProviderErrorException(string errorJson, int? statusCode, ChatCompletionResult? partialResult)
        : base(errorJson, statusCode, partialResult)
    {
    }

    /// <summary>Creates the exception for an HTTP answer whose body was not an event stream.</summary>
    public ChatProviderErrorException(string errorJson, int? statusCode, ChatCompletionResult? partialResult, string? contentType)
        : base(errorJson, statusCode, partialResult, contentType)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChatProviderErrorException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChatProviderErrorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChatProviderErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Everything assembled before the error, or null when no stream was read.</summary>
    public override ChatCompletionResult? PartialResult => (ChatCompletionResult?)base.PartialResult;
}

using System;
using System.Text;

namespace StreamCore.Chat;

/// <summary>
/// The provider reported an error: an HTTP error answer, a JSON error body instead of an event
/// stream, or (from <see cref="ChatStream.EnsureSuccess"/>) an error inside the stream.
/// Carries the provider's error object and whatever was assembled before it.
/// </summary>
public sealed class ChatProviderErrorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChatProviderErrorException(string errorJson, int? statusCode, ChatCompletionResult? partialResult)
        : base(Describe(errorJson, statusCode))
    {
        ErrorJson = errorJson;
        StatusCode = statusCode;
        PartialResult = partialResult;
    }

    /// <summary>Creates the exception.</summary>
    public ChatProviderErrorException()
        : this("null", null, null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChatProviderErrorException(string message)
        : base(message)
    {
        ErrorJson = "null";
    }

    /// <summary>Creates the exception.</summary>
    public ChatProviderErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorJson = "null";
    }

    /// <summary>The provider's error object as JSON text (verbatim).</summary>
    public string ErrorJson { get; }

    /// <summary>The HTTP status code, when the error came as an HTTP answer.</summary>
    public int? StatusCode { get; }

    /// <summary>Everything assembled before the error, or null when no stream was read.</summary>
    public ChatCompletionResult? PartialResult { get; }

    private static string Describe(string errorJson, int? statusCode)
    {
        var message = new StringBuilder("The provider reported an error");
        if (statusCode is int code)
        {
            message.Append(" (HTTP ").Append(code).Append(')');
        }

        string shown = errorJson.Length > 500 ? string.Concat(errorJson.AsSpan(0, 500), "…") : errorJson;
        return message.Append(": ").Append(shown).ToString();
    }
}

using System;
using System.Text;

namespace StreamCore;

/// <summary>
/// The provider reported an error: an HTTP error answer, a JSON error body instead of an event
/// stream, or (from <see cref="ModelStream.EnsureSuccess"/>) an error inside the stream. Carries the
/// provider's error object and whatever was assembled before it.
/// </summary>
public class StreamProviderErrorException : Exception
{
    private readonly StreamResult? _partialResult;

    /// <summary>Creates the exception.</summary>
    /// <param name="errorJson">The provider's error object as JSON text (verbatim).</param>
    /// <param name="statusCode">The HTTP status code, when the error came as an HTTP answer.</param>
    /// <param name="partialResult">Everything assembled before the error, or null when no stream was read.</param>
    public StreamProviderErrorException(string errorJson, int? statusCode, StreamResult? partialResult)
        : this(errorJson, statusCode, partialResult, contentType: null)
    {
    }

    /// <summary>Creates the exception for an HTTP answer whose body was not an event stream.</summary>
    /// <param name="errorJson">The provider's error object as JSON text (verbatim), or the body as a JSON string when it was not JSON.</param>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="partialResult">Everything assembled before the error, or null when no stream was read.</param>
    /// <param name="contentType">The media type the answer declared, when it was not an event stream.</param>
    public StreamProviderErrorException(string errorJson, int? statusCode, StreamResult? partialResult, string? contentType)
        : base(Describe(errorJson, statusCode, contentType))
    {
        ErrorJson = errorJson;
        StatusCode = statusCode;
        ContentType = contentType;
        _partialResult = partialResult;
    }

    /// <summary>Creates the exception.</summary>
    public StreamProviderErrorException()
        : this("null", null, null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StreamProviderErrorException(string message)
        : base(message)
    {
        ErrorJson = "null";
    }

    /// <summary>Creates the exception.</summary>
    public StreamProviderErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorJson = "null";
    }

    /// <summary>The provider's error object as JSON text (verbatim).</summary>
    public string ErrorJson { get; }

    /// <summary>The HTTP status code, when the error came as an HTTP answer.</summary>
    public int? StatusCode { get; }

    /// <summary>
    /// The media type of an HTTP answer whose body was neither an event stream nor a JSON error
    /// (<c>text/html</c> from a proxy's error page), or null: for a JSON error, an event stream, or an
    /// answer without a content type.
    /// </summary>
    public string? ContentType { get; }

    /// <summary>Everything assembled before the error, or null when no stream was read (an HTTP error answer).</summary>
    public virtual StreamResult? PartialResult => _partialResult;

    private static string Describe(string errorJson, int? statusCode, string? contentType)
    {
        var message = new StringBuilder("The provider reported an error");
        if (statusCode is int code)
        {
            message.Append(" (HTTP ").Append(code).Append(')');
        }

        if (contentType is not null)
        {
            message.Append(": the answer is ").Append(contentType).Append(", not text/event-stream");
        }

        string shown = errorJson.Length > 500 ? string.Concat(errorJson.AsSpan(0, 500), "…") : errorJson;
        return message.Append(": ").Append(shown).ToString();
    }
}

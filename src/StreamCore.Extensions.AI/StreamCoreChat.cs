using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StreamCore.Extensions.AI;

/// <summary>
/// Reads the event stream of any protocol StreamCore knows (chat completions, OpenAI Responses,
/// Anthropic Messages, Aitronos; detected, or named by <see cref="StreamOptions.Protocol"/>) as
/// Microsoft.Extensions.AI values: <see cref="ChatResponseUpdate"/>s as they arrive
/// (<see cref="ReadUpdatesAsync(Stream, StreamOptions?, CancellationToken)"/>), or one
/// <see cref="ChatResponse"/> (<see cref="AssembleAsync(Stream, StreamOptions?, CancellationToken)"/>).
/// Joining the updates with MEAI's <c>ToChatResponseAsync</c> gives the response
/// <see cref="StreamResultChatExtensions.ToChatResponse"/> builds from the assembled result.
/// </summary>
/// <remarks>
/// <para>
/// The updates: text and reasoning as they arrive (<see cref="TextContent"/>,
/// <see cref="TextReasoningContent"/>); each tool call whole, arguments parsed
/// (<see cref="FunctionCallContent"/>), when it completes (a Responses item's or an Anthropic
/// block's end; chat completions and Aitronos: with the last update, after the text, since a chat
/// stream may carry text after the finish that completes its calls and Aitronos may replace its
/// calls at the end); and with the last update the refusal and the provider's error
/// (<see cref="ErrorContent"/>), the usage, once (<see cref="UsageContent"/>), and the finish reason.
/// Every update has the response's id as <see cref="ChatResponseUpdate.ResponseId"/> and
/// <see cref="ChatResponseUpdate.MessageId"/> (one message per response, whatever ids the chunks
/// carry), the model and the created time as far as they are known, and the
/// <see cref="StreamResult"/> assembled so far as <see cref="ChatResponseUpdate.RawRepresentation"/>.
/// That result belongs to the consumer, who may dispose it after the last update to return its
/// pooled buffers (left alone, it is collected).
/// </para>
/// <para>
/// Chat completions with several choices (n &gt; 1): the updates and the response are the first
/// choice's; the others are in the result (<see cref="Chat.ChatCompletionResult.Choices"/>).
/// </para>
/// <para>
/// A provider error in the stream is an <see cref="ErrorContent"/>, not an exception. Malformed
/// input throws <see cref="StreamFormatException"/> (with the partial result), an HTTP answer that is
/// not an event stream <see cref="StreamProviderErrorException"/>, a cancellation
/// <see cref="StreamCanceledException"/>, as <see cref="ModelStream"/> does.
/// </para>
/// <para>
/// MEAI cannot take back text. When StreamCore announces a replacement (a final value that does not
/// extend the text announced for its part: a Responses <c>.done</c> that the deltas did not add up
/// to, an Aitronos full text, <see cref="StreamOptions.CumulativeContent"/>), the update carrying it
/// has <see cref="ReplacesPropertyName"/> set to <see langword="true"/> in its
/// <see cref="ChatResponseUpdate.AdditionalProperties"/>: a consumer that keeps the text starts
/// that part over there. <c>ToChatResponse</c> does not, and joins both; the response of
/// <see cref="AssembleAsync(Stream, StreamOptions?, CancellationToken)"/> has the final text. Each
/// fragment's text is decoded alone (<see cref="StreamUpdate.GetText"/>): the halves of a surrogate
/// pair escaped in two chunks are two U+FFFD in the updates, one character in the assembled response.
/// </para>
/// </remarks>
public static class StreamCoreChat
{
    /// <summary>
    /// The key, in an update's <see cref="ChatResponseUpdate.AdditionalProperties"/>, that marks text
    /// replacing what its part announced before (value <see langword="true"/>).
    /// </summary>
    public const string ReplacesPropertyName = "streamcore.replaces";

    /// <summary>The stream in <paramref name="reader"/> as <see cref="ChatResponseUpdate"/>s.</summary>
    /// <exception cref="StreamFormatException">The stream is malformed or breaks a limit; carries the partial result.</exception>
    /// <exception cref="StreamCanceledException">Cancelled; carries the partial result.</exception>
    public static IAsyncEnumerable<ChatResponseUpdate> ReadUpdatesAsync(PipeReader reader, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => ModelStream.ReadUpdatesAsync(reader, options, cancellationToken).AsChatResponseUpdatesAsync(cancellationToken);

    /// <summary>The stream read from <paramref name="stream"/> (left open) as <see cref="ChatResponseUpdate"/>s.</summary>
    /// <inheritdoc cref="ReadUpdatesAsync(PipeReader, StreamOptions?, CancellationToken)"/>
    public static IAsyncEnumerable<ChatResponseUpdate> ReadUpdatesAsync(Stream stream, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => ModelStream.ReadUpdatesAsync(stream, options, cancellationToken).AsChatResponseUpdatesAsync(cancellationToken);

    /// <summary>The event stream of an HTTP response, after checking its status and content type, as <see cref="ChatResponseUpdate"/>s.</summary>
    /// <exception cref="StreamProviderErrorException">The answer is not 2xx, or its body is not an event stream (a JSON error, an HTML page): the exception carries the error and, for a body of another kind, its media type.</exception>
    /// <inheritdoc cref="ReadUpdatesAsync(PipeReader, StreamOptions?, CancellationToken)"/>
    public static IAsyncEnumerable<ChatResponseUpdate> ReadUpdatesAsync(HttpResponseMessage response, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => ModelStream.ReadUpdatesAsync(response, options, cancellationToken).AsChatResponseUpdatesAsync(cancellationToken);

    /// <summary>
    /// StreamCore's updates (from <see cref="ModelStream.ReadUpdatesAsync(Stream, StreamOptions?, CancellationToken)"/>)
    /// as <see cref="ChatResponseUpdate"/>s. Each <see cref="StreamUpdate"/> is translated before the
    /// next is requested, as its views require. The translation reads the result (id, model, tool
    /// calls), so it is not for a <see cref="StreamAssembler"/>'s channel, whose result is being
    /// assembled on another thread while its updates are read.
    /// </summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> AsChatResponseUpdatesAsync(this IAsyncEnumerable<StreamUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var translator = new UpdateTranslator();
        await foreach (StreamUpdate update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (translator.Translate(update) is ChatResponseUpdate translated)
            {
                yield return translated;
            }
        }
    }

    /// <summary>
    /// Assembles the stream in <paramref name="reader"/> and returns it as a <see cref="ChatResponse"/>
    /// (<see cref="StreamResultChatExtensions.ToChatResponse"/>): the same response as joining
    /// <see cref="ReadUpdatesAsync(PipeReader, StreamOptions?, CancellationToken)"/>'s updates, at the cost of assembling only.
    /// </summary>
    /// <inheritdoc cref="ReadUpdatesAsync(PipeReader, StreamOptions?, CancellationToken)"/>
    public static async Task<ChatResponse> AssembleAsync(PipeReader reader, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => (await ModelStream.AssembleAsync(reader, options, cancellationToken).ConfigureAwait(false)).ToChatResponse();

    /// <summary>Assembles the stream read from <paramref name="stream"/> (left open) and returns it as a <see cref="ChatResponse"/>.</summary>
    /// <inheritdoc cref="AssembleAsync(PipeReader, StreamOptions?, CancellationToken)"/>
    public static async Task<ChatResponse> AssembleAsync(Stream stream, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => (await ModelStream.AssembleAsync(stream, options, cancellationToken).ConfigureAwait(false)).ToChatResponse();

    /// <summary>Assembles the event stream of an HTTP response, after checking its status and content type, and returns it as a <see cref="ChatResponse"/>.</summary>
    /// <exception cref="StreamProviderErrorException">The answer is not 2xx, or its body is not an event stream (a JSON error, an HTML page): the exception carries the error and, for a body of another kind, its media type.</exception>
    /// <inheritdoc cref="AssembleAsync(PipeReader, StreamOptions?, CancellationToken)"/>
    public static async Task<ChatResponse> AssembleAsync(HttpResponseMessage response, StreamOptions? options = null, CancellationToken cancellationToken = default)
        => (await ModelStream.AssembleAsync(response, options, cancellationToken).ConfigureAwait(false)).ToChatResponse();
}

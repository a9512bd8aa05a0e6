using System;
using System.Threading.Channels;
using StreamCore.Core;
using StreamCore.Sse;

namespace StreamCore;

/// <summary>
/// Assembles a stream of any protocol pushed to it one event at a time, for SDKs that own their
/// transport: hand it each event (<see cref="AppendEvent"/>) or each event's data
/// (<see cref="AppendData"/>), then call <see cref="Complete"/>, which hands the result over.
/// Optionally publishes <see cref="StreamUpdate"/>s to a channel for a consumer on another task.
/// </summary>
/// <example>
/// <code>
/// using var assembler = new StreamAssembler(new StreamOptions { Protocol = StreamProtocol.AnthropicMessages });
/// foreach ((string name, byte[] data) in eventsFromMyTransport) assembler.AppendEvent(name, data);
/// using StreamResult result = assembler.Complete();
/// </code>
/// </example>
public sealed class StreamAssembler : IDisposable
{
    private readonly PushCore<SelectedProtocol, StreamUpdate, AsStreamUpdate> _core;

    /// <summary>Creates an assembler.</summary>
    /// <param name="options">The protocol (detected by default) and limits; the defaults are safe for untrusted peers.</param>
    /// <param name="publishUpdates">
    /// Whether to publish updates to <see cref="Updates"/>. Published updates are detached (their
    /// bytes copied), since the consumer reads them later: this allocates per update.
    /// </param>
    public StreamAssembler(StreamOptions? options = null, bool publishUpdates = false)
        => _core = new PushCore<SelectedProtocol, StreamUpdate, AsStreamUpdate>(options ?? StreamOptions.Default, publishUpdates);

    /// <summary>The stream's protocol: as the options named it, as detected, or <see cref="StreamProtocol.Auto"/> before the first JSON event.</summary>
    public StreamProtocol Protocol => _core.Protocol.Protocol;

    /// <summary>Whether the stream ended (later input is ignored): the protocol's end, malformed input, or a provider error where the protocol ends on one (a Responses <c>error</c> event does not end its stream).</summary>
    public bool IsEnded => _core.IsEnded;

    /// <summary>
    /// The updates, when the assembler was created with <c>publishUpdates</c>; completed by
    /// <see cref="Complete"/>. A consumer on another task owns each update's bytes (they are copies).
    /// The <see cref="StreamUpdate.Result"/> they carry is being assembled by the appending thread: read
    /// it there, or after the <see cref="StreamUpdateKind.End"/> update, not while events are appended.
    /// </summary>
    public ChannelReader<StreamUpdate> Updates => _core.Updates;

    /// <summary>Appends one server-sent event: its type (<c>message</c> when it had none) and data.</summary>
    /// <exception cref="StreamFormatException">The data is malformed for the protocol, or a limit was exceeded.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called.</exception>
    public void AppendEvent(string eventType, ReadOnlySpan<byte> data) => _core.AppendEvent(eventType, data);

    /// <summary>Appends the data of one event that had no type (a <c>message</c> event).</summary>
    /// <exception cref="StreamFormatException">The data is malformed for the protocol, or a limit was exceeded.</exception>
    public void AppendData(ReadOnlySpan<byte> data) => _core.AppendEvent(SseEventTypes.Message, data);

    /// <summary>Ends the input and hands over the result with its final status: the caller owns it and disposes it. Appending afterwards throws.</summary>
    public StreamResult Complete() => _core.Complete();

    /// <summary>Completes the update channel; returns the result's buffers unless <see cref="Complete"/> handed it over.</summary>
    public void Dispose() => _core.Dispose();
}

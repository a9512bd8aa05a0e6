using System;
using System.Threading.Channels;
using StreamCore.Buffers;

namespace StreamCore.Core;

/// <summary>
/// The push assemblers' engine, for transports that hand over one event at a time: the same event
/// step as the pull loops, and optionally the updates published to a channel for a consumer on
/// another task. Generic over the protocol and over the update type published.
/// </summary>
internal sealed class PushCore<TProtocol, TUpdate, TProjection> : IDisposable
    where TProtocol : struct, IProtocolAssembler<TProtocol>
    where TProjection : struct, IUpdateProjection<TUpdate>
{
    private readonly Channel<TUpdate>? _channel;
    private readonly UpdateBuffer? _updates;
    private TProtocol _protocol;
    private PooledByteBuffer _eventCopy;
    private long _eventCount;
    private long _bytes;
    private bool _completed;

    public PushCore(StreamOptions options, bool publishUpdates)
    {
        _protocol = TProtocol.Create(options);
        if (publishUpdates)
        {
            _channel = Channel.CreateUnbounded<TUpdate>(new UnboundedChannelOptions { SingleWriter = true });
            _updates = new UpdateBuffer();
        }
    }

    public TProtocol Protocol => _protocol;

    public bool IsEnded => _protocol.IsEnded;

    public ChannelReader<TUpdate> Updates => _channel?.Reader ?? throw new InvalidOperationException("Create the assembler with publishUpdates: true to read updates.");

    public void AppendEvent(string eventType, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        if (_completed)
        {
            throw new InvalidOperationException("The input was completed: the result was handed over, and nothing can be appended to it.");
        }

        long offset = _bytes;
        _bytes += data.Length;
        if (_updates is null)
        {
            var none = default(NoUpdates);
            EventStep.Apply(ref _protocol, eventType, data, ++_eventCount, offset, ref none);
            return;
        }

        // Updates slice the event's bytes: give them memory that outlives this call's span.
        _eventCopy.Set(data);
        _updates.Begin(_eventCopy.Memory);
        var sink = new CollectUpdates(_updates);
        try
        {
            EventStep.Apply(ref _protocol, eventType, _eventCopy.Span, ++_eventCount, offset, ref sink);
        }
        finally
        {
            Publish();
        }
    }

    /// <summary>Ends the input: closes what is open, settles the status, publishes the end, and hands the result over (a second call returns it again).</summary>
    public StreamResult Complete()
    {
        if (_completed)
        {
            return _protocol.State.Result;
        }

        _completed = true;
        if (_updates is null)
        {
            var none = default(NoUpdates);
            _protocol.Finish(ref none);
            return _protocol.State.Result;
        }

        _updates.Begin(default);
        var sink = new CollectUpdates(_updates);
        _protocol.Finish(ref sink);
        _updates.Add(_protocol.State.Result, StreamUpdateKind.End, -1);
        Publish();
        _channel!.Writer.TryComplete();
        return _protocol.State.Result;
    }

    /// <summary>Completes the update channel and returns the event buffers; the result too, unless <see cref="Complete"/> handed it over.</summary>
    public void Dispose()
    {
        _channel?.Writer.TryComplete();
        _updates?.Dispose();
        _eventCopy.Dispose();
        if (!_completed)
        {
            _completed = true;
            _protocol.State.Result.Dispose();
        }
    }

    private void Publish()
    {
        UpdateBuffer updates = _updates!;
        for (int i = 0; i < updates.Count; i++)
        {
            // The consumer reads later: each update gets bytes of its own.
            _channel!.Writer.TryWrite(TProjection.Project(updates[i].Detach()));
        }

        updates.Begin(default);
    }
}

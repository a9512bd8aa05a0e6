using System;
using System.Diagnostics;
using StreamCore.Buffers;
using StreamCore.Json;

namespace StreamCore.Core;

/// <summary>
/// Collects the updates of one event, reused for every event. Text is a slice of the event's bytes
/// when it needs no unescaping; otherwise it goes into a scratch buffer sized once per event to the
/// event's length (unescaping never lengthens), so the updates' memory stays put until the next event.
/// The entries are kept per thread for the next stream (not in the shared pool, whose trimming
/// after a collection would make a stream's cost vary): a stream's updates cost nothing per stream.
/// </summary>
internal sealed class UpdateBuffer : IDisposable
{
    [ThreadStatic]
    private static Entry[]? t_spareItems;

    private Entry[] _items = TakeSpareItems();
    private PooledByteBuffer _scratch;
    private ReadOnlyMemory<byte> _event;
    private StreamResult? _owner;

    public int Count { get; private set; }

    public StreamUpdate this[int index]
    {
        get
        {
            Debug.Assert(_owner is not null, "an update was added, so its owner is known");
            ref readonly Entry entry = ref _items[index];
            ToolCall? call = entry.Call is null ? null : _owner.GetView(entry.Call);
            return new StreamUpdate(entry.Kind, _owner, entry.Item, entry.Part, call, entry.Data, entry.StopKind, entry.Reason, entry.Name, entry.Replaces);
        }
    }

    /// <summary>Starts the updates of an event whose data is <paramref name="data"/> (memory that stays valid until the next call).</summary>
    public void Begin(ReadOnlyMemory<byte> data)
    {
        Count = 0;
        _event = data;
        _scratch.Clear();
        _scratch.GetSpan(data.Length);
    }

    public void Add(StreamResult owner, StreamUpdateKind kind, int item, int part = -1, ToolCallState? call = null, ReadOnlyMemory<byte> data = default,
        StopKind stopKind = StopKind.None, string? reason = null, ReadOnlyMemory<byte> name = default, bool replaces = false)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Math.Max(16, _items.Length * 2));
        }

        _owner = owner;
        _items[Count++] = new Entry(kind, item, part, call, data, stopKind, reason, name, replaces);
    }

    /// <summary>The unescaped text of a string value at <paramref name="offset"/> in the event.</summary>
    public ReadOnlyMemory<byte> Text(ReadOnlySpan<byte> escaped, int offset)
    {
        if (escaped.IndexOf((byte)'\\') < 0)
        {
            return Bytes(escaped, offset);
        }

        Span<byte> target = Reserve(escaped.Length, out ReadOnlyMemory<byte> memory);
        return memory[..JsonText.Unescape(escaped, target)];
    }

    /// <summary>Bytes lying at <paramref name="offset"/> in the event (a slice), or copied when the offset is negative.</summary>
    public ReadOnlyMemory<byte> Bytes(ReadOnlySpan<byte> bytes, int offset)
    {
        if (offset >= 0)
        {
            Debug.Assert(_event.Span.Slice(offset, bytes.Length).SequenceEqual(bytes), "the offset places the bytes in the event");
            return _event.Slice(offset, bytes.Length);
        }

        Span<byte> target = Reserve(bytes.Length, out ReadOnlyMemory<byte> memory);
        bytes.CopyTo(target);
        return memory[..bytes.Length];
    }

    private static Entry[] TakeSpareItems()
    {
        Entry[]? spare = t_spareItems;
        t_spareItems = null;
        return spare ?? new Entry[16];
    }

    public void Dispose()
    {
        _scratch.Dispose();
        Entry[] items = _items;
        _items = [];
        Count = 0;
        if (items.Length > (t_spareItems?.Length ?? 0))
        {
            // Cleared: the entries hold the stream's tool calls and result, which must not outlive it.
            Array.Clear(items);
            t_spareItems = items;
        }
    }

    /// <summary>
    /// Room for <paramref name="length"/> bytes that stays put until the next event: in the scratch
    /// buffer when it has room (it is never grown, since earlier updates point into it), else in an
    /// array of its own (only copies that are longer than the event, such as an error quoted as a string).
    /// </summary>
    private Span<byte> Reserve(int length, out ReadOnlyMemory<byte> memory)
    {
        Span<byte> free = _scratch.GetSpan(0);
        if (free.Length >= length)
        {
            int start = _scratch.Length;
            _scratch.Advance(length);
            memory = _scratch.Memory.Slice(start, length);
            return free[..length];
        }

        byte[] own = new byte[length];
        memory = own;
        return own;
    }

    private readonly record struct Entry(StreamUpdateKind Kind, int Item, int Part, ToolCallState? Call, ReadOnlyMemory<byte> Data, StopKind StopKind, string? Reason, ReadOnlyMemory<byte> Name, bool Replaces);
}

/// <summary>The sink of the update paths: turns parser callbacks into entries of an <see cref="UpdateBuffer"/>.</summary>
internal readonly struct CollectUpdates(UpdateBuffer buffer) : IUpdateSink
{
    public bool IsEnabled => true;

    public void OnText(StreamResult owner, StreamUpdateKind kind, int item, int part, ReadOnlySpan<byte> escaped, int offset, bool replaces = false)
        => buffer.Add(owner, kind, item, part, data: buffer.Text(escaped, offset), replaces: replaces);

    public void OnToolCall(StreamResult owner, StreamUpdateKind kind, int item, ToolCallState call, ReadOnlySpan<byte> unescapedArguments, bool replaces = false)
        => buffer.Add(owner, kind, item, call: call, data: unescapedArguments.IsEmpty ? default : buffer.Bytes(unescapedArguments, -1), replaces: replaces);

    public void OnStop(StreamResult owner, int item, StopKind kind, string? reason)
        => buffer.Add(owner, StreamUpdateKind.Stop, item, stopKind: kind, reason: reason);

    public void OnJson(StreamResult owner, StreamUpdateKind kind, int item, int part, ReadOnlySpan<byte> json, int offset)
        => buffer.Add(owner, kind, item, part, data: buffer.Bytes(json, offset));

    public void OnUnknownEvent(StreamResult owner, ReadOnlySpan<byte> name, int nameOffset, ReadOnlySpan<byte> data)
        => buffer.Add(owner, StreamUpdateKind.UnknownEvent, -1, data: buffer.Bytes(data, 0), name: buffer.Bytes(name, nameOffset));
}

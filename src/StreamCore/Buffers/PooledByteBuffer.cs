using System;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace StreamCore.Buffers;

/// <summary>
/// A growable byte buffer whose storage is rented from <see cref="ArrayPool{T}.Shared"/>.
/// A mutable struct: keep it in a field and call members on the field, never on a copy.
/// </summary>
internal struct PooledByteBuffer
{
    private byte[]? _array;
    private int _length;

    public readonly int Length => _length;

    public readonly bool IsEmpty => _length == 0;

    /// <summary>Whether storage is rented (false after <see cref="Dispose"/>).</summary>
    public readonly bool HasStorage => _array is not null;

    public readonly ReadOnlySpan<byte> Span => _array is null ? default : new ReadOnlySpan<byte>(_array, 0, _length);

    public readonly ReadOnlyMemory<byte> Memory => _array is null ? default : new ReadOnlyMemory<byte>(_array, 0, _length);

    /// <summary>Forgets the content but keeps the storage for reuse.</summary>
    public void Clear() => _length = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(byte value)
    {
        byte[]? array = _array;
        int length = _length;
        if (array is not null && (uint)length < (uint)array.Length)
        {
            array[length] = value;
            _length = length + 1;
            return;
        }

        GrowAndAppend(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(ReadOnlySpan<byte> value)
    {
        byte[]? array = _array;
        if (array is not null && value.Length <= array.Length - _length)
        {
            value.CopyTo(array.AsSpan(_length));
            _length += value.Length;
            return;
        }

        GrowAndAppend(value);
    }

    /// <summary>Replaces the content with <paramref name="value"/>.</summary>
    public void Set(ReadOnlySpan<byte> value)
    {
        _length = 0;
        Append(value);
    }

    /// <summary>Returns a writable span of at least <paramref name="sizeHint"/> bytes after the content.</summary>
    public Span<byte> GetSpan(int sizeHint)
    {
        EnsureCapacity(_length + sizeHint);
        return _array.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Truncate(int length) => _length = length;

    /// <summary>Returns the storage to the pool.</summary>
    public void Dispose()
    {
        byte[]? array = _array;
        _array = null;
        _length = 0;
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowAndAppend(byte value)
    {
        EnsureCapacity(_length + 1);
        _array![_length++] = value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowAndAppend(ReadOnlySpan<byte> value)
    {
        EnsureCapacity(_length + value.Length);
        value.CopyTo(_array.AsSpan(_length));
        _length += value.Length;
    }

    private void EnsureCapacity(int capacity)
    {
        byte[]? array = _array;
        if (array is not null && capacity <= array.Length)
        {
            return;
        }

        // Doubling keeps the total copy work linear in the bytes appended.
        int newSize = Math.Max(capacity, array is null ? 64 : (int)Math.Min((long)array.Length * 2, Array.MaxLength));
        byte[] next = ArrayPool<byte>.Shared.Rent(newSize);
        if (array is not null)
        {
            array.AsSpan(0, _length).CopyTo(next);
            ArrayPool<byte>.Shared.Return(array);
        }

        _array = next;
    }
}

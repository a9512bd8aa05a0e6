using System;
using System.Buffers;
using System.Diagnostics;
using System.Text.Json;

namespace StreamCore.Json;

/// <summary>
/// A <see cref="Utf8JsonWriter"/> and its buffer kept per thread, for JSON the library writes for
/// itself while a stream is read (the laid-over usage): a stream pays for neither once the thread has
/// written once. What is written is valid until the next <see cref="Begin"/> on the same thread, so
/// the caller copies it out before writing anything else, and never writes
/// from inside a scratch write (one write at a time per thread).
/// </summary>
internal static class ScratchJsonWriter
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>A compact writer (the options of <see cref="StreamResult.CreateWriterOptions"/>) over an empty buffer.</summary>
    public static Utf8JsonWriter Begin()
    {
        ArrayBufferWriter<byte> buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        if (t_writer is null)
        {
            t_writer = new Utf8JsonWriter(buffer, StreamResult.CreateWriterOptions());
        }
        else
        {
            t_writer.Reset(buffer);
        }

        return t_writer;
    }

    /// <summary>Flushes the writer <see cref="Begin"/> gave and returns what it wrote (valid until the next <see cref="Begin"/>).</summary>
    public static ReadOnlySpan<byte> End()
    {
        Debug.Assert(t_writer is not null && t_buffer is not null, "Begin came first");
        t_writer.Flush();
        return t_buffer.WrittenSpan;
    }
}

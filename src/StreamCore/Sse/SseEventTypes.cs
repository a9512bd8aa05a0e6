using System;

namespace StreamCore.Sse;

/// <summary>Event types that are recognised without allocating a string.</summary>
internal static class SseEventTypes
{
    public const string Message = "message";
    public const string Error = "error";
    public const string Ping = "ping";
    public const string Done = "done";
    public const string Delta = "delta";

    /// <summary>Returns the interned string for a well-known type, or null.</summary>
    public static string? GetKnown(ReadOnlySpan<byte> value) => value.Length switch
    {
        4 when value.SequenceEqual("ping"u8) => Ping,
        4 when value.SequenceEqual("done"u8) => Done,
        5 when value.SequenceEqual("error"u8) => Error,
        5 when value.SequenceEqual("delta"u8) => Delta,
        7 when value.SequenceEqual("message"u8) => Message,
        _ => null,
    };
}

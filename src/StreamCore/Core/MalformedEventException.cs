using System;

namespace StreamCore.Core;

/// <summary>Raised inside a protocol's parser; the event step turns it into a <see cref="StreamFormatException"/> that says where.</summary>
internal sealed class MalformedEventException : Exception
{
    public MalformedEventException(string message)
        : base(message)
    {
    }

    public MalformedEventException()
    {
    }

    public MalformedEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

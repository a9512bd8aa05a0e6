using System;

namespace StreamCore.Chat;

/// <summary>Raised inside the parser; the assembler turns it into a <see cref="ChatStreamFormatException"/> that says where.</summary>
internal sealed class MalformedChunkException : Exception
{
    public MalformedChunkException(string message)
        : base(message)
    {
    }

    public MalformedChunkException()
    {
    }

    public MalformedChunkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

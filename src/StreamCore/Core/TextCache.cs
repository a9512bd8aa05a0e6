using System;
using StreamCore.Json;

namespace StreamCore.Core;

/// <summary>
/// The string of an assembled text, built on first access and rebuilt only after the text changed.
/// Texts that only grow are identified by their length; a text that can be replaced (a final value,
/// cumulative content, a last finish reason) also passes the count of its replacements as its version.
/// </summary>
internal struct TextCache
{
    private string? _value;
    private int _length;
    private int _version;

    public string Get(ReadOnlySpan<byte> escaped, int version = 0)
    {
        if (_value is null || _length != escaped.Length || _version != version)
        {
            _value = escaped.IsEmpty ? string.Empty : JsonText.ToString(escaped);
            _length = escaped.Length;
            _version = version;
        }

        return _value;
    }
}

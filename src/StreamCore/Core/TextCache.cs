using System;
using StreamCore.Json;

namespace StreamCore.Core;

/// <summary>
/// The string of an assembled text, built on first access and rebuilt only after more fragments
/// arrived. Assembled texts only grow, so their length identifies their content.
/// </summary>
internal struct TextCache
{
    private string? _value;
    private int _length;

    public string Get(ReadOnlySpan<byte> escaped)
    {
        if (_value is null || _length != escaped.Length)
        {
            _value = escaped.IsEmpty ? string.Empty : JsonText.ToString(escaped);
            _length = escaped.Length;
        }

        return _value;
    }
}

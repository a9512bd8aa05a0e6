using System;
using System.Text;
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

    /// <summary>
    /// The string of a short value that a later event may replace with another of the same length
    /// (an id, a model, a stop reason): the cached string is kept while it still spells
    /// <paramref name="escaped"/>, which is checked by comparing the bytes, without allocating, when
    /// they are ASCII and unescaped (ids, models and reasons are); otherwise the string is rebuilt.
    /// </summary>
    public string GetReplaceable(ReadOnlySpan<byte> escaped)
    {
        if (_value is null || _value.Length != escaped.Length || !Ascii.Equals(escaped, _value) || escaped.IndexOf((byte)'\\') >= 0)
        {
            _value = escaped.IsEmpty ? string.Empty : JsonText.ToString(escaped);
            _length = escaped.Length;
            _version = 0;
        }

        return _value;
    }
}

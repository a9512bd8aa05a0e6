using System;
using System.Collections.Generic;

namespace StreamCore.Cli;

/// <summary>
/// Splits a command's arguments into known flags, known options with a value (<c>--protocol chat</c>
/// or <c>--protocol=chat</c>) and positional arguments; an unknown flag is a usage error.
/// </summary>
internal sealed class Options
{
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public Options(ReadOnlySpan<string> args, string[] knownFlags, string[]? knownValueOptions = null)
    {
        knownValueOptions ??= [];
        var positional = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? arg : arg[..equals];
            if (Array.IndexOf(knownValueOptions, name) >= 0)
            {
                string value = equals >= 0 ? arg[(equals + 1)..]
                    : i + 1 < args.Length ? args[++i]
                    : throw new ArgumentException($"option '{name}' needs a value");
                if (!_values.TryGetValue(name, out List<string>? list))
                {
                    _values[name] = list = [];
                }

                list.Add(value);
            }
            else if (equals < 0 && Array.IndexOf(knownFlags, arg) >= 0)
            {
                _flags.Add(arg);
            }
            else
            {
                throw new ArgumentException($"unknown option '{arg}'");
            }
        }

        Positional = [.. positional];
    }

    public string[] Positional { get; }

    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The last value given to <paramref name="option"/>, or null.</summary>
    public string? Value(string option) => _values.TryGetValue(option, out List<string>? list) ? list[^1] : null;

    /// <summary>Every value given to <paramref name="option"/>, in order.</summary>
    public IReadOnlyList<string> Values(string option) => _values.TryGetValue(option, out List<string>? list) ? list : [];

    /// <summary>The stream options a command's <c>--protocol</c> and <c>--cumulative-content</c> ask for.</summary>
    public StreamOptions StreamOptions(StreamProtocol fallback = StreamProtocol.Auto) => new()
    {
        Protocol = ParseProtocol(Value("--protocol")) ?? fallback,
        CumulativeContent = Has("--cumulative-content"),
    };

    /// <summary><c>chat</c>, <c>responses</c>, <c>anthropic</c>, <c>aitronos</c> or <c>auto</c>; null when not given.</summary>
    public static StreamProtocol? ParseProtocol(string? value) => value switch
    {
        null => null,
        "auto" => StreamProtocol.Auto,
        "chat" => StreamProtocol.ChatCompletions,
        "responses" => StreamProtocol.Responses,
        "anthropic" => StreamProtocol.AnthropicMessages,
        "aitronos" => StreamProtocol.Aitronos,
        _ => throw new ArgumentException($"unknown protocol '{value}': use chat, responses, anthropic, aitronos or auto"),
    };
}

using System;
using System.Collections.Generic;

namespace StreamCore.Cli;

/// <summary>Splits a command's arguments into known flags and positional arguments; an unknown flag is a usage error.</summary>
internal sealed class Options
{
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public Options(ReadOnlySpan<string> args, params string[] knownFlags)
    {
        var positional = new List<string>();
        foreach (string arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (Array.IndexOf(knownFlags, arg) < 0)
                {
                    throw new ArgumentException($"unknown option '{arg}'");
                }

                _flags.Add(arg);
            }
            else
            {
                positional.Add(arg);
            }
        }

        Positional = [.. positional];
    }

    public string[] Positional { get; }

    public bool Has(string flag) => _flags.Contains(flag);
}

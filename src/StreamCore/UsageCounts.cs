using System;
using System.Text.Json;

namespace StreamCore;

/// <summary>
/// Token counts with the same meanings for every protocol (<c>typed-protocols.md</c>, section 0).
/// A count the provider did not report is null; nothing is zero-filled.
/// </summary>
/// <param name="Input">Every input token, cache reads and writes included (Anthropic's <c>input_tokens</c> + <c>cache_read_input_tokens</c> + <c>cache_creation_input_tokens</c>; OpenAI's <c>prompt_tokens</c> / <c>input_tokens</c>).</param>
/// <param name="CachedInput">The input tokens read from a prompt cache.</param>
/// <param name="Output">Every output token, reasoning included.</param>
/// <param name="Reasoning">The output tokens spent on reasoning.</param>
/// <param name="Total">The total as the provider sent it, else <see cref="Input"/> + <see cref="Output"/>.</param>
public readonly record struct UsageCounts(long? Input, long? CachedInput, long? Output, long? Reasoning, long? Total)
{
    /// <summary>Whether no count is known.</summary>
    public bool IsEmpty => Input is null && CachedInput is null && Output is null && Reasoning is null && Total is null;

    /// <summary>Reads the counts of a usage object of any protocol's shape. Never throws: what does not parse is left null.</summary>
    internal static UsageCounts Parse(ReadOnlySpan<byte> json)
    {
        long? prompt = null, input = null, cacheRead = null, cacheCreation = null, cached = null;
        long? completion = null, output = null, reasoning = null, total = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("prompt_tokens"u8))
                {
                    prompt = ReadCount(ref reader);
                }
                else if (reader.ValueTextEquals("input_tokens"u8))
                {
                    input = ReadCount(ref reader);
                }
                else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
                {
                    cacheRead = ReadCount(ref reader);
                }
                else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
                {
                    cacheCreation = ReadCount(ref reader);
                }
                else if (reader.ValueTextEquals("completion_tokens"u8))
                {
                    completion = ReadCount(ref reader);
                }
                else if (reader.ValueTextEquals("output_tokens"u8))
                {
                    output = ReadCount(ref reader);
                }
                else if (reader.ValueTextEquals("total_tokens"u8))
                {
                    total = ReadCount(ref reader);
                }
                else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
                {
                    cached ??= ReadDetail(ref reader, "cached_tokens"u8);
                }
                else if (reader.ValueTextEquals("completion_tokens_details"u8) || reader.ValueTextEquals("output_tokens_details"u8))
                {
                    reasoning ??= ReadDetail(ref reader, "reasoning_tokens"u8);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A usage object is kept verbatim; counts are a convenience that must not fail the result
            // (a member name escaped into a lone surrogate makes the reader's name comparison throw).
        }

        // Chat completions: prompt_tokens already counts cache reads. Anthropic's input_tokens does
        // not: its cache reads and writes come as members of their own.
        long? allInput = prompt ?? Add(input, Add(cacheRead, cacheCreation));
        long? allOutput = completion ?? output;
        if (cacheRead is not null)
        {
            cached ??= cacheRead;
        }

        // Some chat providers (xAI) leave reasoning out of completion_tokens; their total shows it.
        if (completion is not null && reasoning > 0 && total == prompt + completion + reasoning && total != prompt + completion)
        {
            allOutput = completion + reasoning;
        }

        return new UsageCounts(allInput, cached, allOutput, reasoning, total ?? Add(allInput, allOutput, requireBoth: true));
    }

    private static long? Add(long? a, long? b, bool requireBoth = false)
        => requireBoth ? (a is null || b is null ? null : a + b) : (a is null && b is null ? null : (a ?? 0) + (b ?? 0));

    private static long? ReadCount(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value))
        {
            return value;
        }

        reader.Skip();
        return null;
    }

    private static long? ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        long? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                found = ReadCount(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return found;
    }
}

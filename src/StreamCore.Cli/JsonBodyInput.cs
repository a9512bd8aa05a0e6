using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary>
/// Input that is a JSON document instead of an event stream: most often a failed request saved to
/// disk (<c>curl … &gt; answer.sse</c> that got a 429). Its <c>error</c> is the provider error it holds,
/// reported as <c>post</c> reports an error answer.
/// </summary>
internal static class JsonBodyInput
{
    private const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Reports the input when it is a JSON document and returns the exit code; null when it is an event stream.</summary>
    public static async Task<int?> TryReportAsync(CommandInput input, Stream output, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!await input.StartsWithJsonAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var body = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while (body.Length <= MaxBodyBytes && (read = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            body.Write(chunk, 0, read);
        }

        string? error = body.Length <= MaxBodyBytes ? ErrorOf(body.ToArray()) : null;
        if (error is null)
        {
            await stderr.WriteLineAsync("streamcore: malformed stream: the input is a JSON document without an error, not an event stream").ConfigureAwait(false);
            return AssembleCommand.ExitMalformed;
        }

        await WriteErrorAsync(output, error, cancellationToken).ConfigureAwait(false);
        await stderr.WriteLineAsync($"streamcore: provider error: {error}").ConfigureAwait(false);
        return AssembleCommand.ExitProviderError;
    }

    /// <summary>Prints <c>{"error": …}</c> and a line end.</summary>
    public static async Task WriteErrorAsync(Stream output, string errorJson, CancellationToken cancellationToken)
    {
        byte[] line = Encoding.UTF8.GetBytes($"{{\"error\":{errorJson}}}\n");
        await output.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The document's non-null top-level <c>error</c> member as JSON text, or null.</summary>
    private static string? ErrorOf(byte[] body)
    {
        try
        {
            ReadOnlyMemory<byte> json = body.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? body.AsMemory(3) : body;
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error"u8, out JsonElement error) && error.ValueKind != JsonValueKind.Null
                ? error.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

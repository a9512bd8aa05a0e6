using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamCore.Sse;

namespace StreamCore.Cli;

/// <summary><c>streamcore events [FILE|-]</c>: one JSON line per dispatched event, then the stream's final state.</summary>
internal static class EventsCommand
{
    public static async Task<int> RunAsync(CommandInput input, Stream output, CancellationToken cancellationToken)
    {
        // Lines go out when the input would make the reader wait, not one write per line.
        input.BeforeRead = output.FlushAsync;
        // The relaxed encoder keeps non-ASCII text readable; control characters are still escaped.
        var writerOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var reader = SseEventReader.Create(input, leaveOpen: true);
        await using var json = new Utf8JsonWriter(output, writerOptions);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            SseEvent item = reader.Current;
            json.WriteStartObject();
            json.WriteString("event"u8, item.EventType);
            // Writing the bytes as a UTF-8 string replaces invalid sequences with U+FFFD.
            json.WriteString("data"u8, item.Data.Span);
            json.WriteString("id"u8, reader.LastEventId);
            json.WriteEndObject();
            json.Flush();
            output.WriteByte((byte)'\n');
            json.Reset();
        }

        json.WriteStartObject();
        json.WriteString("lastEventId"u8, reader.LastEventId);
        if (reader.ReconnectionTime is long retry)
        {
            json.WriteNumber("retry"u8, retry);
        }
        else
        {
            json.WriteNull("retry"u8);
        }

        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}

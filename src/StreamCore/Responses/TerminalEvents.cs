using System;
using System.Text.Json;
using StreamCore.Core;

namespace StreamCore.Responses;

/// <summary>Rules 9 and 11: <c>response.completed</c> / <c>incomplete</c> / <c>failed</c> end the stream.</summary>
internal static class TerminalEvents
{
    /// <summary>
    /// "End the stream and replace the envelope with their <c>response</c>. Its <c>output</c> is used as
    /// it is when it is an array with at least as many items as were streamed; otherwise (null,
    /// <c>[]</c>, absent, fewer) the assembled items are the output."
    /// </summary>
    public static void End<TSink>(ResponsesState state, ResponsesEventKind kind, ReadOnlySpan<byte> data, in EventFields e, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        state.Terminal = kind;
        if (e.HasResponse)
        {
            state.SetEnvelope(data, e.Response);
            ref readonly EnvelopeSlices response = ref e.Response;
            state.TerminalOutputUsed = response.OutputIsArray && response.OutputCount >= state.Items.Count;
            if (state.TerminalOutputUsed && !response.OutputIsItems)
            {
                ApplyOutput(state, response, data, ref sink);
            }
        }

        // "completed is complete; incomplete is complete with the stop kind its incomplete_details.reason
        // gives; failed is failed with response.error." A provider error before keeps the stream failed.
        if (kind == ResponsesEventKind.Failed)
        {
            state.Status = StreamStatus.Failed;
            Slice error = e.HasResponse ? e.Response.Error : Slice.None;
            if (error.IsPresent && !error.Of(data).SequenceEqual("null"u8) && !state.HasProviderError)
            {
                // Announced once: an error event before it announced the same failure.
                state.HasProviderError = true;
                if (sink.IsEnabled)
                {
                    sink.OnJson(state.Result, StreamUpdateKind.ProviderError, -1, -1, error.Of(data), error.Start);
                }
            }
        }
        else if (!state.HasProviderError)
        {
            state.Status = StreamStatus.Complete;
        }

        // Rule 11: "Events after the terminal one (response.rate_limits.updated) are ignored": the loop stops reading.
        state.Ended = true;

        if (sink.IsEnabled)
        {
            Slice usage = e.HasResponse ? e.Response.Usage : Slice.None;
            if (usage.IsPresent && usage.Length > 0 && usage.Of(data)[0] == (byte)'{')
            {
                sink.OnJson(state.Result, StreamUpdateKind.Usage, -1, -1, usage.Of(data), usage.Start);
            }

            ResponsesResult result = state.Result;
            sink.OnStop(result, -1, result.StopKind, result.StopReason);
        }
    }

    /// <summary>
    /// The terminal output is the output: its items become the items' final values, so that the
    /// normalized view and the updates say what the JSON says. An item whose final JSON arrived
    /// already with the same bytes is not read again.
    /// </summary>
    private static void ApplyOutput<TSink>(ResponsesState state, in EnvelopeSlices response, ReadOnlySpan<byte> data, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        int streamed = state.Items.Count;
        long nextIndex = streamed == 0 ? 0 : (long)state.Items.Entries[streamed - 1].Index + 1;
        for (int position = 0; position < response.OutputCount; position++)
        {
            Slice entry = state.Scratch.Entry(response.OutputFirst + position);
            ReadOnlySpan<byte> json = entry.Of(data);
            if (json.IsEmpty || json[0] != (byte)'{')
            {
                continue; // not an item: written as it came, nothing to read from it
            }

            // Streamed items in index order take the entries in order; entries beyond them are new items.
            int index;
            if (position < streamed)
            {
                OutputItemState item = state.Items.Entries[position];
                if (item.IsFinal && item.Unchanged && item.Seed.Span.SequenceEqual(json))
                {
                    continue;
                }

                index = item.Index;
            }
            else
            {
                index = nextIndex <= int.MaxValue
                    ? (int)nextIndex++
                    : throw new MalformedEventException("the terminal output has more items than output indexes remain after the last one streamed");
            }

            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth });
            reader.Read();
            ItemSlices slices = default;
            EventReader.ReadItem(ref reader, state.Scratch, entry.Start, ref slices);
            OutputEvents.CompleteItem(state, index, slices, data, ref sink);
        }
    }
}

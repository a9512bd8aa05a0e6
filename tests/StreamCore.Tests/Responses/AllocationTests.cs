using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Tests.Chat;
using static StreamCore.Tests.Responses.Fixtures;

namespace StreamCore.Tests.Responses;

/// <summary>
/// Exact allocation checks of the Responses per-event paths, on the current thread: in-memory input
/// completes every read synchronously. Consuming updates allocates nothing per delta event; assembling
/// allocates nothing per delta event either (pooled buffers grow, and are pooled).
/// </summary>
[Collection(nameof(AllocationCollection))]
public class AllocationTests
{
    private const int Small = 1_000;
    private const int Large = 2_000;

    /// <summary>How the deltas of the test streams come.</summary>
    public enum DeltaShape
    {
        /// <summary>Output text deltas that repeat each other's bytes around the delta, as every provider sends them.</summary>
        Repeated,

        /// <summary>Deltas each read in full: logprob entries that change, obfuscation, an escaped delta.</summary>
        ReadInFull,

        /// <summary>Reasoning summary, function-call arguments, code and refusal deltas interleaved.</summary>
        Interleaved,
    }

    private static byte[] Stream(int deltas, DeltaShape shape)
    {
        var events = new List<string>
        {
            Created, InProgress, MessageAdded, PartAdded, FunctionAdded(4, 1),
            """{"type":"response.output_item.added","sequence_number":5,"output_index":2,"item":{"id":"rs_2","type":"reasoning","summary":[]}}""",
        };
        for (int i = 0; i < deltas; i++)
        {
            int sequence = 6 + i;
            events.Add(shape switch
            {
                DeltaShape.Repeated => TextDelta(sequence, "\"word \\\"q\\\" \\u00e9 \""),
                DeltaShape.ReadInFull => $$"""{"type":"response.output_text.delta","sequence_number":{{sequence}},"item_id":"msg_1","output_index":0,"content_index":0,"delta":"w\u00e9 ","logprobs":[{"token":"w","logprob":-{{i % 7}}.5,"top_logprobs":[]}],"obfuscation":"x{{i}}"}""",
                _ => (i % 4) switch
                {
                    0 => $$"""{"type":"response.reasoning_summary_text.delta","sequence_number":{{sequence}},"item_id":"rs_2","output_index":2,"summary_index":0,"delta":"think "}""",
                    1 => ArgumentsDelta(sequence, 1, i % 8 == 1 ? "\"[\"" : "\"1,\""),
                    2 => $$"""{"type":"response.code_interpreter_call_code.delta","sequence_number":{{sequence}},"item_id":"ci_3","output_index":3,"delta":"x = 1\n"}""",
                    _ => $$"""{"type":"response.refusal.delta","sequence_number":{{sequence}},"item_id":"msg_1","output_index":0,"content_index":1,"delta":"no "}""",
                },
            });
        }

        events.Add(Completed(6 + deltas));
        return Encoding.UTF8.GetBytes(ResponsesTestSupport.Named([.. events]));
    }

    private static long MeasureAssemble(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<StreamResult> pending = ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(input)));
        Assert.True(pending.IsCompletedSuccessfully, "in-memory input completes synchronously");
        StreamResult result = pending.Result;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(StreamStatus.Complete, result.Status);
        result.Dispose();
        return allocated;
    }

    private static long MeasureUpdates(byte[] input, out int deltas)
    {
        deltas = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        IAsyncEnumerator<StreamUpdate> updates = ModelStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(input))).GetAsyncEnumerator();
        StreamResult? result = null;
        long bytes = 0;
        while (true)
        {
            ValueTask<bool> next = updates.MoveNextAsync();
            Assert.True(next.IsCompletedSuccessfully, "in-memory input completes synchronously");
            if (!next.Result)
            {
                break;
            }

            StreamUpdate update = updates.Current;
            if (update.Kind is StreamUpdateKind.ContentDelta or StreamUpdateKind.ReasoningDelta or StreamUpdateKind.RefusalDelta or StreamUpdateKind.ToolCallArgumentsDelta)
            {
                deltas++;
                bytes += update.Utf8Text.Length;
            }

            result = update.Result;
        }

        ValueTask disposed = updates.DisposeAsync();
        Assert.True(disposed.IsCompletedSuccessfully);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bytes > 0);
        Assert.Equal(StreamStatus.Complete, result!.Status);
        result.Dispose();
        return allocated;
    }

    [Theory]
    [InlineData(DeltaShape.Repeated)]
    [InlineData(DeltaShape.ReadInFull)]
    [InlineData(DeltaShape.Interleaved)]
    public void ConsumingUpdatesAllocatesNothingPerDeltaEvent(DeltaShape shape)
    {
        byte[] small = Stream(Small, shape);
        byte[] large = Stream(Large, shape);
        for (int i = 0; i < 3; i++)
        {
            MeasureUpdates(small, out _);
            MeasureUpdates(large, out _);
        }

        long smallBytes = MeasureUpdates(small, out int smallDeltas);
        long largeBytes = MeasureUpdates(large, out int largeDeltas);
        int announced = shape == DeltaShape.Interleaved ? 3 : 4; // code deltas have no update of their own
        Assert.Equal(Small * announced / 4, smallDeltas);
        Assert.Equal(Large * announced / 4, largeDeltas);
        Assert.Equal(smallBytes, largeBytes);
    }

    [Theory]
    [InlineData(DeltaShape.Repeated)]
    [InlineData(DeltaShape.ReadInFull)]
    [InlineData(DeltaShape.Interleaved)]
    public void AssemblingAllocatesNothingPerDeltaEvent(DeltaShape shape)
    {
        byte[] small = Stream(Small, shape);
        byte[] large = Stream(Large, shape);
        for (int i = 0; i < 3; i++)
        {
            MeasureAssemble(small);
            MeasureAssemble(large);
        }

        long smallBytes = MeasureAssemble(small);
        long largeBytes = MeasureAssemble(large);
        Assert.Equal(smallBytes, largeBytes);
    }

    [Fact]
    public void AssemblingAllocatesPerEventOnlyTheObjectsOfWhatItKeeps()
    {
        // Each item and part is an object of its own (allocated once), each annotation too, and their
        // JSON is kept in pooled arrays, which the pool cannot lend when a stream keeps many: per item,
        // what is allocated is bounded by what is kept (arrays round up to a power of two) and a few objects.
        static byte[] Items(int count)
        {
            var events = new List<string> { Created };
            for (int i = 0; i < count; i++)
            {
                events.Add($$$"""{"type":"response.output_item.added","sequence_number":{{{i + 1}}},"output_index":{{{i}}},"item":{"id":"ws_{{{i}}}","type":"web_search_call","status":"in_progress","action":{"type":"search","query":"{{{new string('q', 500)}}}"}""" + "}}");
                events.Add($$$"""{"type":"response.output_text.annotation.added","output_index":{{{i}}},"content_index":0,"annotation_index":0,"annotation":{"type":"url_citation","url":"https://example.com/{{{i}}}"}}""");
            }

            events.Add(Completed(count + 1));
            return Encoding.UTF8.GetBytes(ResponsesTestSupport.Named([.. events]));
        }

        byte[] small = Items(100);
        byte[] large = Items(200);
        for (int i = 0; i < 3; i++)
        {
            MeasureAssemble(small);
            MeasureAssemble(large);
        }

        long perItem = (MeasureAssemble(large) - MeasureAssemble(small)) / 100;
        int kept = 640 + 48; // the item's JSON and the annotation's
        Assert.True(perItem < (2 * kept) + 768, $"{perItem} bytes per item with an annotation");
    }

    [Fact]
    public void ThePushAssemblerAllocatesNothingPerRepeatedDelta()
    {
        byte[] delta = Encoding.UTF8.GetBytes(TextDelta(4, "\"word \""));
        static long Append(int count, byte[] delta)
        {
            using var assembler = new StreamAssembler(new StreamOptions { Protocol = StreamProtocol.Responses });
            foreach (string data in new[] { Created, MessageAdded, PartAdded })
            {
                assembler.AppendEvent((string)System.Text.Json.Nodes.JsonNode.Parse(data)!["type"]!, Encoding.UTF8.GetBytes(data));
            }

            assembler.AppendEvent("response.output_text.delta", delta);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 1; i < count; i++)
            {
                assembler.AppendEvent("response.output_text.delta", delta);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            using StreamResult result = assembler.Complete();
            Assert.Equal(count * 5, result.Text!.Length);
            return allocated;
        }

        for (int i = 0; i < 3; i++)
        {
            Append(Large, delta); // the pool then has the arrays the text grows through
        }

        Assert.Equal(0, Append(Large, delta));
        Assert.Equal(0, Append(Small, delta));
    }
}

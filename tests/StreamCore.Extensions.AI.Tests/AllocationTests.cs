using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StreamCore.Extensions.AI.Tests.TestSupport;
using Xunit.Abstractions;

namespace StreamCore.Extensions.AI.Tests;

/// <summary>Allocation tests measure the whole process: none may run beside them.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>
/// What the update path allocates per event, against the official MEAI path on the same bytes. MEAI's
/// own types allocate: every <see cref="ChatResponseUpdate"/> is an object with its content list and
/// content, and its text a string. The adapter allocates exactly that per text delta and nothing
/// more, on every protocol; an event that gives MEAI nothing (an argument fragment, a repeated usage,
/// a ping) allocates nothing. The numbers are printed, and written to <c>allocation.md</c> beside the
/// test assembly:
/// <c>dotnet test tests/StreamCore.Extensions.AI.Tests --filter "FullyQualifiedName~AllocationTests" --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection(nameof(AllocationCollection))]
public class AllocationTests(ITestOutputHelper output)
{
    private const int Events = 1000;

    [Fact]
    public async Task EventsThatGiveMeaiNothingAllocateNothing()
    {
        // Repeated cumulative usage (Perplexity), empty argument fragments, pings: MEAI gets the usage
        // once, with the last update. 1,000 such events and 2,000 allocate exactly the same.
        byte[] small = NothingForMeai(Events);
        byte[] large = NothingForMeai(2 * Events);
        await MeaiUpdatesAsync(small); // warm up
        long single = await AllocatedOnThreadAsync(() => MeaiUpdatesAsync(small));
        long twice = await AllocatedOnThreadAsync(() => MeaiUpdatesAsync(large));
        output.WriteLine($"events that give MEAI nothing: {single} B for {3 * Events} events, {twice} B for {6 * Events}");
        Assert.Equal(single, twice);
    }

    [Fact]
    public async Task ContentEventsAllocateFarLessThanTheOfficialPath()
    {
        byte[] small = Content(Events);
        byte[] large = Content(2 * Events);
        await MeaiUpdatesAsync(small);
        await StreamCoreUpdatesAsync(small);
        await OfficialAsync(small);

        double ours = (await AllocatedOnThreadAsync(() => MeaiUpdatesAsync(large)) - await AllocatedOnThreadAsync(() => MeaiUpdatesAsync(small))) / (double)Events;
        double core = (await AllocatedOnThreadAsync(() => StreamCoreUpdatesAsync(large)) - await AllocatedOnThreadAsync(() => StreamCoreUpdatesAsync(small))) / (double)Events;
        double official = (await AllocatedAsync(() => OfficialAsync(large)) - await AllocatedAsync(() => OfficialAsync(small))) / (double)Events;

        Report("content deltas (per event, marginal)", ours, official, core);

        Assert.InRange(core, -1, 1); // StreamCore's own updates: nothing per event
        Assert.InRange(ours, 250, 350); // MEAI's objects (PerTextDeltaTheAdapterAllocatesExactlyMeaisObjects) and the result's growing text
        Assert.True(official > 4 * ours, $"official {official:F0} B/event, StreamCore {ours:F0} B/event");
    }

    [Theory]
    [InlineData(StreamProtocol.ChatCompletions)]
    [InlineData(StreamProtocol.Responses)]
    [InlineData(StreamProtocol.AnthropicMessages)]
    [InlineData(StreamProtocol.Aitronos)]
    public async Task PerTextDeltaTheAdapterAllocatesExactlyMeaisObjects(StreamProtocol protocol)
    {
        // The same loop over StreamCore's updates: once translated, once building for each text
        // delta the MEAI update a hand would (its content list, its content, the string).
        byte[] small = TextDeltas(protocol, Events);
        byte[] large = TextDeltas(protocol, 2 * Events);
        await TranslatedAsync(small);
        await ByHandAsync(small);
        double ours = (await AllocatedOnThreadAsync(() => TranslatedAsync(large)) - await AllocatedOnThreadAsync(() => TranslatedAsync(small))) / (double)Events;
        double byHand = (await AllocatedOnThreadAsync(() => ByHandAsync(large)) - await AllocatedOnThreadAsync(() => ByHandAsync(small))) / (double)Events;
        output.WriteLine($"{protocol}: {ours:F1} B per text delta translated, {byHand:F1} B built by hand");
        Assert.InRange(byHand, 250, 350); // the text deltas were there: MEAI's objects cost this much each
        Assert.Equal(byHand, ours, 0.5);
    }

    [Fact]
    public async Task OnTheChatCorpusTheUpdatePathAllocatesAFractionOfTheOfficialPath()
    {
        long ours = 0, official = 0, events = 0;
        var skipped = new List<string>();
        foreach (string name in Corpus.Names.Where(Corpus.IsChat))
        {
            byte[] bytes = Corpus.Read(name);
            IChatClient client = OfficialPaths.ClientFor(StreamProtocol.ChatCompletions, bytes)!;
            if ((await OfficialPaths.RunAsync(client)).Error is not null)
            {
                skipped.Add(name); // Mistral's thinking parts: the official path throws
                continue;
            }

            await MeaiUpdatesAsync(bytes, whole: false); // recordings: some are cut or fail on purpose
            ours += await AllocatedAsync(() => MeaiUpdatesAsync(bytes, whole: false));
            official += await AllocatedAsync(() => OfficialAsync(bytes));
            using StreamResult result = await ModelStream.AssembleAsync(Fixtures.Reader(bytes));
            events += result.EventCount;
        }

        Report($"chat corpus ({events} events in {39 - skipped.Count} streams; whole streams, per event)", ours / (double)events, official / (double)events, null);
        Assert.Equal(["corpus/mistral-magistral-thinking-1.sse"], skipped);
        Assert.True(official > 3 * ours, $"official {official} B, StreamCore {ours} B");
    }

    private void Report(string workload, double ours, double official, double? core)
    {
        string line = $"| {workload} | {ours:F0} B | {official:F0} B | {official / ours:F1}× |"
            + (core is double c ? $" StreamCore's own updates: {c:F1} B |" : string.Empty);
        output.WriteLine(line);
        File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "allocation.md"), line + Environment.NewLine);
    }

    private static async Task<long> AllocatedAsync(Func<Task> run)
    {
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await run();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    private static async Task<long> AllocatedOnThreadAsync(Func<Task> run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Task task = run();
        Assert.True(task.IsCompleted, "in-memory input completes synchronously, on this thread");
        await task;
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Reads every MEAI update of <paramref name="bytes"/>; a generated input (<paramref name="whole"/>) must have been read to its end, or it would allocate less.</summary>
    private static async Task MeaiUpdatesAsync(byte[] bytes, bool whole = true)
    {
        StreamResult? result = null;
        await foreach (ChatResponseUpdate update in StreamCoreChat.ReadUpdatesAsync(Fixtures.Reader(bytes)))
        {
            result = (StreamResult?)update.RawRepresentation;
        }

        Assert.True(!whole || result!.Status == StreamStatus.Complete, "the whole input was read");
        result?.Dispose();
    }

    private static async Task StreamCoreUpdatesAsync(byte[] bytes)
    {
        StreamResult? result = null;
        await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(Fixtures.Reader(bytes)))
        {
            result = update.Result;
        }

        result?.Dispose();
    }

    private static async Task OfficialAsync(byte[] bytes)
    {
        IChatClient client = OfficialPaths.ClientFor(StreamProtocol.ChatCompletions, bytes)!;
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync([new(ChatRole.User, "Corpus prompt")]))
        {
            GC.KeepAlive(update);
        }
    }

    private static async Task TranslatedAsync(byte[] bytes)
    {
        var translator = new UpdateTranslator();
        StreamResult? result = null;
        await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(Fixtures.Reader(bytes)))
        {
            GC.KeepAlive(translator.Translate(update));
            result = update.Result;
        }

        result?.Dispose();
    }

    private static async Task ByHandAsync(byte[] bytes)
    {
        StreamResult? result = null;
        await foreach (StreamUpdate update in ModelStream.ReadUpdatesAsync(Fixtures.Reader(bytes)))
        {
            if (update.Kind == StreamUpdateKind.ContentDelta)
            {
                GC.KeepAlive(new ChatResponseUpdate(ChatRole.Assistant, [new TextContent(update.GetText())]) { MessageId = "id", ResponseId = "id", ModelId = "m", CreatedAt = DateTimeOffset.UnixEpoch, RawRepresentation = update.Result });
            }

            result = update.Result;
        }

        result?.Dispose();
    }

    private static byte[] TextDeltas(StreamProtocol protocol, int count)
    {
        IEnumerable<int> each = Enumerable.Range(0, count);
        return protocol switch
        {
            StreamProtocol.ChatCompletions => Content(count),
            StreamProtocol.Responses => Fixtures.Named(
                [("response.created", """{"type":"response.created","response":{"id":"resp_1","created_at":1765552659,"status":"in_progress","model":"gpt-x","output":[]}}"""),
                 .. each.Select(_ => ("response.output_text.delta", """{"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"word "}""")),
                 ("response.completed", """{"type":"response.completed","response":{"id":"resp_1","created_at":1765552659,"status":"completed","model":"gpt-x","output":null}}""")]),
            StreamProtocol.AnthropicMessages => Fixtures.Named(
                [("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}"""),
                 ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
                 .. each.Select(_ => ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"word "}}""")),
                 ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
                 ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}"""),
                 ("message_stop", """{"type":"message_stop"}""")]),
            _ => Encoding.UTF8.GetBytes(string.Concat(each.Select(_ => "data: {\"event\":\"response.content_delta\",\"delta\":\"word \"}\n\n"))
                + "data: {\"event\":\"response.completed\",\"response_id\":\"resp_1\"}\n\ndata: [DONE]\n\n"),
        };
    }

    private static byte[] Content(int count) => Fixtures.Chat(
        [.. Enumerable.Range(0, count).Select(_ => """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"word "},"logprobs":null,"finish_reason":null}]}"""),
         """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}"""]);

    private static byte[] NothingForMeai(int count) => Encoding.UTF8.GetBytes(
        "data: " + """{"id":"c","choices":[{"index":0,"delta":{"content":"Hi","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}""" + "\n\n"
        + string.Concat(Enumerable.Range(0, count).Select(i => "data: " + """{"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""" + "\n\n"
            + "data: " + """{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":""}}]}}]}""" + "\n\n"
            + "event: ping\ndata: {}\n\n"))
        + "data: " + """{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}""" + "\n\ndata: [DONE]\n\n");
}

using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Tests.Chat;

namespace StreamCore.Tests.Results;

/// <summary>What a caller holds is theirs: values kept past <c>Dispose</c> never change, a disposed result says so, ownership is the same in every entry point.</summary>
public class ResultLifetimeTests
{
    private static string Stream(string id, string text, string usage, string member) => ChatTestSupport.WithDone(
        $$$"""{"id":"{{{id}}}","created":1700000000,"model":"m","citations":{{{member}}},"choices":[{"index":0,"delta":{"role":"assistant","content":"{{{text}}}"}}]}""",
        $$$"""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{{{usage}}}}""");

    [Fact]
    public void UsageErrorAndMemberJsonKeptPastDisposeHoldTheSameBytesWhileOtherStreamsReuseThePool()
    {
        string usage = """{"prompt_tokens":11,"completion_tokens":22,"total_tokens":33}""";
        string citations = """["https://a.example/1","https://a.example/2"]""";
        ReadOnlyMemory<byte> keptUsage;
        ReadOnlyMemory<byte> keptCitations;
        ReadOnlyMemory<byte> keptError;
        string keptText;
        using (ChatCompletionResult first = ChatTestSupport.Assemble(Stream("first", "kept text", usage, citations)))
        {
            keptUsage = first.UsageJson;
            keptCitations = first.GetMemberJson("citations");
            keptText = first.Choices[0].Content!;
        }

        using (ChatCompletionResult failed = ChatTestSupport.Assemble(ChatTestSupport.Events("""{"choices":[{"delta":{"content":"x"}}],"error":{"message":"boom","code":503}}""")))
        {
            keptError = failed.ErrorJson;
        }

        // Other streams now rent the same arrays and fill them with other bytes.
        for (int i = 0; i < 50; i++)
        {
            string other = new('z', 40 + i);
            using ChatCompletionResult next = ChatTestSupport.Assemble(Stream("other" + i, other, $$"""{"total_tokens":{{i}},"pad":"{{other}}"}""", $$"""["{{other}}"]"""));
            Assert.Equal(other, next.Choices[0].Content);
        }

        Assert.Equal(usage, Encoding.UTF8.GetString(keptUsage.Span));
        Assert.Equal(citations, Encoding.UTF8.GetString(keptCitations.Span));
        Assert.Equal("""{"message":"boom","code":503}""", Encoding.UTF8.GetString(keptError.Span));
        Assert.Equal("kept text", keptText);
    }

    [Fact]
    public void JsonViewsAreCopiesNotPooledArrays()
    {
        using ChatCompletionResult result = ChatTestSupport.Assemble(Stream("c", "t", """{"total_tokens":1}""", "[1]"));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(result.UsageJson, out ArraySegment<byte> first));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(result.UsageJson, out ArraySegment<byte> second));
        Assert.Equal(first.Array!.Length, first.Count); // an array of its own, exactly as long as the JSON: not rented
        Assert.NotSame(first.Array, second.Array);
    }

    [Fact]
    public void EveryAccessorOfADisposedResultThrows()
    {
        ChatCompletionResult result = ChatTestSupport.Assemble(Stream("c", "t", """{"total_tokens":1}""", "[1]"));
        ChatChoice choice = result.Choices[0];
        StreamResult general = result;
        result.Dispose();
        Action[] accessors =
        [
            () => _ = result.Status, () => _ = general.Status, () => _ = result.Id, () => _ = result.Model, () => _ = result.Created,
            () => _ = result.CreatedAt, () => _ = result.Choices, () => _ = result.UsageJson, () => _ = result.ErrorJson,
            () => _ = result.HasProviderError, () => _ = result.EventCount, () => _ = result.TransportException,
            () => _ = result.Dialect, () => _ = result.SystemFingerprint, () => _ = result.ServiceTier, () => _ = result.GetMemberJson("citations"),
            () => _ = general.Text, () => _ = general.Reasoning, () => _ = general.Refusal, () => _ = general.ToolCalls,
            () => _ = general.StopKind, () => _ = general.StopReason, () => _ = general.Usage, () => _ = result.ToJson(),
            () => _ = choice.Content, () => _ = choice.FinishReason, () => _ = choice.ToolCalls, () => _ = choice.Role,
        ];
        foreach (Action accessor in accessors)
        {
            Assert.Throws<ObjectDisposedException>(accessor);
        }

        result.Dispose(); // a second dispose is harmless
    }

    [Fact]
    public void CompleteHandsTheResultOverAndDisposingTheAssemblerLeavesItAlone()
    {
        ChatCompletionResult result;
        using (var assembler = new ChatCompletionAssembler())
        {
            assembler.AppendChunk("""{"id":"c","choices":[{"index":0,"delta":{"content":"mine"},"finish_reason":"stop"}]}"""u8);
            result = assembler.Complete();
            Assert.Same(result, assembler.Complete()); // a second call hands over the same result
            Assert.Throws<InvalidOperationException>(() => assembler.AppendChunk("""{"choices":[]}"""u8));
            Assert.Throws<InvalidOperationException>(() => assembler.AppendEvent("message", "[DONE]"u8));
        }

        using (result)
        {
            Assert.Equal("mine", result.Choices[0].Content);
            Assert.Equal(ChatStreamStatus.Complete, result.Status);
        }

        Assert.Throws<ObjectDisposedException>(() => result.Status);
    }

    [Fact]
    public void AnAssemblerDisposedBeforeCompleteReturnsItsResultsBuffers()
    {
        var assembler = new ChatCompletionAssembler();
        assembler.AppendChunk("""{"choices":[{"index":0,"delta":{"content":"dropped"}}]}"""u8);
        ChatCompletionResult result = assembler.Result;
        assembler.Dispose();
        Assert.Throws<ObjectDisposedException>(() => result.Status);
    }

    [Fact]
    public void TheGeneralAssemblerHandsOverTheSameWay()
    {
        StreamResult result;
        using (var assembler = new StreamAssembler())
        {
            assembler.AppendData("""{"id":"c","choices":[{"index":0,"delta":{"content":"any protocol"},"finish_reason":"stop"}]}"""u8);
            Assert.Equal(StreamProtocol.ChatCompletions, assembler.Protocol);
            result = assembler.Complete();
            Assert.Throws<InvalidOperationException>(() => assembler.AppendData("{}"u8));
        }

        using (result)
        {
            Assert.Equal("any protocol", result.Text);
        }
    }

    [Fact]
    public async Task AConsumerOnAnotherTaskReadsPublishedUpdatesAndTheFinishedResultAfterTheAssemblerIsGone()
    {
        var assembler = new ChatCompletionAssembler(publishUpdates: true);
        ChannelReader<ChatUpdate> updates = assembler.Updates;
        Task<(string Text, string? Final)> consumer = Task.Run(async () =>
        {
            var text = new StringBuilder();
            string? final = null;
            await foreach (ChatUpdate update in updates.ReadAllAsync())
            {
                if (update.Kind == ChatUpdateKind.ContentDelta)
                {
                    text.Append(update.GetText());
                }
                else if (update.Kind == ChatUpdateKind.End)
                {
                    final = update.Completion.Choices[0].Content; // the result is finished once End arrives
                }
            }

            return (text.ToString(), final);
        });

        ChatCompletionResult result;
        using (assembler)
        {
            foreach (string piece in new[] { "Hel", "lo ", "there" })
            {
                assembler.AppendChunk(Encoding.UTF8.GetBytes($$$"""{"choices":[{"index":0,"delta":{"content":"{{{piece}}}"}}]}"""));
            }

            assembler.AppendChunk("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""u8);
            result = assembler.Complete();
        }

        (string text, string? finalText) = await consumer;
        using (result)
        {
            Assert.Equal("Hello there", text);
            Assert.Equal("Hello there", finalText);
            Assert.Equal("Hello there", result.Choices[0].Content); // still the caller's after the assembler's using
        }
    }

    [Fact]
    public void PartialResultIsNeverNullAndCreatedAtIsADateTimeOffset()
    {
        ChatStreamFormatException e = ChatTestSupport.AssembleMalformed(ChatTestSupport.Events("""{"created":1700000000,"choices":[]}""", "not json"));
        using ChatCompletionResult partial = e.PartialResult; // non-nullable: no '!' needed
        Assert.Equal(ChatStreamStatus.Failed, partial.Status);
        Assert.Equal(1700000000, partial.Created);
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero), partial.CreatedAt);
        Assert.Throws<InvalidOperationException>(() => new ChatStreamFormatException("made by hand").PartialResult);
    }

    [Fact]
    public async Task UpdatesBrokenOffLeaveTheCallerAUsableIncompleteResult()
    {
        byte[] input = Encoding.UTF8.GetBytes(ChatTestSupport.WithDone(
            """{"choices":[{"index":0,"delta":{"content":"one "}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"two"}}]}""",
            """{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""));
        ChatCompletionResult? held = null;
        await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(input))))
        {
            held = update.Completion;
            break; // "Stop generating" in a UI that reads updates
        }

        using (held)
        {
            Assert.Equal(ChatStreamStatus.Incomplete, held!.Status);
            Assert.Equal("one ", held.Choices[0].Content);
        }
    }
}

using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Json;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>The typed updates of <see cref="ChatStream.ReadUpdatesAsync(PipeReader, ChatStreamOptions?, System.Threading.CancellationToken)"/> and of the push API's channel.</summary>
public class UpdatesTests
{
    private static readonly string[] Chunks =
    [
        """{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""",
        """{"id":"c","choices":[{"index":0,"delta":{"content":"Hel"}}]}""",
        """{"id":"c","choices":[{"index":0,"delta":{"content":"lo \u00e9\ud83d\ude42"}}]}""",
        """{"id":"c","choices":[{"index":0,"delta":{"reasoning_content":"hm"}}]}""",
        """{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}""",
        """{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}""",
        """{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}""",
        """{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
        """{"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""",
    ];

    private static readonly ChatUpdateKind[] ExpectedKinds =
    [
        ChatUpdateKind.ContentDelta,
        ChatUpdateKind.ContentDelta,
        ChatUpdateKind.ReasoningDelta,
        ChatUpdateKind.ToolCallStarted,
        ChatUpdateKind.ToolCallArgumentsDelta,
        ChatUpdateKind.ToolCallArgumentsDelta,
        ChatUpdateKind.ToolCallCompleted,
        ChatUpdateKind.ChoiceFinished,
        ChatUpdateKind.Usage,
        ChatUpdateKind.End,
    ];

    /// <summary>An update copied out while it is valid.</summary>
    private sealed record Seen(ChatUpdateKind Kind, int Choice, string Text, string Json, string? FinishReason, string? ToolCallId, string? Arguments, JsonTextStatus? Status);

    private static Seen Copy(ChatUpdate update) => new(
        update.Kind,
        update.ChoiceIndex,
        Encoding.UTF8.GetString(update.Utf8Text.Span),
        Encoding.UTF8.GetString(update.Json.Span),
        update.FinishReason,
        update.ToolCall?.Id,
        update.Kind == ChatUpdateKind.ToolCallCompleted ? update.ToolCall!.Arguments : null,
        update.Kind == ChatUpdateKind.ToolCallCompleted ? update.ToolCall!.ArgumentsStatus : null);

    private static async Task<(List<Seen> Seen, ChatCompletionResult Result)> ReadAllAsync(string input)
    {
        var seen = new List<Seen>();
        ChatCompletionResult? result = null;
        await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(Utf8(input)))))
        {
            seen.Add(Copy(update));
            result = update.Completion;
        }

        return (seen, result!);
    }

    [Fact]
    public async Task SequenceForContentToolCallFinishAndUsage()
    {
        (List<Seen> seen, ChatCompletionResult result) = await ReadAllAsync(WithDone(Chunks));
        using (result)
        {
            Assert.Equal(ExpectedKinds, seen.Select(s => s.Kind));
            Assert.Equal(["Hel", "lo é\U0001F642"], seen.Where(s => s.Kind == ChatUpdateKind.ContentDelta).Select(s => s.Text));
            Assert.Equal(result.Choices[0].Content, string.Concat(seen.Where(s => s.Kind == ChatUpdateKind.ContentDelta).Select(s => s.Text)));
            Assert.Equal("hm", seen.Single(s => s.Kind == ChatUpdateKind.ReasoningDelta).Text);
            Assert.Equal(["{\"city\":", "\"Paris\"}"], seen.Where(s => s.Kind == ChatUpdateKind.ToolCallArgumentsDelta).Select(s => s.Text));
            Assert.Equal("call_1", seen.Single(s => s.Kind == ChatUpdateKind.ToolCallStarted).ToolCallId);

            Seen completed = seen.Single(s => s.Kind == ChatUpdateKind.ToolCallCompleted);
            Assert.Equal("{\"city\":\"Paris\"}", completed.Arguments);
            Assert.Equal(JsonTextStatus.Valid, completed.Status);
            Assert.Equal("tool_calls", seen.Single(s => s.Kind == ChatUpdateKind.ChoiceFinished).FinishReason);
            Assert.Equal("""{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}""", seen.Single(s => s.Kind == ChatUpdateKind.Usage).Json);
            Assert.All(seen.Where(s => s.Kind is ChatUpdateKind.Usage or ChatUpdateKind.End), s => Assert.Equal(-1, s.Choice));
            Assert.All(seen.Where(s => s.Kind is not (ChatUpdateKind.Usage or ChatUpdateKind.End)), s => Assert.Equal(0, s.Choice));
            Assert.Equal(ChatStreamStatus.Complete, result.Status);
        }
    }

    [Fact]
    public async Task ToolCallCutOffIsCompletedAtTheEndWithItsStatusAndTheEndSaysIncomplete()
    {
        (List<Seen> seen, ChatCompletionResult result) = await ReadAllAsync(Events(Chunks[..6]));
        using (result)
        {
            Assert.Equal(
                [ChatUpdateKind.ContentDelta, ChatUpdateKind.ContentDelta, ChatUpdateKind.ReasoningDelta, ChatUpdateKind.ToolCallStarted, ChatUpdateKind.ToolCallArgumentsDelta, ChatUpdateKind.ToolCallCompleted, ChatUpdateKind.End],
                seen.Select(s => s.Kind));
            Assert.Equal(JsonTextStatus.Incomplete, seen[5].Status);
            Assert.Equal("{\"city\":", seen[5].Arguments);
            Assert.Equal(ChatStreamStatus.Incomplete, result.Status);
        }
    }

    [Fact]
    public async Task ProviderErrorUpdateThenEndFailed()
    {
        string input = Events(Chunks[1]) + "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n" + Events(Chunks[2]);
        (List<Seen> seen, ChatCompletionResult result) = await ReadAllAsync(input);
        using (result)
        {
            Assert.Equal([ChatUpdateKind.ContentDelta, ChatUpdateKind.ProviderError, ChatUpdateKind.End], seen.Select(s => s.Kind));
            Assert.Equal("""{"message":"boom"}""", seen[1].Json);
            Assert.Equal(ChatStreamStatus.Failed, result.Status);
        }
    }

    [Fact]
    public async Task MalformedInputThrowsAfterTheUpdatesBeforeIt()
    {
        var seen = new List<ChatUpdateKind>();
        ChatStreamFormatException e = await Assert.ThrowsAsync<ChatStreamFormatException>(async () =>
        {
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(Utf8(Events(Chunks[1], "[]"))))))
            {
                seen.Add(update.Kind);
            }
        });
        Assert.Equal([ChatUpdateKind.ContentDelta], seen);
        Assert.Equal(2, e.EventNumber);
        using ChatCompletionResult partial = e.PartialResult!;
        Assert.Equal("Hel", partial.Choices[0].Content);
    }

    [Fact]
    public async Task PushApiPublishesTheSameSequenceThroughItsChannel()
    {
        (List<Seen> pulled, ChatCompletionResult pulledResult) = await ReadAllAsync(WithDone(Chunks));
        pulledResult.Dispose();

        using var assembler = new ChatCompletionAssembler(publishUpdates: true);
        foreach (string chunk in Chunks)
        {
            assembler.AppendChunk(Utf8(chunk));
        }

        assembler.AppendChunk("[DONE]"u8);
        ChatCompletionResult result = assembler.Complete();
        var pushed = new List<Seen>();
        await foreach (ChatUpdate update in assembler.Updates.ReadAllAsync())
        {
            pushed.Add(Copy(update)); // detached: valid after later updates were produced
        }

        Assert.Equal(pulled, pushed);
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        Assert.Same(result, assembler.Result);
    }

    [Fact]
    public async Task PushApiEventsMatchTheStreamReader()
    {
        using var assembler = new ChatCompletionAssembler(publishUpdates: true);
        assembler.AppendEvent("message", Utf8(Chunks[1]));
        assembler.AppendEvent("ping", Utf8("{\"ignored\":true}"));
        assembler.AppendEvent("message", ReadOnlySpan<byte>.Empty);
        assembler.AppendEvent("error", Utf8("plain text"));
        assembler.AppendEvent("message", Utf8(Chunks[2])); // after the error: ignored
        ChatCompletionResult result = assembler.Complete();
        var kinds = new List<ChatUpdateKind>();
        await foreach (ChatUpdate update in assembler.Updates.ReadAllAsync())
        {
            kinds.Add(update.Kind);
        }

        Assert.Equal([ChatUpdateKind.ContentDelta, ChatUpdateKind.ProviderError, ChatUpdateKind.End], kinds);
        Assert.Equal("Hel", result.Choices[0].Content);
        Assert.Equal("\"plain text\"", Encoding.UTF8.GetString(result.ErrorJson.Span));
    }

    [Fact]
    public void PushApiWithoutUpdatesRefusesTheChannel()
    {
        using var assembler = new ChatCompletionAssembler();
        Assert.Throws<InvalidOperationException>(() => assembler.Updates);
    }
}

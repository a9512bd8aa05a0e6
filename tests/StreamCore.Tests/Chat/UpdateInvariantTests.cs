using System.Collections.Generic;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StreamCore.Chat;
using StreamCore.Tests.TestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>
/// The updates announce exactly what the result holds, on every corpus stream: each choice's content
/// and reasoning, each tool call's arguments (the legacy <c>function_call</c> included) are the
/// concatenation of their announced fragments, and the last finish reason and usage announced are the result's.
/// </summary>
public class UpdateInvariantTests
{
    public static TheoryData<string> Corpus() => ChatTestSupport.CorpusTheory();

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task UpdatesAnnounceExactlyWhatTheResultHolds(string file)
    {
        byte[] bytes = ChatTestSupport.ReadCorpus(file);
        var content = new Dictionary<int, StringBuilder>();
        var reasoning = new Dictionary<int, StringBuilder>();
        var arguments = new Dictionary<ChatToolCall, StringBuilder>(ReferenceEqualityComparer.Instance);
        var started = new HashSet<ChatToolCall>(ReferenceEqualityComparer.Instance);
        var completed = new HashSet<ChatToolCall>(ReferenceEqualityComparer.Instance);
        var finish = new Dictionary<int, string?>();
        string? usage = null;
        ChatCompletionResult? result = null;
        try
        {
            await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(PipeReader.Create(new System.Buffers.ReadOnlySequence<byte>(bytes))))
            {
                result = update.Completion;
                switch (update.Kind)
                {
                    case ChatUpdateKind.ContentDelta:
                        Append(content, update.ChoiceIndex, update);
                        break;
                    case ChatUpdateKind.ReasoningDelta:
                        Append(reasoning, update.ChoiceIndex, update);
                        break;
                    case ChatUpdateKind.ToolCallStarted:
                        Assert.True(started.Add(update.ToolCall!), "a call starts once");
                        break;
                    case ChatUpdateKind.ToolCallArgumentsDelta:
                        Assert.Contains(update.ToolCall!, started);
                        Assert.DoesNotContain(update.ToolCall!, completed);
                        (arguments.TryGetValue(update.ToolCall!, out StringBuilder? text) ? text : arguments[update.ToolCall!] = new StringBuilder()).Append(update.GetText());
                        break;
                    case ChatUpdateKind.ToolCallCompleted:
                        Assert.True(completed.Add(update.ToolCall!), "a call completes once");
                        break;
                    case ChatUpdateKind.ChoiceFinished:
                        finish[update.ChoiceIndex] = update.FinishReason;
                        break;
                    case ChatUpdateKind.Usage:
                        usage = Encoding.UTF8.GetString(update.Json.Span);
                        break;
                }
            }
        }
        catch (ChatStreamFormatException e)
        {
            result = e.PartialResult;
        }

        using (result)
        {
            Assert.NotNull(result);
            foreach (ChatChoice choice in result.Choices)
            {
                Assert.Equal(choice.Content ?? string.Empty, content.GetValueOrDefault(choice.Index)?.ToString() ?? string.Empty);
                Assert.Equal(choice.Reasoning ?? string.Empty, reasoning.GetValueOrDefault(choice.Index)?.ToString() ?? string.Empty);
                Assert.Equal(choice.FinishReason, finish.GetValueOrDefault(choice.Index));
                IEnumerable<ChatToolCall> calls = choice.FunctionCall is null ? choice.ToolCalls : choice.ToolCalls.Append(choice.FunctionCall);
                foreach (ChatToolCall call in calls)
                {
                    Assert.Contains(call, started);
                    Assert.Equal(call.Arguments, arguments.GetValueOrDefault(call)?.ToString() ?? string.Empty);
                    Assert.Equal(result.Status != ChatStreamStatus.Failed || result.HasProviderError, completed.Contains(call));
                }
            }

            Assert.Equal(result.UsageJson.IsEmpty ? null : Encoding.UTF8.GetString(result.UsageJson.Span), usage);
        }
    }

    [Fact]
    public async Task ThinkingAndTextPartsAnnounceReasoningAndContent()
    {
        List<ChatUpdate> updates = await CollectAsync(ChatTestSupport.ReadCorpus("mistral-magistral-thinking-1.sse"));
        Assert.Equal(
            ["The user is asking", " for 2+2. This is basic arithmetic. 2+2=4."],
            updates.Where(u => u.Kind == ChatUpdateKind.ReasoningDelta).Select(u => u.GetText()));
        Assert.Equal(["2 + 2 = 4"], updates.Where(u => u.Kind == ChatUpdateKind.ContentDelta).Select(u => u.GetText()));
        ChatChoice choice = updates[^1].Completion.Choices[0];
        Assert.Equal("The user is asking for 2+2. This is basic arithmetic. 2+2=4.", choice.Reasoning);
        Assert.Equal("2 + 2 = 4", choice.Content);
        Assert.Equal("2 + 2 = 4", updates[^1].Completion.Text);
        updates[^1].Completion.Dispose();
    }

    [Fact]
    public async Task LegacyFunctionCallAnnouncesAToolCall()
    {
        List<ChatUpdate> updates = await CollectAsync(Encoding.UTF8.GetBytes(ChatTestSupport.WithDone(
            """{"choices":[{"delta":{"role":"assistant","function_call":{"arguments":"","name":"get_weather"}}}]}""",
            """{"choices":[{"delta":{"function_call":{"arguments":"{\"city\":"}}}]}""",
            """{"choices":[{"delta":{"function_call":{"arguments":"\"Paris\"}"}}}]}""",
            """{"choices":[{"delta":{},"finish_reason":"function_call"}]}""")));
        Assert.Equal(
            [ChatUpdateKind.ToolCallStarted, ChatUpdateKind.ToolCallArgumentsDelta, ChatUpdateKind.ToolCallArgumentsDelta, ChatUpdateKind.ToolCallCompleted, ChatUpdateKind.ChoiceFinished, ChatUpdateKind.End],
            updates.Select(u => u.Kind));
        Assert.Equal("get_weather", updates[0].ToolCall!.Name);
        ChatCompletionResult result = updates[^1].Completion;
        using (result)
        {
            ToolCall call = Assert.Single(result.ToolCalls); // the normalized view has it
            Assert.Equal("get_weather", call.Name);
            Assert.Equal("{\"city\":\"Paris\"}", call.Arguments);
            Assert.Equal(Json.JsonTextStatus.Valid, call.ArgumentsStatus);
            Assert.Equal(StopKind.ToolCalls, result.StopKind);
            System.Text.Json.Nodes.JsonNode written = System.Text.Json.Nodes.JsonNode.Parse(result.ToJson())!["choices"]![0]!["message"]!["function_call"]!;
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse("""{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}"""), written));
        }
    }

    [Fact]
    public async Task EveryChangeOfFinishReasonIsAnnouncedAndTheLastIsTheResults()
    {
        List<ChatUpdate> updates = await CollectAsync(Encoding.UTF8.GetBytes(ChatTestSupport.Events(
            """{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"length"}]}""",
            """{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}""",
            """{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""")));
        Assert.Equal(["length", "stop"], updates.Where(u => u.Kind == ChatUpdateKind.ChoiceFinished).Select(u => u.FinishReason));
        using ChatCompletionResult result = updates[^1].Completion;
        Assert.Equal("stop", result.Choices[0].FinishReason);
        Assert.Equal(StopKind.Stop, result.StopKind);
    }

    private static void Append(Dictionary<int, StringBuilder> texts, int index, ChatUpdate update)
    {
        if (!texts.TryGetValue(index, out StringBuilder? text))
        {
            texts[index] = text = new StringBuilder();
        }

        if (update.IsReplacement)
        {
            text.Clear();
        }

        text.Append(update.GetText());
    }

    private static async Task<List<ChatUpdate>> CollectAsync(byte[] bytes)
    {
        var updates = new List<ChatUpdate>();
        await foreach (ChatUpdate update in ChatStream.ReadUpdatesAsync(PipeReader.Create(new System.Buffers.ReadOnlySequence<byte>(bytes))))
        {
            updates.Add(update.Detach());
        }

        return updates;
    }
}

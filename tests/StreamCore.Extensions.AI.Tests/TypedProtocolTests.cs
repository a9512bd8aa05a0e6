using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StreamCore.Extensions.AI.Tests.TestSupport;

namespace StreamCore.Extensions.AI.Tests;

/// <summary>What only the typed protocols bring: Responses' reasoning parts, created time and replacements; Aitronos' own tools and usage.</summary>
public class TypedProtocolTests
{
    private const string Created = """{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1765552659,"status":"in_progress","model":"gpt-x","output":[]}}""";

    private static (string, string) Completed(string output) => ("response.completed", $$$$"""{"type":"response.completed","sequence_number":99,"response":{"id":"resp_1","object":"response","created_at":1765552659,"status":"completed","model":"gpt-x","output":{{{{output}}}},"usage":{"input_tokens":7,"input_tokens_details":{"cached_tokens":2},"output_tokens":5,"output_tokens_details":{"reasoning_tokens":3},"total_tokens":12}}}""");

    [Fact]
    public async Task ResponsesReasoningPartsAreSeparatedAsTheResultJoinsThem()
    {
        byte[] stream = Fixtures.Named(
            ("response.created", Created),
            ("response.output_item.added", """{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}"""),
            ("response.reasoning_summary_text.delta", """{"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":0,"delta":"First"}"""),
            ("response.reasoning_summary_text.delta", """{"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":0,"delta":" thought."}"""),
            ("response.reasoning_summary_text.delta", """{"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":1,"delta":"Second."}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"Answer"}"""),
            Completed("null"));
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        Assert.Equal(["First", " thought.", "\n\nSecond."], updates.All<TextReasoningContent>().Select(r => r.Text));
        ChatResponse assembled = await Fixtures.AssembleAsync(stream);
        StreamResult result = (StreamResult)assembled.RawRepresentation!;
        Assert.Equal("First thought.\n\nSecond.", result.Reasoning);
        Assert.Equal(ChatResponseText.Write(assembled), ChatResponseText.Write(updates.ToChatResponse()));

        // The created time is the envelope's created_at (ResponsesResult has no CreatedAt of its own).
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1765552659), assembled.CreatedAt);
        Assert.Equal(("resp_1", "gpt-x"), (assembled.ResponseId, assembled.ModelId));
        Assert.Equal((7L, 2L, 5L, 3L, 12L), (assembled.Usage!.InputTokenCount, assembled.Usage.CachedInputTokenCount, assembled.Usage.OutputTokenCount, assembled.Usage.ReasoningTokenCount, assembled.Usage.TotalTokenCount));
        Assert.Equal(ChatFinishReason.Stop, assembled.FinishReason);
    }

    [Fact]
    public async Task AReplacementIsMarkedAndOnlyTheAssembledResponseHasTheFinalText()
    {
        // A .done whose text the deltas did not add up to: StreamCore's text is the .done value.
        byte[] stream = Fixtures.Named(
            ("response.created", Created),
            ("response.output_text.delta", """{"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"Helo"}"""),
            ("response.output_text.done", """{"type":"response.output_text.done","output_index":0,"content_index":0,"text":"Hello"}"""),
            Completed("null"));
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        ChatResponseUpdate[] texts = [.. updates.Where(u => u.Contents.OfType<TextContent>().Any())];
        Assert.Equal(["Helo", "Hello"], texts.Select(u => u.Text));
        Assert.Null(texts[0].AdditionalProperties);
        Assert.Equal(true, texts[1].AdditionalProperties![StreamCoreChat.ReplacesPropertyName]);

        // A consumer that follows the mark holds the final text; MEAI's join cannot take text back.
        string followed = string.Empty;
        foreach (ChatResponseUpdate update in texts)
        {
            followed = (update.AdditionalProperties?.ContainsKey(StreamCoreChat.ReplacesPropertyName) == true ? string.Empty : followed) + update.Text;
        }

        Assert.Equal("Hello", followed);
        Assert.Equal("Hello", (await Fixtures.AssembleAsync(stream)).Text);
        ChatResponse joined = updates.ToChatResponse();
        Assert.Equal("HeloHello", joined.Text);
        Assert.Equal(true, joined.Messages[0].AdditionalProperties![StreamCoreChat.ReplacesPropertyName]);
    }

    [Fact]
    public async Task AResponsesFunctionCallGoesOutAtItsDoneWithCallId()
    {
        byte[] stream = Fixtures.Named(
            ("response.created", Created),
            ("response.output_item.added", """{"type":"response.output_item.added","output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_9","name":"calc","arguments":""}}"""),
            ("response.function_call_arguments.delta", """{"type":"response.function_call_arguments.delta","output_index":0,"item_id":"fc_1","delta":"{\"a\":"}"""),
            ("response.function_call_arguments.done", """{"type":"response.function_call_arguments.done","output_index":0,"item_id":"fc_1","arguments":"{\"a\":1}"}"""),
            ("response.output_item.done", """{"type":"response.output_item.done","output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_9","name":"calc","arguments":"{\"a\":1}","status":"completed"}}"""),
            Completed("null"));
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        FunctionCallContent call = Assert.IsType<FunctionCallContent>(Assert.Single(updates[0].Contents));
        Assert.Equal(("call_9", "calc", 1), (call.CallId, call.Name, ((JsonElement)call.Arguments!["a"]!).GetInt32()));
        Assert.Single(updates.All<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
    }

    [Fact]
    public async Task TextAfterACompletedCallFollowsItInTheJoinedMessage()
    {
        // The one known difference between the two paths (no corpus stream has it): a call goes out
        // when its item completes, so text that comes after it follows it in ToChatResponse's
        // message, while the assembled response lists text before calls. The same contents either way.
        byte[] stream = Fixtures.Named(
            ("response.created", Created),
            ("response.output_item.added", """{"type":"response.output_item.added","output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_9","name":"calc","arguments":""}}"""),
            ("response.function_call_arguments.done", """{"type":"response.function_call_arguments.done","output_index":0,"item_id":"fc_1","arguments":"{}"}"""),
            ("response.output_item.done", """{"type":"response.output_item.done","output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_9","name":"calc","arguments":"{}","status":"completed"}}"""),
            ("response.output_text.delta", """{"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"Done."}"""),
            Completed("null"));
        IList<AIContent> joined = (await Fixtures.UpdatesAsync(stream)).ToChatResponse().Messages[0].Contents;
        IList<AIContent> assembled = (await Fixtures.AssembleAsync(stream)).Messages[0].Contents;
        Assert.Equal([typeof(FunctionCallContent), typeof(TextContent)], joined.Select(c => c.GetType()));
        Assert.Equal([typeof(TextContent), typeof(FunctionCallContent)], assembled.Select(c => c.GetType()));
    }

    [Fact]
    public async Task AitronosToolCallsAreInformationalAndItsUsageKeepsItsOwnCounts()
    {
        // seed-streams.md E3 (the previous generation) with the completed event's usage.
        byte[] stream = Encoding.UTF8.GetBytes(string.Concat(new[]
        {
            """{"event":"response.created","status":"in_progress","thread_id":"thread_xyz789"}""",
            """{"event":"reasoning.content","content":"I should call get_weather."}""",
            """{"event":"response.block","block":{"type":"tool_call","tool_name":"get_weather","arguments":{"city":"Paris"},"success":true}}""",
            """{"event":"response.content_delta","delta":"Sunny"}""",
            """{"event":"response.completed","status":"completed","response_id":"resp_abc123","response":"Sunny","usage":{"inputNeurons":12,"outputSynapses":156}}""",
        }.Select(data => $"data: {data}\n\n")) + "data: [DONE]\n\n");
        List<ChatResponseUpdate> updates = await Fixtures.UpdatesAsync(stream);
        ChatResponse assembled = await Fixtures.AssembleAsync(stream);
        Assert.Equal(StreamProtocol.Aitronos, ((StreamResult)assembled.RawRepresentation!).Protocol);
        FunctionCallContent call = Assert.Single(assembled.Messages[0].Contents.OfType<FunctionCallContent>());
        Assert.True(call.InformationalOnly); // Aitronos ran it: no function-invoking client runs it again
        Assert.Equal(("get_weather", "Paris"), (call.Name, ((JsonElement)call.Arguments!["city"]!).GetString()));
        Assert.Equal(new Dictionary<string, long> { ["inputNeurons"] = 12, ["outputSynapses"] = 156 }, assembled.Usage!.AdditionalCounts!);
        Assert.Null(assembled.Usage.InputTokenCount);
        Assert.Equal(("Sunny", "resp_abc123"), (assembled.Text, assembled.ResponseId));
        Assert.Equal("I should call get_weather.", Assert.IsType<TextReasoningContent>(assembled.Messages[0].Contents[0]).Text);
        Assert.Equal(ChatResponseText.Write(assembled), ChatResponseText.Write(updates.ToChatResponse()));
    }
}

using System;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamCore.Chat;
using StreamCore.Json;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>Assembly rules section 7: which call a fragment belongs to, and how a call's members merge.</summary>
public class ToolCallRulesTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Fragment(string toolCall) => $$$"""{"choices":[{"index":0,"delta":{"tool_calls":[{{{toolCall}}}]}}]}""";

    private static (string? Id, string? Name, string Arguments)[] Calls(ChatCompletionResult result)
        => result.Choices[0].ToolCalls.Select(c => (c.Id, c.Name, c.Arguments)).ToArray();

    private static JsonArray ToolCallsJson(ChatCompletionResult result)
        => JsonNode.Parse(result.ToJson())!["choices"]![0]!["message"]!["tool_calls"]!.AsArray();

    [Fact]
    public void Rule1_ASeenIdAddressesItsCallWhateverTheIndex()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"index":0,"id":"call_a","type":"function","function":{"name":"fa","arguments":"{\"x\":"}}"""),
            Fragment("""{"index":1,"id":"call_b","type":"function","function":{"name":"fb","arguments":"{\"y\":"}}"""),
            Fragment("""{"index":7,"id":"call_a","function":{"arguments":"1}"}}"""),
            Fragment("""{"id":"call_b","function":{"arguments":"2}"}}""")));
        Assert.Equal([("call_a", "fa", "{\"x\":1}"), ("call_b", "fb", "{\"y\":2}")], Calls(result));
    }

    [Fact]
    public void Rule2_NewIdWithNameStartsANewCallEvenWithAReusedIndex()
    {
        // Copilot's Claude proxy: two sequential calls, both index 0, told apart only by the new id.
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"index":0,"id":"tooluse_1","type":"function","function":{"name":"edit_file"}}"""),
            Fragment("""{"index":0,"type":"function","function":{"arguments":""}}"""),
            Fragment("""{"index":0,"type":"function","function":{"arguments":"{\"a\":1}"}}"""),
            Fragment("""{"index":0,"id":"tooluse_2","type":"function","function":{"name":"edit_file"}}"""),
            Fragment("""{"index":0,"type":"function","function":{"arguments":"{\"b\":2}"}}""")));
        Assert.Equal([("tooluse_1", "edit_file", "{\"a\":1}"), ("tooluse_2", "edit_file", "{\"b\":2}")], Calls(result));
    }

    [Fact]
    public void Rule2_NewIdWhereNoCallHasItsIndexStartsANewCall()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"index":0,"id":"c0","function":{"name":"f","arguments":"[0"}}"""),
            Fragment("""{"index":1,"id":"c1","function":{"arguments":"[1"}}"""),
            Fragment("""{"index":0,"function":{"arguments":"]"}}"""),
            Fragment("""{"index":1,"function":{"arguments":"]"}}""")));
        Assert.Equal([("c0", "f", "[0]"), ("c1", null, "[1]")], Calls(result));
    }

    [Fact]
    public void Rule3_NewIdWithoutNameOnAnIndexInUseGoesToThatIndexsCall()
    {
        // A new id alone (no name) where a call already has the index: a continuation; the first id stays.
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"index":0,"id":"c0","function":{"name":"f","arguments":"{"}}"""),
            Fragment("""{"index":0,"id":"c0-again","function":{"arguments":"}"}}""")));
        Assert.Equal([("c0", "f", "{}")], Calls(result));
    }

    [Fact]
    public void Rule3_IndexAddressesTheCallMostRecentlyGivenIt()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"index":0,"id":"first","function":{"name":"f","arguments":"a"}}"""),
            Fragment("""{"index":0,"id":"second","function":{"name":"g","arguments":"b"}}"""),
            Fragment("""{"index":0,"function":{"arguments":"c"}}"""),
            Fragment("""{"index":1,"id":"third","function":{"name":"h","arguments":"x"}}"""),
            Fragment("""{"index":1,"id":"first","function":{"arguments":"d"}}"""),
            Fragment("""{"index":1,"function":{"arguments":"e"}}"""),
            Fragment("""{"index":0,"function":{"arguments":"f"}}""")));

        // Index 0 went to "first", then "second"; index 1 to "third", then "first" (re-addressed by its id).
        Assert.Equal([("first", "f", "ade"), ("second", "g", "bcf"), ("third", "h", "x")], Calls(result));
    }

    [Fact]
    public void Rule3_AlibabaEmptyIdOnContinuationsNeverOverwrites()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"function":{"arguments":"","name":"get_weather"},"index":0,"id":"call_7d3","type":"function"}"""),
            Fragment("""{"function":{"arguments":"{\"loc"},"index":0,"id":"","type":"function"}"""),
            Fragment("""{"function":{"arguments":"ation\": \"Paris\"}"},"index":0,"id":"","type":"function"}""")));
        Assert.Equal([("call_7d3", "get_weather", "{\"location\": \"Paris\"}")], Calls(result));
        Assert.Equal("call_7d3", (string?)ToolCallsJson(result)[0]!["id"]);
    }

    [Fact]
    public void Rule4_NoIdNoIndexGoesToTheMostRecentCallOrStartsOne()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"function":{"name":"first","arguments":"{\"a\""}}"""),
            Fragment("""{"function":{"arguments":":1}"}}"""),
            Fragment("""{"id":"x2","function":{"name":"second","arguments":"{}"}}"""),
            Fragment("""{"function":{"arguments":" "}}""")));
        Assert.Equal([(null, "first", "{\"a\":1}"), ("x2", "second", "{} ")], Calls(result));
    }

    [Fact]
    public void MistralCallsWithoutIndexOrTypeEachStartAFreshCall()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            """{"choices":[{"index":0,"delta":{"content":"","tool_calls":[{"id":"Abc123xyz","function":{"name":"weather","arguments":"{\"location\": \"London\"}"}},{"id":"Def456uvw","function":{"name":"time","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"""));
        Assert.Equal([("Abc123xyz", "weather", "{\"location\": \"London\"}"), ("Def456uvw", "time", "{}")], Calls(result));
        Assert.All(result.Choices[0].ToolCalls, c => Assert.Equal("function", c.Type));
    }

    [Fact]
    public void IdTypeAndNameAreFirstNonEmptyAndArgumentsConcatenated()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"index":0,"id":"","type":"","function":{"name":"","arguments":"{\"q\": "}}"""),
            Fragment("""{"index":0,"id":"call_9","type":"custom","function":{"arguments":"\"cats"}}"""),
            Fragment("""{"index":0,"id":"call_9","type":"other","function":{"name":"search","arguments":"\"}"}}"""),
            Fragment("""{"index":0,"function":{"name":"search"}}""")));
        ChatToolCall call = Assert.Single(result.Choices[0].ToolCalls);
        Assert.Equal("call_9", call.Id);
        Assert.Equal("custom", call.Type);
        Assert.Equal("search", call.Name); // not "searchsearch"
        Assert.Equal("{\"q\": \"cats\"}", call.Arguments);
        Assert.Equal(JsonTextStatus.Valid, call.ArgumentsStatus);
    }

    [Fact]
    public void TypeDefaultsToFunctionAndCallsCarryNoIndex()
    {
        using ChatCompletionResult result = Assemble(WithDone(Fragment("""{"index":3,"id":"c","function":{"name":"f","arguments":"{}"}}""")));
        Assert.Equal("""[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]""", ToolCallsJson(result).ToJsonString(Relaxed));
    }

    [Fact]
    public void ArgumentsArrivingAsJsonAreTakenAsTheirJsonText()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"index":0,"id":"o","function":{"name":"f","arguments":{"city":"Tōkyō","tags":["a\"b"],"n":12345678901234567890}}}"""),
            Fragment("""{"index":1,"id":"a","function":{"name":"g","arguments":[1, 2]}}""")));
        Assert.Equal("{\"city\":\"Tōkyō\",\"tags\":[\"a\\\"b\"],\"n\":12345678901234567890}", result.Choices[0].ToolCalls[0].Arguments);
        Assert.Equal("[1, 2]", result.Choices[0].ToolCalls[1].Arguments);
        Assert.All(result.Choices[0].ToolCalls, c => Assert.Equal(JsonTextStatus.Valid, c.ArgumentsStatus));
        JsonArray calls = ToolCallsJson(result);
        Assert.Equal("Tōkyō", (string?)JsonNode.Parse((string)calls[0]!["function"]!["arguments"]!)!["city"]);
    }

    [Fact]
    public void FunctionIsPresentOnlyWhenAFragmentHadOne()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"index":0,"id":"ws_1","type":"web_search","web_search":{"query":"q"}}"""),
            Fragment("""{"index":1,"id":"fn_1","type":"function"}"""),
            Fragment("""{"index":1,"function":{"arguments":"{}"}}""")));
        JsonArray calls = ToolCallsJson(result);
        Assert.Equal("""{"id":"ws_1","type":"web_search","web_search":{"query":"q"}}""", calls[0]!.ToJsonString(Relaxed));
        Assert.Equal("""{"id":"fn_1","type":"function","function":{"name":null,"arguments":"{}"}}""", calls[1]!.ToJsonString(Relaxed));
    }

    [Fact]
    public void OtherMembersOfACallAndItsFunctionAreKeptLastNonNull()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            Fragment("""{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":"","strict":false},"cache_control":{"type":"ephemeral"}}"""),
            Fragment("""{"index":0,"function":{"arguments":"{}","strict":true},"cache_control":null,"extra":7}""")));
        Assert.Equal(
            """{"id":"c","type":"function","function":{"name":"f","arguments":"{}","strict":true},"cache_control":{"type":"ephemeral"},"extra":7}""",
            ToolCallsJson(result)[0]!.ToJsonString(Relaxed));
    }

    [Fact]
    public void CallsAreListedInOrderOfFirstAppearancePerChoice()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            """{"choices":[{"index":1,"delta":{"tool_calls":[{"index":1,"id":"b1","function":{"name":"x","arguments":"1"}}]}}]}""",
            """{"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"b0","function":{"name":"y","arguments":"0"}}]}},{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a0","function":{"name":"z","arguments":"2"}}]}}]}"""));
        Assert.Equal(["a0"], result.Choices[0].ToolCalls.Select(c => c.Id));
        Assert.Equal(["b1", "b0"], result.Choices[1].ToolCalls.Select(c => c.Id));
        Assert.Equal([0, 1], result.Choices[1].ToolCalls.Select(c => c.Position));
    }

    [Fact]
    public void ToolCallsAreCompletedWhenTheChoiceFinishesOrTheStreamEnds()
    {
        using ChatCompletionResult finished = Assemble(Events(Fragment("""{"index":0,"id":"c","function":{"name":"f","arguments":"{\"a\":"}}"""), """{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"""));
        Assert.True(finished.Choices[0].ToolCalls[0].IsCompleted);
        Assert.Equal(JsonTextStatus.Incomplete, finished.Choices[0].ToolCalls[0].ArgumentsStatus);
        Assert.Equal(ChatStreamStatus.Complete, finished.Status);

        using ChatCompletionResult cut = Assemble(Events(Fragment("""{"index":0,"id":"c","function":{"name":"f","arguments":"{\"a\":"}}""")));
        Assert.Equal(ChatStreamStatus.Incomplete, cut.Status);
        Assert.True(cut.Choices[0].ToolCalls[0].IsCompleted);
        Assert.Equal("{\"a\":null}", cut.Choices[0].ToolCalls[0].GetArgumentsPreview());
    }
}

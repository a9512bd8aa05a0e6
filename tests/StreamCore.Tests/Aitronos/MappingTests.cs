using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using StreamCore.Aitronos;
using StreamCore.Json;
using static StreamCore.Tests.Aitronos.AitronosTestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>Each row of the mapping table of <c>typed-protocols.md</c>, section 3, and the lifecycle rule, one rule per test.</summary>
public class MappingTests
{
    private static JsonObject Message(JsonObject response) => response["choices"]![0]!["message"]!.AsObject();

    [Fact]
    public void IdIsTheFirstNonEmptyResponseId()
    {
        JsonObject response = AssembleNode(Data(
            """{"event":"response.created","thread_id":"t"}""",
            """{"event":"response.content_delta","delta":"x","response_id":""}""",
            """{"event":"response.completed","response_id":"resp_1"}""",
            """{"event":"response.completed","response_id":"resp_2"}"""));
        Assert.Equal("resp_1", (string?)response["id"]);
    }

    [Fact]
    public void IdOfTheOldestGenerationIsTheIdOfResponseCreatedOnly()
    {
        using AitronosResult result = Assemble(Named(
            ("response.created", """{"id":"resp_old","status":"in_progress"}"""),
            ("response.output_item.added", """{"index":0,"item":{"type":"message","id":"item_1"}}"""),
            ("response.completed", """{"status":"completed","response_id":"resp_new"}""")));
        Assert.Equal("resp_old", result.Id); // first non-empty, in arrival order
        AssertJson(
            """{"id":"resp_old","object":"response","createdAt":null,"model":null,"choices":[{"index":0,"message":{"role":"assistant","content":null},"finishReason":"stop","logprobs":null}],"usage":null,"organizationId":null,"threadId":null}""",
            result.ToJson());
    }

    [Fact]
    public void AnIdOnAnyOtherEventIsNotTheResponsesId()
    {
        JsonObject response = AssembleNode(Data("""{"event":"response.context","id":"ctx_1","org_name":"A"}"""));
        Assert.Null(response["id"]);
        Assert.Equal("A", (string?)response["org_name"]);
    }

    [Fact]
    public void ObjectIsAlwaysResponseAndNeverWrittenTwice()
    {
        string json;
        using (AitronosResult result = Assemble(Data("""{"event":"response.created","object":"chat.completion","choices":[1],"threadId":"x","organizationId":"y"}""")))
        {
            json = result.ToJson();
        }

        Assert.Equal(1, CountOccurrences(json, "\"object\""));
        Assert.Equal(1, CountOccurrences(json, "\"choices\""));
        Assert.Equal(1, CountOccurrences(json, "\"threadId\""));
        Assert.Equal(1, CountOccurrences(json, "\"organizationId\""));
        JsonObject response = (JsonObject)JsonNode.Parse(json)!;
        Assert.Equal("response", (string?)response["object"]);
        Assert.Null(response["threadId"]); // only thread_id sets it
    }

    [Fact]
    public void CreatedAtAndModelAreNullUnlessAMemberOfThatNameArrives()
    {
        JsonObject absent = AssembleNode(Data("""{"event":"response.content_delta","delta":"x","created_at":5}"""));
        Assert.Null(absent["createdAt"]);
        Assert.Null(absent["model"]);
        Assert.Equal(5, (int?)absent["created_at"]); // another name: kept under it, among the rest

        using AitronosResult result = Assemble(Data(
            """{"event":"response.created","model":"gpt-4o","createdAt":1728057600}""",
            """{"event":"response.content_delta","delta":"x","model":null}""",
            """{"event":"response.completed","model":"gpt-4o-mini"}"""));
        JsonObject present = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal(1728057600, (long?)present["createdAt"]);
        Assert.Equal("gpt-4o-mini", (string?)present["model"]); // last non-null
        Assert.Equal("gpt-4o-mini", result.Model);
        Assert.Equal(1728057600, result.CreatedAtSeconds);
        Assert.Equal(System.DateTimeOffset.FromUnixTimeSeconds(1728057600), result.CreatedAt);
        Assert.False(present.ContainsKey("created_at"));
    }

    [Fact]
    public void ContentIsTheDeltasOfEitherSpellingJoined()
    {
        using AitronosResult current = Assemble(Data(
            """{"event":"response.content_delta","delta":"a\"b"}""",
            """{"event":"response.content_delta","delta":""}""",
            """{"event":"response.content_delta","delta":null}""",
            """{"event":"response.content_delta","delta":"\u00e9\n"}"""));
        Assert.Equal("a\"b\u00e9\n", current.Text);

        using AitronosResult oldest = Assemble(Named(
            ("response.output_text.delta", """{"index":0,"delta":"x"}"""),
            ("response.output_text.delta", """{"index":7,"delta":"y"}""")));
        Assert.Equal("xy", oldest.Text); // one message: the index places nothing
    }

    [Fact]
    public void ContentIsNullUntilSomethingArrivesAndEmptyWhenOnlyEmptyDeltasDid()
    {
        Assert.Null(Message(AssembleNode(Data("""{"event":"response.created","thread_id":"t"}""")))["content"]);
        Assert.Equal(string.Empty, (string?)Message(AssembleNode(Data("""{"event":"response.content_delta","delta":""}""")))["content"]);
    }

    [Fact]
    public void FullTextOfResponseCompletedReplacesTheDeltas()
    {
        using AitronosResult result = Assemble(Data(
            """{"event":"response.content_delta","delta":"Helo wrld"}""",
            """{"event":"response.completed","status":"completed","response":"Hello world"}"""));
        Assert.Equal("Hello world", result.Text);
    }

    [Fact]
    public void CompletedWithoutAFullTextKeepsTheDeltas()
    {
        using AitronosResult result = Assemble(Data(
            """{"event":"response.content_delta","delta":"kept"}""",
            """{"event":"response.completed","status":"completed","response":null}"""));
        Assert.Equal("kept", result.Text);
    }

    [Fact]
    public void ReasoningIsTheDeltasOfEitherSpellingJoinedAndReasoningContentReplacesThem()
    {
        using AitronosResult current = Assemble(Data(
            """{"event":"response.reasoning.started"}""",
            """{"event":"response.reasoning.delta","delta":"one "}""",
            """{"event":"response.reasoning.delta","delta":"two"}""",
            """{"event":"response.reasoning.completed"}"""));
        Assert.Equal("one two", current.Reasoning);
        Assert.Null(current.Text);

        using AitronosResult previous = Assemble(Data(
            """{"event":"reasoning.started"}""",
            """{"event":"reasoning.content","content":"draft"}""",
            """{"event":"reasoning.completed"}""",
            """{"event":"response.completed","reasoning_content":"final reasoning"}"""));
        Assert.Equal("final reasoning", previous.Reasoning);
        Assert.Equal("final reasoning", (string?)Message((JsonObject)JsonNode.Parse(previous.ToJson())!)["reasoningContent"]);
    }

    [Fact]
    public void ReasoningContentIsAbsentFromTheMessageWhenNoneArrived()
    {
        JsonObject message = Message(AssembleNode(Data("""{"event":"response.content_delta","delta":"x"}""")));
        Assert.False(message.ContainsKey("reasoningContent"));
        Assert.False(message.ContainsKey("toolCalls"));
        Assert.False(message.ContainsKey("refusal"));
    }

    [Fact]
    public void ToolCallArgumentsArgumentsWinOverToolArgumentsAndStringsAreTheirText()
    {
        using AitronosResult result = Assemble(Data(
            """{"event":"response.block","block":{"type":"tool_call","tool_name":"a","arguments":{"x":1},"tool_arguments":{"y":2}}}""",
            """{"event":"response.block","block":{"type":"tool_call","tool_name":"b","arguments":null,"tool_arguments":[1, 2]}}""",
            """{"event":"response.block","block":{"type":"tool_call","tool_name":"c","arguments":"{\"s\":\"\\u00e9\"}"}}""",
            """{"event":"response.block","block":{"type":"tool_call","tool_name":"d","arguments":"{\"cut\":"}}"""));
        Assert.Equal(["a", "b", "c", "d"], result.ToolCalls.Select(c => c.Name));
        Assert.Equal("""{"x":1}""", result.ToolCalls[0].Arguments);
        Assert.Equal("[1, 2]", result.ToolCalls[1].Arguments); // verbatim JSON text
        Assert.Equal("{\"s\":\"\\u00e9\"}", result.ToolCalls[2].Arguments);
        Assert.Equal("{\"cut\":", result.ToolCalls[3].Arguments);
        Assert.Equal(JsonTextStatus.Valid, result.ToolCalls[2].ArgumentsStatus);
        Assert.Equal(JsonTextStatus.Incomplete, result.ToolCalls[3].ArgumentsStatus);
        Assert.All(result.ToolCalls, c => Assert.True(c.IsCompleted));
        Assert.Equal([0, 1, 2, 3], result.ToolCalls.Select(c => c.Position));
    }

    [Fact]
    public void OnlyToolCallBlocksAreToolCalls()
    {
        using AitronosResult result = Assemble(Data(
            """{"event":"response.block","block":{"type":"text","content":"t","tool_name":"x"}}""",
            """{"event":"response.tool.done","type":"tool_result","tool_name":"x","tool_result":"r"}""",
            """{"event":"response.tool.done","tool_name":"untyped","arguments":{}}""",
            """{"event":"response.tool.started","type":"tool_call","tool_name":"started_is_lifecycle"}""",
            """{"event":"response.block","block":{"type":"tool_call","tool_name":"yes"}}"""));
        Assert.Equal("yes", Assert.Single(result.ToolCalls).Name);
    }

    [Fact]
    public void ResponseBlocksToolCallsAreTheFinalList()
    {
        using AitronosResult result = Assemble(AitronosFixtures.ResponseBlocks);
        Assert.Equal(["get_weather", "get_date"], result.ToolCalls.Select(c => c.Name));
        Assert.Equal([0, 1], result.ToolCalls.Select(c => c.Position));
        Assert.Equal("{}", result.ToolCalls[1].Arguments);
        Assert.StartsWith("[{\"type\":\"tool_call\"", Encoding.UTF8.GetString(result.GetMemberJson("response_blocks").Span), System.StringComparison.Ordinal);
    }

    [Fact]
    public void ResponseBlocksWithoutToolCallsLeaveNoneAndOnesThatMatchChangeNothing()
    {
        using AitronosResult emptied = Assemble(Data(
            """{"event":"response.block","block":{"type":"tool_call","tool_name":"a","arguments":{}}}""",
            """{"event":"response.completed","response_blocks":[{"type":"text","content":"only text"}]}"""));
        Assert.Empty(emptied.ToolCalls); // "the final list"

        using AitronosResult same = Assemble(Data(
            """{"event":"response.block","block":{"type":"tool_call","id":"c1","tool_name":"a","arguments":{"k":"v"}}}""",
            """{"event":"response.completed","response_blocks":[{"type":"tool_call","id":"c1","tool_name":"a","tool_arguments":{"k":"v"}}]}"""));
        ToolCall call = Assert.Single(same.ToolCalls);
        Assert.Equal("c1", call.Id);

        using AitronosResult nulled = Assemble(Data(
            """{"event":"response.block","block":{"type":"tool_call","tool_name":"a"}}""",
            """{"event":"response.completed","response_blocks":null}"""));
        Assert.Single(nulled.ToolCalls); // null: nothing arrived
    }

    [Fact]
    public void FinishReasonIsStopOnResponseCompletedOnly()
    {
        Assert.Equal("stop", (string?)AssembleNode(Data("""{"event":"response.completed"}"""))["choices"]![0]!["finishReason"]);
        Assert.Null(AssembleNode(Data("""{"event":"response.content_delta","delta":"x"}""") + Done)["choices"]![0]!["finishReason"]);
        Assert.Null(AssembleNode(AitronosFixtures.Cancelled)["choices"]![0]!["finishReason"]);
        Assert.Null(AssembleNode(AitronosFixtures.ErrorWithMessage)["choices"]![0]!["finishReason"]);
    }

    [Fact]
    public void UsageIsTheLastNonNullUsageOfAnyEventVerbatimAndCountsNoTokens()
    {
        using AitronosResult result = Assemble(Data(
            """{"event":"response.created","usage":{"inputNeurons":1}}""",
            """{"event":"response.content_delta","delta":"x","usage":null}""",
            """{"event":"response.completed","usage":{"inputNeurons":24, "outputSynapses":12345678901234567890,"input_tokens":7}}"""));
        JsonObject response = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal("""{"inputNeurons":24,"outputSynapses":12345678901234567890,"input_tokens":7}""", response["usage"]!.ToJsonString());
        Assert.Equal("""{"inputNeurons":24, "outputSynapses":12345678901234567890,"input_tokens":7}""", Encoding.UTF8.GetString(result.UsageJson.Span));
        Assert.True(result.Usage.IsEmpty); // "its counters stay empty", even for a member named like a token count
        Assert.Null(AssembleNode(Data("""{"event":"response.completed"}"""))["usage"]);
    }

    [Fact]
    public void ThreadIdAndOrganizationIdAreTheFirstNonEmpty()
    {
        using AitronosResult result = Assemble(Data(
            """{"event":"response.processing","thread_id":""}""",
            """{"event":"response.created","thread_id":"thrd_1","org_id":"org_1"}""",
            """{"event":"response.context","org_id":"org_2"}""",
            """{"event":"response.completed","thread_id":"thrd_2"}"""));
        Assert.Equal("thrd_1", result.ThreadId);
        Assert.Equal("org_1", result.OrganizationId);
        JsonObject response = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal("thrd_1", (string?)response["threadId"]);
        Assert.Equal("org_1", (string?)response["organizationId"]);
        Assert.False(response.ContainsKey("thread_id"));
        Assert.False(response.ContainsKey("org_id"));
    }

    [Fact]
    public void ErrorIsTheErrorMemberElseTheMessage()
    {
        Assert.Equal("""{"message":"Rate limit exceeded"}""", AssembleNode(AitronosFixtures.ErrorWithMessage)["error"]!.ToJsonString());
        Assert.Equal("""{"message":"Rate limit exceeded","code":"rate_limit"}""", AssembleNode(AitronosFixtures.ErrorObject)["error"]!.ToJsonString());
        Assert.Equal("""{"code":1}""", AssembleNode(Data("""{"event":"response.error","message":"ignored","error":{"code":1}}"""))["error"]!.ToJsonString());
        Assert.Equal("""{"message":null}""", AssembleNode(Data("""{"event":"response.error","status":"failed"}"""))["error"]!.ToJsonString());

        using AitronosResult result = Assemble(AitronosFixtures.ErrorWithMessage);
        Assert.True(result.HasProviderError);
        Assert.Equal("""{"message":"Rate limit exceeded"}""", Encoding.UTF8.GetString(result.ErrorJson.Span));
        Assert.Equal(StopKind.Error, result.StopKind);
        StreamProviderErrorException error = Assert.Throws<StreamProviderErrorException>(() => result.EnsureSuccess());
        Assert.Contains("Rate limit exceeded", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AnythingElseIsKeptLastNonNullVerbatimInOrderOfFirstAppearance()
    {
        JsonObject response = AssembleNode(Data(
            """{"event":"response.created","user_id":"u1","is_summarized":false,"assistant_id":null,"tools":{"used":["a"]}}""",
            """{"event":"response.context","timezone":"UTC","user_id":"u2","n":1.50}""",
            """{"event":"response.content_delta","delta":"x","timezone":null}""",
            """{"event":"response.completed","is_summarized":true,"assistant_id":"asst_1"}"""));
        Assert.Equal(
            ["id", "object", "createdAt", "model", "choices", "usage", "organizationId", "threadId", "user_id", "is_summarized", "assistant_id", "tools", "timezone", "n"],
            response.Select(m => m.Key));
        Assert.Equal("u2", (string?)response["user_id"]);
        Assert.True((bool?)response["is_summarized"]);
        Assert.Equal("asst_1", (string?)response["assistant_id"]);
        Assert.Equal("UTC", (string?)response["timezone"]); // a later null does not erase it
        Assert.Equal("1.50", response["n"]!.ToJsonString()); // numbers exactly as sent
        Assert.Equal("""{"used":["a"]}""", response["tools"]!.ToJsonString());
    }

    [Fact]
    public void AMemberThatOnlyCameAsNullIsKeptAsNull()
    {
        JsonObject response = AssembleNode(Data("""{"event":"response.created","assistant_id":null}"""));
        Assert.True(response.ContainsKey("assistant_id"));
        Assert.Null(response["assistant_id"]);
    }

    [Fact]
    public void BookkeepingAndTheMembersTheTableReadsAreNotCopied()
    {
        JsonObject response = AssembleNode(Data(
            """{"event":"response.processing","status":"processing","message":"setting up","kept_1":1}""",
            """{"event":"response.content_delta","delta":"d","content":"c","text":"t","index":3,"item":{"type":"message"},"block":{"type":"text"}}""",
            """{"event":"response.tool.started","tool_name":"t","arguments":{},"tool_arguments":{},"type":"tool_call","icon_url":"i"}""",
            """{"event":"response.completed","response":"r","reasoning_content":"rc","response_id":"id","thread_id":"th","org_id":"o","kept_2":2}"""));
        Assert.Equal(
            ["id", "object", "createdAt", "model", "choices", "usage", "organizationId", "threadId", "kept_1", "icon_url", "kept_2"],
            response.Select(m => m.Key));
    }

    [Fact]
    public void LifecycleEventsCarryMetadataOnly()
    {
        JsonObject response = AssembleNode(Data(
            """{"event":"response.processing","status":"processing","thread_id":"t","message":"m","delta":"not content"}""",
            """{"event":"response.created","status":"in_progress","thread_id":"t","delta":"not content","content":"no"}""",
            """{"event":"response.context","delta":"not content","text":"no"}""",
            """{"event":"response.output_item.added","index":0,"item":{"type":"message"},"delta":"not content"}""",
            """{"event":"response.tool.started","tool_name":"x","delta":"not content"}"""));
        Assert.Null(Message(response)["content"]);
        Assert.False(Message(response).ContainsKey("toolCalls"));
        Assert.Equal("t", (string?)response["threadId"]);
    }

    [Fact]
    public void HeartbeatsPingsCommentsAndEmptyDataAreKeepAlives()
    {
        string withKeepAlives = Data("""{"event":"response.content_delta","delta":"a"}""")
            + Data("""{"event":"response.heartbeat","ts":1,"thread_id":"not read"}""")
            + "event: response.heartbeat\ndata: {\"at\":2}\n\n"
            + "event: ping\ndata: not even JSON\n\n"
            + "event: keepalive\ndata: {}\n\n"
            + ": a comment\n\n"
            + "data: \n\n"
            + "data:    \n\n"
            + Data("""{"event":"response.content_delta","delta":"b"}""");
        Assert.Equal(
            AssembleNode(Data("""{"event":"response.content_delta","delta":"a"}""", """{"event":"response.content_delta","delta":"b"}""")).ToJsonString(),
            AssembleNode(withKeepAlives).ToJsonString());
    }

    [Fact]
    public void UnknownEventsChangeNothing()
    {
        JsonObject response = AssembleNode(Data(
            """{"event":"response.content_delta","delta":"a"}""",
            """{"event":"response.future_thing","delta":"b","usage":{"x":1},"extra":1,"response_id":"r"}""",
            """{"event":"thread.message.delta","response":"legacy"}""",
            """{"delta":"no name at all"}""")
            + "event: error\ndata: {\"error\":{\"message\":\"a relay's\"}}\n\n");
        Assert.Equal(
            AssembleNode(Data("""{"event":"response.content_delta","delta":"a"}""")).ToJsonString(),
            response.ToJsonString());
    }

    [Fact]
    public void RoleIsAssistantUnlessTheOldestGenerationsItemNamesOne()
    {
        using AitronosResult defaulted = Assemble(AitronosFixtures.E1);
        Assert.Equal("assistant", defaulted.Role);

        using AitronosResult named = Assemble(Named(
            ("response.output_item.added", """{"index":0,"item":{"type":"message","role":""}}"""),
            ("response.output_item.added", """{"index":0,"item":{"role":"model","type":"message"}}"""),
            ("response.output_item.added", """{"index":1,"item":{"type":"message","role":"other"}}""")));
        Assert.Equal("model", named.Role); // first non-empty
        Assert.Equal("model", (string?)Message((JsonObject)JsonNode.Parse(named.ToJson())!)["role"]);
    }

    [Fact]
    public void EventNameInTheDataWinsOverTheSseName()
    {
        using AitronosResult result = Assemble(
            "event: response.completed\ndata: {\"event\":\"response.content_delta\",\"delta\":\"x\"}\n\n"
            + "event: response.content_delta\ndata: {\"event\":\"response.\\u0063ompleted\"}\n\n");
        Assert.Equal("x", result.Text);
        Assert.Equal("stop", result.StopReason); // the escaped name in the data is read too
    }

    [Fact]
    public void TheProtocolCanBeForced()
    {
        // Detection would read this first event as a chat chunk; the option says Aitronos.
        using AitronosResult result = Assemble(
            Data("""{"delta":"unnamed"}""") + Named(("response.content_delta", """{"delta":"named"}""")),
            new StreamOptions { Protocol = StreamProtocol.Aitronos });
        Assert.Equal("named", result.Text);
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, System.StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, System.StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

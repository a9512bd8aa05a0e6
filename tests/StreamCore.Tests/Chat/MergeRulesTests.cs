using System;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>Assembly rules sections 3 to 6 and 9, each on a fixture written for it.</summary>
public class MergeRulesTests
{
    private static JsonObject Message(JsonObject result, int choice = 0) => result["choices"]![choice]!["message"]!.AsObject();

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Compact(JsonNode? node) => node?.ToJsonString(Relaxed) ?? "null";

    // ---- section 3: dialects ----

    [Fact]
    public void CamelCaseStreamIsWrittenInTheAitronosDialect()
    {
        string input = WithDone(
            """{"id":"resp_1","object":"response.chunk","createdAt":1728057600,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Par"},"finishReason":null}],"organizationId":"org_1","threadId":null,"metadata":{"k":"v"},"systemFingerprint":"fp_a","serviceTier":"default"}""",
            """{"id":"resp_1","createdAt":1728057600,"choices":[{"index":0,"delta":{"content":"is","toolCalls":[{"index":0,"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},"finishReason":"toolCalls"}]}""",
            """{"id":"resp_1","createdAt":1728057600,"choices":[],"usage":{"inputNeurons":24,"outputSynapses":38,"totalSynapses":62}}""");
        using ChatCompletionResult result = Assemble(input);
        Assert.Equal(ChatDialect.Aitronos, result.Dialect);
        Assert.Equal(
            """{"id":"resp_1","object":"response","createdAt":1728057600,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Paris","refusal":null,"toolCalls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},"logprobs":null,"finishReason":"toolCalls"}],"usage":{"inputNeurons":24,"outputSynapses":38,"totalSynapses":62},"systemFingerprint":"fp_a","serviceTier":"default","organizationId":"org_1","threadId":null,"metadata":{"k":"v"}}""",
            result.ToJson());
    }

    [Fact]
    public void SnakeCaseStreamIsWrittenInTheOpenAiDialect()
    {
        using ChatCompletionResult result = Assemble(WithDone("""{"id":"a","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","service_tier":"scale","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}"""));
        Assert.Equal(ChatDialect.OpenAI, result.Dialect);
        Assert.Equal(
            """{"id":"a","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":null,"content":"x","refusal":null},"logprobs":null,"finish_reason":"stop"}],"system_fingerprint":"fp","service_tier":"scale"}""",
            result.ToJson());
    }

    [Fact]
    public void DialectComesFromTheFirstChunkWithADialectMemberAndNamesMatchExactly()
    {
        // The first chunk names nothing dialect-specific ("CreatedAt" is not "createdAt"); the second is camelCase.
        using ChatCompletionResult result = Assemble(WithDone(
            """{"id":"a","CreatedAt":5,"choices":[{"delta":{"content":"x"}}]}""",
            """{"createdAt":9,"choices":[{"delta":{"content":"y"},"finishReason":"stop"}]}""",
            """{"created":7,"choices":[]}"""));
        Assert.Equal(ChatDialect.Aitronos, result.Dialect);
        JsonObject json = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal(9, (int)json["createdAt"]!);
        Assert.False(json.ContainsKey("created"));
        Assert.Equal(5, (int)json["CreatedAt"]!); // an unknown member, verbatim
        Assert.Equal("stop", (string?)json["choices"]![0]!["finishReason"]);
    }

    // ---- section 4: top level ----

    [Fact]
    public void IdAndModelAreTheFirstNonEmptyValues()
    {
        // Azure's filter chunk comes first with id "" and model "".
        JsonObject json = AssembleNode(WithDone(
            """{"id":"","object":"","created":0,"model":"","choices":[],"prompt_filter_results":[{"prompt_index":0}]}""",
            """{"id":"chatcmpl-1","model":"gpt-4o-mini","created":1700000000,"choices":[{"delta":{"content":"a"}}]}""",
            """{"id":"chatcmpl-2","model":"other","created":1700000001,"choices":[{"delta":{"content":"b"}}]}""",
            """{"id":"stub","model":"","choices":[]}"""));
        Assert.Equal("chatcmpl-1", (string?)json["id"]);
        Assert.Equal("gpt-4o-mini", (string?)json["model"]);
        Assert.Equal(1700000000, (long)json["created"]!);
        Assert.Equal("chat.completion", (string?)json["object"]);
    }

    [Fact]
    public void CreatedIsTheFirstNonZeroValue()
    {
        JsonObject json = AssembleNode(Events("""{"created":0,"choices":[]}""", """{"created":null,"choices":[]}""", """{"created":42,"choices":[]}""", """{"created":43,"choices":[]}"""));
        Assert.Equal(42, (int)json["created"]!);
        using ChatCompletionResult result = Assemble(Events("""{"created":0,"choices":[]}""", """{"created":42,"choices":[]}"""));
        Assert.Equal(42, result.Created);
    }

    [Fact]
    public void FingerprintAndServiceTierAreTheLastNonEmptyValues()
    {
        using ChatCompletionResult result = Assemble(Events(
            """{"system_fingerprint":"fp_1","service_tier":"default","choices":[]}""",
            """{"system_fingerprint":"fp_2","service_tier":"","choices":[]}""",
            """{"system_fingerprint":"","service_tier":null,"choices":[]}""",
            """{"choices":[]}"""));
        Assert.Equal("fp_2", result.SystemFingerprint);
        Assert.Equal("default", result.ServiceTier);
    }

    [Fact]
    public void UsageIsTheLastNonNullObjectReplacedWholeNeverSummed()
    {
        string input = WithDone(
            """{"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""",
            """{"choices":[{"delta":{"content":"b"}}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"cost":0.5}}""",
            """{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""",
            """{"choices":[],"usage":null,"moderation":{"flagged":false}}""");
        using ChatCompletionResult result = Assemble(input);
        Assert.Equal("""{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}""", Encoding.UTF8.GetString(result.UsageJson.Span));
        JsonObject json = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal("""{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}""", Compact(json["usage"]));
        Assert.Equal("""{"flagged":false}""", Compact(json["moderation"]));
    }

    [Fact]
    public void ObfuscationIsDropped()
    {
        JsonObject json = AssembleNode(WithDone("""{"obfuscation":"xY1","choices":[{"delta":{"content":"a","obfuscation":"kept-in-delta"},"obfuscation":"kept-in-choice"}],"usage":null}""", """{"obfuscation":"","choices":[]}"""));
        Assert.False(json.ContainsKey("obfuscation"));
        Assert.DoesNotContain("xY1", json.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTopLevelMembersAreLastNonNullVerbatimInOrderOfFirstAppearance()
    {
        string input = WithDone(
            """{"id":"a","zeta":1,"citations":["u1"],"provider":null,"choices":[]}""",
            """{"alpha":{"n":12345678901234567890,"f":1.10},"zeta":2,"citations":["u1","u2"],"provider":"OpenAI","choices":[]}""",
            """{"zeta":null,"citations":null,"alpha":null,"choices":[]}""");
        using ChatCompletionResult result = Assemble(input);
        string json = result.ToJson();
        Assert.EndsWith(""","choices":[],"zeta":2,"citations":["u1","u2"],"provider":"OpenAI","alpha":{"n":12345678901234567890,"f":1.10}}""", json, StringComparison.Ordinal);
        Assert.Equal("""["u1","u2"]""", Encoding.UTF8.GetString(result.GetMemberJson("citations").Span));
    }

    [Fact]
    public void MemberThatOnlyArrivedAsNullIsKeptAsNull()
    {
        JsonObject json = AssembleNode(WithDone("""{"prompt_text":null,"choices":[{"delta":{"content":"a"},"stop_reason":null}]}"""));
        Assert.True(json.ContainsKey("prompt_text"));
        Assert.Null(json["prompt_text"]);
        Assert.True(json["choices"]![0]!.AsObject().ContainsKey("stop_reason"));
    }

    // ---- section 5: choices ----

    [Fact]
    public void ChoicesInterleavedAndOutOfOrderAreListedAscending()
    {
        string input = WithDone(
            """{"choices":[{"index":2,"delta":{"role":"assistant","content":"C"}}]}""",
            """{"choices":[{"index":0,"delta":{"role":"assistant","content":"A"}}]}""",
            """{"choices":[{"index":2,"delta":{"content":"c"}},{"index":1,"delta":{"content":"B"}}]}""",
            """{"choices":[{"delta":{"content":"a"},"index":0}]}""");
        using ChatCompletionResult result = Assemble(input);
        Assert.Equal([0, 1, 2], result.Choices.Select(c => c.Index));
        Assert.Equal(["Aa", "B", "Cc"], result.Choices.Select(c => c.Content));
        JsonObject json = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal([0, 1, 2], json["choices"]!.AsArray().Select(c => (int)c!["index"]!));
    }

    [Fact]
    public void MissingIndexMeansZero()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            """{"choices":[{"delta":{"content":"a"}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"b"}}]}""",
            """{"choices":[{"delta":{"content":"c"},"index":null}]}"""));
        Assert.Single(result.Choices);
        Assert.Equal(0, result.Choices[0].Index);
        Assert.Equal("abc", result.Choices[0].Content);
    }

    [Fact]
    public void EmptyChoicesTouchOnlyTheTopLevel()
    {
        using ChatCompletionResult result = Assemble(WithDone("""{"id":"x","choices":[],"prompt_filter_results":[]}""", """{"choices":[],"usage":{"total_tokens":1}}"""));
        Assert.Empty(result.Choices);
        Assert.Equal("x", result.Id);
        Assert.Equal("""{"id":"x","object":"chat.completion","created":null,"model":null,"choices":[],"usage":{"total_tokens":1},"prompt_filter_results":[]}""", result.ToJson());
    }

    [Fact]
    public void FinishReasonIsTheLastNonNullNonEmptyValue()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            """{"choices":[{"delta":{"content":"a"},"finish_reason":null}]}""",
            """{"choices":[{"delta":{},"finish_reason":"length"}]}""",
            """{"choices":[{"delta":{},"finish_reason":"stop"}]}""",
            """{"choices":[{"delta":{},"finish_reason":""}]}""",
            """{"choices":[{"delta":{},"finish_reason":null}]}"""));
        Assert.Equal("stop", result.Choices[0].FinishReason);
    }

    [Fact]
    public void LogprobsContentAndRefusalAreAppendedAndNullWhenNeverSeen()
    {
        JsonObject json = AssembleNode(WithDone(
            """{"choices":[{"index":0,"delta":{"content":"a"},"logprobs":{"content":[],"refusal":null}},{"index":1,"delta":{"content":"x"},"logprobs":null}]}""",
            """{"choices":[{"index":0,"delta":{"content":"b"},"logprobs":{"content":[{"token":"b","logprob":-0.5,"bytes":[98]}],"refusal":null}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"c"},"logprobs":{"content":[{"token":"c","logprob":-1.25,"bytes":[99]}]}}]}""",
            """{"choices":[{"index":0,"delta":{},"logprobs":{"refusal":[{"token":"no","logprob":0}]}}]}""",
            """{"choices":[{"index":0,"delta":{},"logprobs":null}]}"""));
        Assert.Equal(
            """{"content":[{"token":"b","logprob":-0.5,"bytes":[98]},{"token":"c","logprob":-1.25,"bytes":[99]}],"refusal":[{"token":"no","logprob":0}]}""",
            Compact(json["choices"]![0]!["logprobs"]));
        Assert.Null(json["choices"]![1]!["logprobs"]);
        Assert.True(json["choices"]![1]!.AsObject().ContainsKey("logprobs"));
    }

    [Fact]
    public void UnknownChoiceMembersAreLastNonNullVerbatim()
    {
        JsonObject json = AssembleNode(WithDone(
            """{"choices":[{"delta":{"content":"a"},"content_filter_results":{},"matched_stop":null,"cost_usd":0.001}]}""",
            """{"choices":[{"delta":{"content":"b"},"content_filter_results":{"hate":{"filtered":false}},"matched_stop":1,"cost_usd":null}]}""",
            """{"choices":[{"delta":{},"content_filter_results":null,"feedback_token":"fb_1","finish_reason":"stop"}]}"""));
        JsonObject choice = json["choices"]![0]!.AsObject();
        Assert.Equal("""{"hate":{"filtered":false}}""", Compact(choice["content_filter_results"]));
        Assert.Equal(1, (int)choice["matched_stop"]!);
        Assert.Equal("0.001", Compact(choice["cost_usd"]));
        Assert.Equal("fb_1", (string?)choice["feedback_token"]);
        Assert.Equal(["index", "message", "logprobs", "finish_reason", "content_filter_results", "matched_stop", "cost_usd", "feedback_token"], choice.Select(p => p.Key));
    }

    // ---- section 6: the message ----

    [Fact]
    public void RoleIsTheFirstNonEmptyValueNeverConcatenated()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            """{"choices":[{"delta":{"role":null,"content":"a"}}]}""",
            """{"choices":[{"delta":{"role":"","content":"b"}}]}""",
            """{"choices":[{"delta":{"role":"assistant","content":"c"}}]}""",
            """{"choices":[{"delta":{"role":"assistant","content":"d"}}]}""",
            """{"choices":[{"delta":{"role":"tool"}}]}"""));
        Assert.Equal("assistant", result.Choices[0].Role);
        Assert.Equal("abcd", result.Choices[0].Content);
    }

    [Fact]
    public void ContentIsConcatenatedAndNullWhenNoFragmentArrived()
    {
        JsonObject json = AssembleNode(WithDone(
            """{"choices":[{"index":0,"delta":{"role":"assistant","content":null}},{"index":1,"delta":{"role":"assistant","content":""}},{"index":2,"delta":{"content":null}}]}""",
            """{"choices":[{"index":0,"delta":{"content":null,"refusal":"I "}},{"index":1,"delta":{"content":""}},{"index":2,"delta":{"content":"Hi"}}]}""",
            """{"choices":[{"index":0,"delta":{"refusal":"can't."}},{"index":2,"delta":{"content":" there"}}]}"""));
        Assert.Null(Message(json, 0)["content"]);
        Assert.True(Message(json, 0).ContainsKey("content"));
        Assert.Equal("I can't.", (string?)Message(json, 0)["refusal"]);
        Assert.Equal(string.Empty, (string?)Message(json, 1)["content"]); // "" arrived: not null
        Assert.Null(Message(json, 1)["refusal"]);
        Assert.Equal("Hi there", (string?)Message(json, 2)["content"]);
    }

    [Fact]
    public void ContentPartsMergeByTypeAndStringFragmentsBecomeTextParts()
    {
        string input = WithDone(
            """{"choices":[{"delta":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"Let me "}]}]}}]}""",
            """{"choices":[{"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"think."}]}]}}]}""",
            """{"choices":[{"delta":{"content":""}}]}""",
            """{"choices":[{"delta":{"content":"The answer"}}]}""",
            """{"choices":[{"delta":{"content":[{"type":"text","text":" is 4"}]}}]}""",
            """{"choices":[{"delta":{"content":"."}}]}""",
            """{"choices":[{"delta":{"content":[{"type":"image_url","image_url":{"url":"u1"}},{"type":"image_url","image_url":{"url":"u2"}}]}}]}""");
        using ChatCompletionResult result = Assemble(input);
        Assert.True(result.Choices[0].HasContentParts);
        Assert.Equal("The answer is 4.", result.Choices[0].Content);
        JsonObject json = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal(
            """[{"type":"thinking","thinking":[{"type":"text","text":"Let me think."}]},{"type":"text","text":"The answer is 4."},{"type":"image_url","image_url":{"url":"u2"}}]""",
            Compact(Message(json)["content"]));
    }

    [Fact]
    public void TextBeforeTheFirstPartArrayBecomesTheFirstTextPart()
    {
        JsonObject json = AssembleNode(WithDone(
            """{"choices":[{"delta":{"content":"Hi "}}]}""",
            """{"choices":[{"delta":{"content":[{"type":"text","text":"there"},{"type":"refusal","refusal":"no"}]}}]}"""));
        Assert.Equal("""[{"type":"text","text":"Hi there"},{"type":"refusal","refusal":"no"}]""", Compact(Message(json)["content"]));
    }

    [Fact]
    public void IdentityMembersAreNeverConcatenated()
    {
        // index, type, id, name, format, channel keep their first non-empty value wherever members merge.
        JsonObject json = AssembleNode(WithDone(
            """{"choices":[{"delta":{"channel":"analysis","name":"","reasoning":"a","reasoning_details":[{"index":0,"type":"reasoning.text","id":"r1","format":"anthropic-claude-v1","text":"x","signature":""}]}}]}""",
            """{"choices":[{"delta":{"channel":"analysis","name":"bot","reasoning":"b","reasoning_details":[{"index":0,"type":"reasoning.text","id":"r1","format":"anthropic-claude-v1","text":"y","signature":"sig"}]}}]}""",
            """{"choices":[{"delta":{"channel":"final","name":"other","reasoning_details":[{"index":0,"type":"","id":"r2","format":"f","text":"z"}]}}]}"""));
        JsonObject message = Message(json);
        Assert.Equal("analysis", (string?)message["channel"]);
        Assert.Equal("bot", (string?)message["name"]);
        Assert.Equal("ab", (string?)message["reasoning"]);
        Assert.Equal(
            """[{"index":0,"type":"reasoning.text","id":"r1","format":"anthropic-claude-v1","text":"xyz","signature":"sig"}]""",
            Compact(message["reasoning_details"]));
    }

    [Fact]
    public void OtherStringMembersAreConcatenatedNullIsNoChangeOtherValuesLastNonNull()
    {
        JsonObject json = AssembleNode(WithDone(
            """{"choices":[{"delta":{"reasoning_content":"Think","token_id":1,"meta":{"a":1},"refusal":null}}]}""",
            """{"choices":[{"delta":{"reasoning_content":null,"token_id":null,"meta":null,"refusal":"No"}}]}""",
            """{"choices":[{"delta":{"reasoning_content":"ing","token_id":2,"meta":{"b":2},"refusal":"pe"}}]}"""));
        JsonObject message = Message(json);
        Assert.Equal("Thinking", (string?)message["reasoning_content"]);
        Assert.Equal(2, (int)message["token_id"]!);
        Assert.Equal("""{"b":2}""", Compact(message["meta"]));
        Assert.Equal("Nope", (string?)message["refusal"]);
    }

    [Fact]
    public void DeltaMembersThatOnlyArrivedAsNullAreOmitted()
    {
        JsonObject message = Message(AssembleNode(WithDone("""{"choices":[{"delta":{"content":"a","tool_calls":null,"reasoning_content":null,"audio":null,"function_call":null}}]}""")));
        Assert.Equal(["role", "content", "refusal"], message.Select(p => p.Key));
    }

    [Fact]
    public void SurrogatePairEscapedInTwoChunksJoinsIntoOneCharacter()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            """{"choices":[{"delta":{"content":"a\ud83d"}}]}""",
            """{"choices":[{"delta":{"content":"\ude42b","reasoning":"\uD83D"}}]}""",
            """{"choices":[{"delta":{"reasoning":"\uDE02"}}]}"""));
        Assert.Equal("a\U0001F642b", result.Choices[0].Content);
        Assert.Equal("\U0001F602", result.Choices[0].Reasoning);
        JsonObject json = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal("a\U0001F642b", (string?)Message(json)["content"]);
        Assert.Equal("\U0001F602", (string?)Message(json)["reasoning"]);
        Assert.DoesNotContain("\uFFFD", result.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void LoneSurrogateBecomesReplacementCharacter()
    {
        using ChatCompletionResult result = Assemble(WithDone("""{"choices":[{"delta":{"content":"x\ud83dy"}}]}"""));
        Assert.Equal("x\uFFFDy", result.Choices[0].Content);
    }

    [Fact]
    public void NumbersAndUnknownValuesAreKeptExactly()
    {
        string json = AssembleJson(WithDone("""{"seed":7228414683750928000,"choices":[{"delta":{"content":"a","n":123456789012345678901},"big":-98765432109876543210,"f":1.0e+400}]}"""));
        Assert.Contains("\"seed\":7228414683750928000", json, StringComparison.Ordinal);
        Assert.Contains("\"n\":123456789012345678901", json, StringComparison.Ordinal);
        Assert.Contains("\"big\":-98765432109876543210", json, StringComparison.Ordinal);
        Assert.Contains("\"f\":1.0e+400", json, StringComparison.Ordinal);
    }

    [Fact]
    public void AudioDataIsDecodedJoinedAndEncodedOnce()
    {
        // "QQ==" + "Qg==" is "A" + "B": concatenating the padded text would be wrong.
        JsonObject json = AssembleNode(WithDone(
            """{"choices":[{"delta":{"audio":{"id":"audio_1","data":"QQ==","transcript":"Hel","expires_at":100}}}]}""",
            """{"choices":[{"delta":{"audio":{"id":"audio_2","data":"Qg==","transcript":"lo","expires_at":200}}}]}"""));
        Assert.Equal("""{"id":"audio_1","data":"QUI=","transcript":"Hello","expires_at":200}""", Compact(Message(json)["audio"]));
    }

    [Theory]
    [InlineData("SGVs|bG8s|IHdv|cmxk")]
    [InlineData("SGVsbG8sIHdvcmxk")]
    [InlineData("S|GVsb|G8sI|Hd|vcm|xk")]
    [InlineData("SGVsbG8s|IH|dvcmxk")]
    [InlineData("SA==|ZWxsbyw=|IHdvcmxk")]
    [InlineData("SA|==|ZWxsbyw|=IHdvcmxk")]
    public void AudioDataFragmentsNeedNotEndOnQuanta(string fragments)
    {
        string[] parts = fragments.Split('|');
        string[] chunks = parts.Select(p => "{\"choices\":[{\"delta\":{\"audio\":{\"data\":\"" + p + "\"}}}]}").ToArray();
        JsonObject json = AssembleNode(WithDone(chunks));
        string data = (string)Message(json)["audio"]!["data"]!;
        Assert.Equal("Hello, world", Encoding.ASCII.GetString(Convert.FromBase64String(data)));
        Assert.Equal("SGVsbG8sIHdvcmxk", data);
    }

    [Fact]
    public void AudioDataEndingBetweenQuantaIsDecodedAsIfPadded()
    {
        JsonObject json = AssembleNode(WithDone("""{"choices":[{"delta":{"audio":{"data":"QU"}}}]}""", """{"choices":[{"delta":{"audio":{"data":"I"}}}]}"""));
        Assert.Equal("QUI=", (string?)Message(json)["audio"]!["data"]);
    }

    [Fact]
    public void AnnotationsAreAppendedWithoutDuplicates()
    {
        const string A = """{"type":"url_citation","url_citation":{"url":"https://a","title":"A"}}""";
        const string B = """{"type":"url_citation","url_citation":{"url":"https://b","title":"B"}}""";
        JsonObject json = AssembleNode(WithDone(
            $$$"""{"choices":[{"delta":{"content":"x","annotations":[{{{A}}}]}}]}""",
            $$$"""{"choices":[{"delta":{"annotations":[{{{A}}},{{{B}}}]}}]}""",
            $$$"""{"choices":[{"delta":{"annotations":[{{{B}}}]}}]}"""));
        Assert.Equal($"[{A},{B}]", Compact(Message(json)["annotations"]));
    }

    [Fact]
    public void OtherDeltaArraysMergeEntriesByIndexOrAppend()
    {
        JsonObject json = AssembleNode(WithDone(
            """{"choices":[{"delta":{"reasoning_details":[{"type":"reasoning.text","index":0,"text":"Step ","n":1}],"executed_tools":[{"type":"search"}]}}]}""",
            """{"choices":[{"delta":{"reasoning_details":[{"index":1,"type":"reasoning.encrypted","data":"gAAA"},{"index":0,"text":"one","n":2}],"executed_tools":[{"type":"search","output":"o"}]}}]}""",
            """{"choices":[{"delta":{"reasoning_details":[{"index":1,"data":"BBB"}]}}]}"""));
        Assert.Equal(
            """[{"type":"reasoning.text","index":0,"text":"Step one","n":2},{"index":1,"type":"reasoning.encrypted","data":"gAAABBB"}]""",
            Compact(Message(json)["reasoning_details"]));
        Assert.Equal("""[{"type":"search"},{"type":"search","output":"o"}]""", Compact(Message(json)["executed_tools"]));
    }

    [Fact]
    public void LegacyFunctionCallNameFirstArgumentsConcatenated()
    {
        using ChatCompletionResult result = Assemble(WithDone(
            """{"choices":[{"delta":{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":""}}}]}""",
            """{"choices":[{"delta":{"function_call":{"arguments":"{\n  \"city\""}}}]}""",
            """{"choices":[{"delta":{"function_call":{"name":"get_weather","arguments":": \"Paris\"\n}"}}}]}""",
            """{"choices":[{"delta":{},"finish_reason":"function_call"}]}"""));
        ChatChoice choice = result.Choices[0];
        Assert.Equal("get_weather", choice.FunctionCallName);
        Assert.Equal("{\n  \"city\": \"Paris\"\n}", choice.FunctionCallArguments);
        Assert.Equal("function_call", choice.FinishReason);
        JsonObject json = (JsonObject)JsonNode.Parse(result.ToJson())!;
        Assert.Equal("""{"name":"get_weather","arguments":"{\n  \"city\": \"Paris\"\n}"}""", Compact(Message(json)["function_call"]));
    }

    // ---- section 9: output ----

    [Fact]
    public void OutputMembersAreInTheDocumentedOrder()
    {
        string input = WithDone(
            """{"zz_first":1,"service_tier":"default","system_fingerprint":"fp","usage":null,"model":"m","created":7,"object":"chat.completion.chunk","id":"c","choices":[{"finish_reason":null,"extra":true,"logprobs":null,"delta":{"tool_calls":[{"index":0,"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}],"reasoning":"r","refusal":null,"content":"x","role":"assistant"},"index":0}]}""",
            """{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":{"total_tokens":3},"aa_last":2}""");
        Assert.Equal(
            """{"id":"c","object":"chat.completion","created":7,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"x","refusal":null,"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}],"reasoning":"r"},"logprobs":null,"finish_reason":"tool_calls","extra":true}],"usage":{"total_tokens":3},"system_fingerprint":"fp","service_tier":"default","zz_first":1,"aa_last":2}""",
            AssembleJson(input));
    }

    [Fact]
    public void IndentedOutputIsTheSameDocument()
    {
        string input = WithDone("""{"id":"c","x":{"n":12345678901234567890},"choices":[{"delta":{"content":"x"},"finish_reason":"stop"}]}""");
        using ChatCompletionResult result = Assemble(input);
        string indented = result.ToJson(indented: true);
        Assert.Contains("\n", indented, StringComparison.Ordinal);
        Assert.Contains("12345678901234567890", indented, StringComparison.Ordinal);
        Assert.Equal(result.ToJson(), JsonNode.Parse(indented)!.ToJsonString(Relaxed));
    }
}

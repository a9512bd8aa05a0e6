using static StreamCore.Tests.Aitronos.AitronosTestSupport;

namespace StreamCore.Tests.Aitronos;

/// <summary>
/// Aitronos streams written from the documented event shapes (<c>seed-streams.md</c>, section 1): the
/// documented examples E1 to E7 framed as they would arrive, and what a live stream adds. There are
/// no recordings of real Aitronos streams.
/// </summary>
internal static class AitronosFixtures
{
    /// <summary>E1, oldest generation, "Complete Stream": names in <c>event:</c> lines. The stored page shows no blank lines between events; a server must send them, or the whole text would be one event.</summary>
    public static readonly string E1 = Named(
        ("response.created", """{"id":"resp_abc123","status":"in_progress"}"""),
        ("response.output_item.added", """{"index":0,"item":{"type":"message"}}"""),
        ("response.output_text.delta", """{"index":0,"delta":"Hello"}"""),
        ("response.output_text.delta", """{"index":0,"delta":"! How can I"}"""),
        ("response.output_text.delta", """{"index":0,"delta":" help you?"}"""),
        ("response.output_text.done", """{"text":"Hello! How can I help you?"}"""),
        ("response.completed", """{"status":"completed"}"""));

    public const string E1Json = """
        {"id":"resp_abc123","object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you?"},"finishReason":"stop","logprobs":null}],
         "usage":null,"organizationId":null,"threadId":null}
        """;

    /// <summary>E2, oldest generation with usage (the streaming-mode page). The docs' own deltas add up to "Once upon a", the done text is "Once upon a time...": the done text wins.</summary>
    public static readonly string E2 = Named(
        ("response.created", """{"id":"resp_abc123","status":"in_progress"}"""),
        ("response.output_item.added", """{"index":0,"item":{"type":"message","role":"assistant"}}"""),
        ("response.output_text.delta", """{"index":0,"delta":"Once"}"""),
        ("response.output_text.delta", """{"index":0,"delta":" upon"}"""),
        ("response.output_text.delta", """{"index":0,"delta":" a"}"""),
        ("response.output_text.done", """{"index":0,"text":"Once upon a time..."}"""),
        ("response.completed", """{"status":"completed","usage":{"outputSynapses":156}}"""));

    public const string E2Json = """
        {"id":"resp_abc123","object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":"Once upon a time..."},"finishReason":"stop","logprobs":null}],
         "usage":{"outputSynapses":156},"organizationId":null,"threadId":null}
        """;

    /// <summary>E3, previous generation, as the object page frames it (the name in a data member <c>event</c>), with the events page's payloads. No <c>[DONE]</c>.</summary>
    public static readonly string E3 = Data(
        """{"event":"response.created","status":"in_progress","thread_id":"thread_xyz789","is_summarized":false,"output_mode":"text"}""",
        """{"event":"reasoning.started"}""",
        """{"event":"reasoning.content","content":"I should call get_weather with city=Paris."}""",
        """{"event":"reasoning.completed"}""",
        """{"event":"response.block","block":{"type":"tool_call","tool_name":"get_weather","arguments":{"city":"Paris"},"success":true,"execution_time_ms":245}}""",
        """{"event":"response.content_delta","delta":"Hello"}""",
        """{"event":"response.completed","status":"completed","thread_id":"thread_xyz789","response_id":"resp_abc123","response":"Hello"}""");

    /// <summary>E3 as the events page shows it: the payloads verbatim, the names only in <c>event:</c> lines ("sometimes only implied by the SSE name").</summary>
    public static readonly string E3Named = Named(
        ("response.created", """{"thread_id":"thread_xyz789","status":"in_progress","is_summarized":false,"output_mode":"text"}"""),
        ("reasoning.started", "{}"),
        ("reasoning.content", """{"content":"I should call get_weather with city=Paris."}"""),
        ("reasoning.completed", "{}"),
        ("response.block", """{"block":{"type":"tool_call","tool_name":"get_weather","arguments":{"city":"Paris"},"success":true,"execution_time_ms":245}}"""),
        ("response.content_delta", """{"delta":"Hello"}"""),
        ("response.completed", """{"status":"completed","thread_id":"thread_xyz789","response_id":"resp_abc123","response":"Hello"}"""));

    public const string E3Json = """
        {"id":"resp_abc123","object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello","reasoningContent":"I should call get_weather with city=Paris.",
           "toolCalls":[{"id":null,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
           "finishReason":"stop","logprobs":null}],
         "usage":null,"organizationId":null,"threadId":"thread_xyz789","is_summarized":false,"output_mode":"text"}
        """;

    /// <summary>E4, current generation, the one frame documented, as it arrives: a stream cut after it.</summary>
    public static readonly string E4 = Data("""{"event":"response.content_delta","delta":"Hello"}""");

    /// <summary>E5, current generation, the cancel tail.</summary>
    public static readonly string E5 = Data("""{"event":"response.cancelled","status":"cancelled","thread_id":"thrd_abc123","partial_content_length":1234}""") + Done;

    public const string E5Json = """
        {"id":null,"object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":null},"finishReason":null,"logprobs":null}],
         "usage":null,"organizationId":null,"threadId":"thrd_abc123","partial_content_length":1234}
        """;

    /// <summary>E6, current generation overview: the created payload and the content delta, framed as the current generation frames every event (the name in the data), then <c>[DONE]</c> ("the stream ends with data: [DONE]").</summary>
    public static readonly string E6 = Data(
        """{"event":"response.created","thread_id":"thrd_xyz789","status":"in_progress","is_summarized":false,"output_mode":"text"}""",
        """{"event":"response.content_delta","delta":"Hello"}""") + Done;

    public const string E6Json = """
        {"id":null,"object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finishReason":null,"logprobs":null}],
         "usage":null,"organizationId":null,"threadId":"thrd_xyz789","is_summarized":false,"output_mode":"text"}
        """;

    /// <summary>E7, the current reasoning events as the reasoning page's code reads them (the name in the data); the reasoning text is ours, the page elides it.</summary>
    public static readonly string E7 = Data(
        """{"event":"response.reasoning.started"}""",
        """{"event":"response.reasoning.delta","delta":"Compare the two "}""",
        """{"event":"response.reasoning.delta","delta":"options first."}""",
        """{"event":"response.reasoning.completed"}""",
        """{"event":"response.content_delta","delta":"Option B."}""",
        """{"event":"response.completed","status":"completed"}""") + Done;

    /// <summary>E7 as the reasoning page writes the names: <c>event:</c> lines.</summary>
    public static readonly string E7Named = Named(
        ("response.reasoning.started", "{}"),
        ("response.reasoning.delta", """{"delta":"Compare the two "}"""),
        ("response.reasoning.delta", """{"delta":"options first."}"""),
        ("response.reasoning.completed", "{}"),
        ("response.content_delta", """{"delta":"Option B."}"""),
        ("response.completed", """{"status":"completed"}""")) + Done;

    public const string E7Json = """
        {"id":null,"object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":"Option B.","reasoningContent":"Compare the two options first."},"finishReason":"stop","logprobs":null}],
         "usage":null,"organizationId":null,"threadId":null}
        """;

    /// <summary>
    /// A whole current-generation stream from every documented current event: processing, created,
    /// context, a comment, reasoning, a tool without a <c>block</c> (<c>tool_arguments</c>),
    /// heartbeats between deltas, a surrogate pair split across two deltas, an escaped non-ASCII
    /// character, completion, <c>[DONE]</c>.
    /// </summary>
    public static readonly string Current =
        Data(
            """{"event":"response.processing","status":"processing","thread_id":"thrd_abc123","message":"Preparing your assistant..."}""",
            """{"event":"response.created","status":"in_progress","thread_id":"thrd_abc123","user_id":"usr_1","org_id":"org_xyz789","user_message_id":"msg_1","trace_id":"trc_1","assistant_id":"asst_1"}""",
            """{"event":"response.context","user_id":"usr_1","org_id":"org_xyz789","org_name":"Acme","timezone":"Europe/Zurich","country":"CH","location_source":"ip","timezone_mismatch":false}""")
        + ": keep-alive\n\n"
        + Data(
            """{"event":"response.reasoning.started"}""",
            """{"event":"response.reasoning.delta","delta":"The user wants "}""",
            """{"event":"response.heartbeat"}""",
            """{"event":"response.reasoning.delta","delta":"the weather."}""",
            """{"event":"response.reasoning.completed"}""",
            """{"event":"response.tool.started","tool_name":"get_weather","icon_url":"https://cdn.example/w.png"}""",
            """{"event":"response.tool.done","type":"tool_call","id":"call_1","tool_name":"get_weather","tool_arguments":{"city":"Z\u00fcrich"},"icon_url":"https://cdn.example/w.png"}""",
            """{"event":"response.content_delta","delta":"It is "}""",
            """{"event":"response.heartbeat"}""",
            """{"event":"response.content_delta","delta":"sunny \ud83d"}""",
            """{"event":"response.content_delta","delta":"\ude00 in Z\u00fcrich"}""",
            """{"event":"response.completed","status":"completed","thread_id":"thrd_abc123","response_id":"resp_current1"}""")
        + Done;

    public const string CurrentJson = """
        {"id":"resp_current1","object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":"It is sunny 😀 in Zürich","reasoningContent":"The user wants the weather.",
           "toolCalls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Z\\u00fcrich\"}"}}]},
           "finishReason":"stop","logprobs":null}],
         "usage":null,"organizationId":"org_xyz789","threadId":"thrd_abc123",
         "user_id":"usr_1","user_message_id":"msg_1","trace_id":"trc_1","assistant_id":"asst_1",
         "org_name":"Acme","timezone":"Europe/Zurich","country":"CH","location_source":"ip","timezone_mismatch":false,
         "icon_url":"https://cdn.example/w.png"}
        """;

    /// <summary>Tool call blocks of the current generation in every documented form: a <c>block</c> member with <c>tool_arguments</c>, the event itself with string <c>arguments</c>, blocks that are not tool calls, a call without arguments.</summary>
    public static readonly string ToolBlocks = Data(
        """{"event":"response.created","status":"in_progress","thread_id":"thrd_t"}""",
        """{"event":"response.tool.started","tool_name":"search"}""",
        """{"event":"response.tool.done","block":{"type":"tool_call","id":"call_a","tool_name":"search","tool_arguments":{"q":"paris weather","top":3},"success":true}}""",
        """{"event":"response.block","type":"tool_call","tool_name":"calc","arguments":"{\"expr\":\"1+1\"}","success":true}""",
        """{"event":"response.block","block":{"type":"text","content":"not a call"}}""",
        """{"event":"response.block","block":{"type":"tool_result","tool_name":"search","tool_result":"sunny"}}""",
        """{"event":"response.tool.done","type":"tool_call","tool_name":"noargs"}""",
        """{"event":"response.completed","status":"completed"}""") + Done;

    public const string ToolBlocksJson = """
        {"id":null,"object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"toolCalls":[
           {"id":"call_a","type":"function","function":{"name":"search","arguments":"{\"q\":\"paris weather\",\"top\":3}"}},
           {"id":null,"type":"function","function":{"name":"calc","arguments":"{\"expr\":\"1+1\"}"}},
           {"id":null,"type":"function","function":{"name":"noargs","arguments":""}}]},
           "finishReason":"stop","logprobs":null}],
         "usage":null,"organizationId":null,"threadId":"thrd_t","success":true}
        """;

    /// <summary>Previous generation: two streamed calls, then a <c>response_blocks</c> whose tool calls are the final list (the first call again, spelled with <c>tool_arguments</c>, and another).</summary>
    public static readonly string ResponseBlocks = Data(
        """{"event":"response.created","status":"in_progress","thread_id":"thread_rb","output_mode":"blocks"}""",
        """{"event":"response.block","block":{"type":"tool_call","tool_name":"get_weather","arguments":{"city":"Paris"}}}""",
        """{"event":"response.block","block":{"type":"tool_call","tool_name":"get_time","arguments":{"tz":"CET"}}}""",
        """{"event":"response.content_delta","delta":"Sunny, 14:00."}""",
        """{"event":"response.completed","status":"completed","thread_id":"thread_rb","response_id":"resp_rb","response_blocks":[{"type":"tool_call","tool_name":"get_weather","tool_arguments":{"city":"Paris"}},{"type":"tool_result","tool_name":"get_weather","tool_result":"sunny"},{"type":"tool_call","tool_name":"get_date","tool_arguments":{}},{"type":"text","content":"Sunny, 14:00."}]}""");

    public const string ResponseBlocksJson = """
        {"id":"resp_rb","object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":"Sunny, 14:00.","toolCalls":[
           {"id":null,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
           {"id":null,"type":"function","function":{"name":"get_date","arguments":"{}"}}]},
           "finishReason":"stop","logprobs":null}],
         "usage":null,"organizationId":null,"threadId":"thread_rb","output_mode":"blocks",
         "response_blocks":[{"type":"tool_call","tool_name":"get_weather","tool_arguments":{"city":"Paris"}},{"type":"tool_result","tool_name":"get_weather","tool_result":"sunny"},{"type":"tool_call","tool_name":"get_date","tool_arguments":{}},{"type":"text","content":"Sunny, 14:00."}]}
        """;

    /// <summary>Current generation, stopped by the user: deltas, <c>response.cancelled</c>, <c>[DONE]</c>.</summary>
    public static readonly string Cancelled = Data(
        """{"event":"response.created","status":"in_progress","thread_id":"thrd_c"}""",
        """{"event":"response.content_delta","delta":"Once upon"}""",
        """{"event":"response.content_delta","delta":" a time"}""",
        """{"event":"response.cancelled","status":"cancelled","thread_id":"thrd_c","partial_content_length":16}""") + Done;

    /// <summary>Current and previous generations' error: <c>response.error</c> with a <c>message</c>.</summary>
    public static readonly string ErrorWithMessage = Data(
        """{"event":"response.created","status":"in_progress","thread_id":"thrd_e"}""",
        """{"event":"response.content_delta","delta":"Partial"}""",
        """{"event":"response.error","status":"failed","message":"Rate limit exceeded"}""") + Done;

    public const string ErrorWithMessageJson = """
        {"id":null,"object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":"Partial"},"finishReason":null,"logprobs":null}],
         "usage":null,"organizationId":null,"threadId":"thrd_e","error":{"message":"Rate limit exceeded"}}
        """;

    /// <summary>Oldest generation's error: <c>response.failed</c> with an <c>error</c> object.</summary>
    public static readonly string ErrorObject = Named(
        ("response.created", """{"id":"resp_f","status":"in_progress"}"""),
        ("response.output_text.delta", """{"index":0,"delta":"Part"}"""),
        ("response.failed", """{"status":"failed","error":{"message":"Rate limit exceeded","code":"rate_limit"}}"""));

    public const string ErrorObjectJson = """
        {"id":"resp_f","object":"response","createdAt":null,"model":null,
         "choices":[{"index":0,"message":{"role":"assistant","content":"Part"},"finishReason":null,"logprobs":null}],
         "usage":null,"organizationId":null,"threadId":null,"error":{"message":"Rate limit exceeded","code":"rate_limit"}}
        """;

    /// <summary>The previous generation without <c>[DONE]</c>, cut before <c>response.completed</c>.</summary>
    public static readonly string Cut = Data(
        """{"event":"response.created","status":"in_progress","thread_id":"thread_cut"}""",
        """{"event":"response.content_delta","delta":"Half a sen"}""");

    /// <summary>Malformed input mid-stream: the second event is not JSON.</summary>
    public static readonly string NotJson = Data(
        """{"event":"response.content_delta","delta":"kept"}""",
        """{"event":"response.content_delta","delta":""",
        """{"event":"response.content_delta","delta":"never read"}""");

    /// <summary>A later event of another protocol (an Anthropic type).</summary>
    public static readonly string OtherProtocol = Data(
        """{"event":"response.content_delta","delta":"kept"}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}""");

    /// <summary>A multi-byte UTF-8 character (the euro sign, 3 bytes) cut between two deltas, as raw bytes; joined, they are the character.</summary>
    public static byte[] SplitUtf8Character()
    {
        byte[] euro = System.Text.Encoding.UTF8.GetBytes("\u20ac");
        return StreamCore.Tests.TestSupport.LineEnds.Bytes(
            "data: {\"event\":\"response.content_delta\",\"delta\":\"1 ", euro[..2], "\"}\n\n",
            "data: {\"event\":\"response.content_delta\",\"delta\":\"", euro[2..], " each\"}\n\n",
            Done);
    }

    /// <summary>Every fixture by name, as bytes with LF line ends.</summary>
    public static System.Collections.Generic.IReadOnlyList<(string Name, byte[] Bytes)> All { get; } =
    [
        ("E1", Utf8(E1)), ("E2", Utf8(E2)), ("E3", Utf8(E3)), ("E3 named", Utf8(E3Named)), ("E4", Utf8(E4)), ("E5", Utf8(E5)),
        ("E6", Utf8(E6)), ("E7", Utf8(E7)), ("E7 named", Utf8(E7Named)), ("current", Utf8(Current)), ("tool blocks", Utf8(ToolBlocks)),
        ("response_blocks", Utf8(ResponseBlocks)), ("cancelled", Utf8(Cancelled)), ("error with message", Utf8(ErrorWithMessage)),
        ("error object", Utf8(ErrorObject)), ("cut", Utf8(Cut)), ("not JSON", Utf8(NotJson)), ("other protocol", Utf8(OtherProtocol)),
        ("split UTF-8 character", SplitUtf8Character()),
    ];
}

namespace StreamCore.Tests.Responses;

/// <summary>Small hand-written Responses events for the rule tests.</summary>
internal static class Fixtures
{
    public const string Created = """{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-x","output":[],"error":null,"incomplete_details":null,"usage":null,"metadata":{}}}""";

    public const string InProgress = """{"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-x","output":[],"error":null,"incomplete_details":null,"usage":null,"metadata":{"k":"v"}}}""";

    public const string MessageAdded = """{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}}""";

    public const string PartAdded = """{"type":"response.content_part.added","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}}""";

    public static string TextDelta(int sequence, string delta, int output = 0, int content = 0, string itemId = "msg_1")
        => $$"""{"type":"response.output_text.delta","sequence_number":{{sequence}},"item_id":"{{itemId}}","output_index":{{output}},"content_index":{{content}},"delta":{{delta}},"logprobs":[]}""";

    public static string TextDone(int sequence, string text, int output = 0, int content = 0)
        => $$"""{"type":"response.output_text.done","sequence_number":{{sequence}},"item_id":"msg_1","output_index":{{output}},"content_index":{{content}},"text":{{text}},"logprobs":[]}""";

    public static string Completed(int sequence, string output = "null", string usage = """{"input_tokens":5,"output_tokens":7,"total_tokens":12}""", string status = "completed", string extra = "")
        => $$$"""{"type":"response.completed","sequence_number":{{{sequence}}},"response":{"id":"resp_1","object":"response","status":"{{{status}}}","model":"gpt-x","output":{{{output}}},"error":null,"incomplete_details":null,"usage":{{{usage}}},"metadata":{}{{{extra}}}}}""";

    public static string FunctionAdded(int sequence, int output, string callId = "call_1", string name = "weather")
        => $$$"""{"type":"response.output_item.added","sequence_number":{{{sequence}}},"output_index":{{{output}}},"item":{"id":"fc_{{{output}}}","type":"function_call","status":"in_progress","arguments":"","call_id":"{{{callId}}}","name":"{{{name}}}"}}""";

    public static string ArgumentsDelta(int sequence, int output, string delta)
        => $$"""{"type":"response.function_call_arguments.delta","sequence_number":{{sequence}},"item_id":"fc_{{output}}","output_index":{{output}},"delta":{{delta}}}""";

    public static string ArgumentsDone(int sequence, int output, string arguments)
        => $$"""{"type":"response.function_call_arguments.done","sequence_number":{{sequence}},"item_id":"fc_{{output}}","output_index":{{output}},"arguments":{{arguments}}}""";
}

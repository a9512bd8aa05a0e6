using System.Text;
using StreamCore.Core;

namespace StreamCore.Tests.Protocols;

/// <summary>Contract section 0, the detection table: the first event whose data is a JSON object decides, and nothing else.</summary>
public class DetectionTests
{
    private static StreamProtocol? Detect(string data, string eventType = "message") => ProtocolDetector.Detect(eventType, Encoding.UTF8.GetBytes(data));

    [Theory]
    [InlineData("""{"type":"message_start","message":{"id":"m"}}""")]
    [InlineData("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}""")]
    [InlineData("""{"type":"content_block_stop","index":0}""")]
    [InlineData("""{"type":"message_delta","delta":{"stop_reason":"end_turn"}}""")]
    [InlineData("""{"type":"message_stop"}""")]
    [InlineData("""{"type": "ping"}""")]
    [InlineData("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""")]
    [InlineData("""{"index":0,"type":"content_block_delta"}""")]
    public void AnthropicTypes(string data) => Assert.Equal(StreamProtocol.AnthropicMessages, Detect(data));

    [Theory]
    [InlineData("""{"type":"response.created","sequence_number":0,"response":{"id":"resp_1"}}""")]
    [InlineData("""{"sequence_number":3,"item_id":"x","type":"response.output_text.delta","delta":"a"}""")]
    [InlineData("""{"type":"response.some_future_event"}""")]
    [InlineData("""{"type":"error","sequence_number":1,"error":{"code":"insufficient_quota"}}""")]
    [InlineData("""{"type":"keepalive","sequence_number":4}""")]
    public void ResponsesTypes(string data) => Assert.Equal(StreamProtocol.Responses, Detect(data));

    [Theory]
    [InlineData("""{"event":"response.content_delta","delta":"Hello"}""", "message")]
    [InlineData("""{"event":"response.processing","status":"processing","thread_id":"thrd_1"}""", "message")]
    [InlineData("""{"event":"reasoning.started"}""", "message")]
    [InlineData("""{"id":"resp_abc123","status":"in_progress"}""", "response.created")]
    [InlineData("""{"index":0,"delta":"Hello"}""", "response.output_text.delta")]
    [InlineData("""{"thread_id":"thread_xyz789","status":"in_progress"}""", "response.created")]
    public void AitronosEvents(string data, string eventType) => Assert.Equal(StreamProtocol.Aitronos, Detect(data, eventType));

    [Theory]
    [InlineData("""{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[]}""", "message")]
    [InlineData("""{"choices":[{"delta":{"content":"a"}}]}""", "message")]
    [InlineData("""{"error":{"message":"boom","type":"server_error"}}""", "error")]
    [InlineData("""{"type":"unknown.thing"}""", "message")]
    [InlineData("""{"event":"thread.message.delta","response":"x"}""", "message")]
    [InlineData("""{"type":"response.created"}""", "message")] // named by type: Responses, not Aitronos (checked below)
    [InlineData("""{"object":"x"}""", "response.created")] // a chat chunk under an odd name still has no type: Aitronos (checked below)
    public void EverythingElseIsChat(string data, string eventType)
    {
        StreamProtocol? detected = Detect(data, eventType);
        if (data.Contains("\"type\":\"response.created\"", System.StringComparison.Ordinal))
        {
            Assert.Equal(StreamProtocol.Responses, detected);
        }
        else if (eventType.StartsWith("response.", System.StringComparison.Ordinal))
        {
            Assert.Equal(StreamProtocol.Aitronos, detected);
        }
        else
        {
            Assert.Equal(StreamProtocol.ChatCompletions, detected);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n")]
    public void KeepAlivesDecideNothing(string data) => Assert.Null(Detect(data));

    [Theory]
    [InlineData("[DONE]")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":")]
    public void DataThatIsNotAJsonObjectSettlesOnChatWhichJudgesIt(string data) => Assert.Equal(StreamProtocol.ChatCompletions, Detect(data));

    [Fact]
    public void TypeEventAndSequenceNumberAreFoundWhereverTheyStand()
    {
        Assert.Equal(StreamProtocol.Responses, Detect("""{"error":{"x":1},"sequence_number":9,"type":"error"}"""));
        Assert.Equal(StreamProtocol.AnthropicMessages, Detect("""{"error":{"x":1},"type":"error"}"""));
        Assert.Equal(StreamProtocol.Aitronos, Detect("""{"delta":"x","nested":{"type":"message_start"},"event":"response.content_delta"}"""));
    }
}

using System;
using System.ClientModel.Primitives;
using OpenAI.Chat;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;
using SdkCompletion = OpenAI.Chat.ChatCompletion;

namespace StreamCore.Tests.Chat;

/// <summary>
/// What <c>ModelReaderWriter.Read&lt;ChatCompletion&gt;</c> (OpenAI .NET SDK 2.15.0) accepts of StreamCore's
/// JSON, and where it throws, as the README's interop section says. StreamCore writes what arrived
/// (section 9): a role that never arrived is <c>null</c>, a cut stream's finish reason is <c>null</c>,
/// content parts keep their kinds. The SDK's reader requires a known role and finish reason, a number
/// for <c>created</c> and known content-part kinds; without a choice, its views of choice 0 throw.
/// </summary>
public class OpenAiSdkReadBoundaryTests
{
    private static string Chunk(string choice) =>
        Events("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[" + choice + "]}");

    private static string Done => "data: [DONE]\n\n";

    private static (ChatStreamStatus Status, byte[] Json) AssembleToJson(string stream)
    {
        using ChatCompletionResult result = Assemble(stream);
        return (result.Status, result.ToJsonUtf8());
    }

    private static SdkCompletion Read(byte[] json) => ModelReaderWriter.Read<SdkCompletion>(BinaryData.FromBytes(json))!;

    private static void AssertThrowsUnknown(byte[] json, string what)
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => Read(json));
        Assert.Contains($"Unknown {what} value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACompleteStreamIsRead()
    {
        (ChatStreamStatus status, byte[] json) = AssembleToJson(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""") + Done);
        Assert.Equal(ChatStreamStatus.Complete, status);
        SdkCompletion sdk = Read(json);
        Assert.Equal(ChatMessageRole.Assistant, sdk.Role);
        Assert.Equal("Hi", sdk.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, sdk.FinishReason);
    }

    [Fact]
    public void AMissingRoleIsWrittenAsNullAndTheSdkThrows()
    {
        (ChatStreamStatus status, byte[] json) = AssembleToJson(
            Chunk("""{"index":0,"delta":{"content":"Hi"},"finish_reason":null}""") + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""") + Done);
        Assert.Equal(ChatStreamStatus.Complete, status);
        Assert.Contains("\"role\":null", System.Text.Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        AssertThrowsUnknown(json, "ChatMessageRole");
    }

    [Fact]
    public void ACutStreamHasANullFinishReasonAndTheSdkThrows()
    {
        (ChatStreamStatus status, byte[] json) = AssembleToJson(Chunk("""{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}"""));
        Assert.Equal(ChatStreamStatus.Incomplete, status);
        Assert.Contains("\"finish_reason\":null", System.Text.Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        AssertThrowsUnknown(json, "ChatFinishReason");
    }

    [Fact]
    public void ToolArgumentsCutShortAreReadAsTheyAreOnceAFinishReasonArrived()
    {
        // The SDK does not look into the arguments: invalid JSON reaches FunctionArguments as it is.
        (ChatStreamStatus status, byte[] json) = AssembleToJson(
            Chunk("""{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]},"finish_reason":"tool_calls"}"""));
        Assert.Equal(ChatStreamStatus.Complete, status);
        SdkCompletion sdk = Read(json);
        Assert.Equal(ChatFinishReason.ToolCalls, sdk.FinishReason);
        Assert.Equal("{\"a\":", sdk.ToolCalls[0].FunctionArguments.ToString());
    }

    [Fact]
    public void TextContentPartsAreRead()
    {
        (_, byte[] json) = AssembleToJson(Chunk("""{"index":0,"delta":{"role":"assistant","content":[{"type":"text","text":"Hi"}]},"finish_reason":"stop"}""") + Done);
        SdkCompletion sdk = Read(json);
        Assert.Equal("Hi", Assert.Single(sdk.Content).Text);
    }

    [Fact]
    public void AnUnknownContentPartKindMakesTheSdkThrow()
    {
        // Mistral's thinking parts (mistral-magistral-thinking-1.sse streams them).
        (ChatStreamStatus status, byte[] json) = AssembleToJson(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"hmm"}]}]},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"content":[{"type":"text","text":"Hi"}]},"finish_reason":"stop"}""") + Done);
        Assert.Equal(ChatStreamStatus.Complete, status);
        AssertThrowsUnknown(json, "ChatMessageContentPartKind");
    }

    [Fact]
    public void AMagistralRecordingMakesTheSdkThrow()
    {
        using ChatCompletionResult result = Assemble(ReadCorpus("mistral-magistral-thinking-1.sse"));
        Assert.Equal(ChatStreamStatus.Complete, result.Status);
        AssertThrowsUnknown(result.ToJsonUtf8(), "ChatMessageContentPartKind");
    }

    [Fact]
    public void AFinishReasonOutsideOpenAisSetMakesTheSdkThrow()
    {
        (_, byte[] json) = AssembleToJson(Chunk("""{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":"end_turn"}""") + Done);
        AssertThrowsUnknown(json, "ChatFinishReason");
    }

    [Fact]
    public void AStreamWithoutChoicesIsReadButItsChoiceViewsThrow()
    {
        (ChatStreamStatus status, byte[] json) = AssembleToJson(
            Events("""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":0,"total_tokens":1}}""") + Done);
        Assert.Equal(ChatStreamStatus.Complete, status);
        SdkCompletion sdk = Read(json);
        Assert.Equal(1, sdk.Usage.TotalTokenCount);

        // What the SDK reads from choice 0 is not there.
        Assert.Throws<ArgumentOutOfRangeException>(() => sdk.Content);
        Assert.Throws<ArgumentOutOfRangeException>(() => sdk.FinishReason);
        Assert.Throws<ArgumentOutOfRangeException>(() => sdk.ToolCalls);
    }

    [Fact]
    public void AMissingCreatedIsWrittenAsNullAndTheSdkThrows()
    {
        (_, byte[] json) = AssembleToJson(Events("""{"object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}""") + Done);
        Assert.Contains("\"created\":null", System.Text.Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Read(json));
    }
}

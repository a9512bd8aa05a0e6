using System;
using System.ClientModel.Primitives;
using System.Linq;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;
using SdkCompletion = OpenAI.Chat.ChatCompletion;

namespace StreamCore.Tests.Chat;

/// <summary>The OpenAI .NET SDK reads the assembled JSON as a non-streaming response and sees what StreamCore assembled.</summary>
public class OpenAiSdkInteropTests
{
    private static (ChatCompletionResult Result, SdkCompletion Sdk) Read(string file)
    {
        ChatCompletionResult result = Assemble(ReadCorpus(file));
        SdkCompletion? sdk = ModelReaderWriter.Read<SdkCompletion>(BinaryData.FromBytes(result.ToJsonUtf8()));
        Assert.NotNull(sdk);
        return (result, sdk);
    }

    private static void AssertUsage(ChatCompletionResult result, SdkCompletion sdk)
    {
        JsonNode usage = JsonNode.Parse(result.UsageJson.Span)!;
        Assert.Equal((int)usage["prompt_tokens"]!, sdk.Usage.InputTokenCount);
        Assert.Equal((int)usage["completion_tokens"]!, sdk.Usage.OutputTokenCount);
        Assert.Equal((int)usage["total_tokens"]!, sdk.Usage.TotalTokenCount);
    }

    [Theory]
    [InlineData("openai-text-usage-1.sse")]
    [InlineData("openai-length-finish-1.sse")]
    [InlineData("openai-text-obfuscation-1.sse")]
    [InlineData("vllm-crusoe-llama-text-usage-1.sse")]
    public void TextResponse(string file)
    {
        (ChatCompletionResult result, SdkCompletion sdk) = Read(file);
        using (result)
        {
            ChatChoice choice = result.Choices[0];
            Assert.Equal(result.Id, sdk.Id);
            Assert.Equal(result.Model, sdk.Model);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(result.Created!.Value), sdk.CreatedAt);
            Assert.Equal(ChatMessageRole.Assistant, sdk.Role);
            Assert.Equal(choice.Content, sdk.Content[0].Text);
            Assert.Equal(choice.FinishReason == "length" ? ChatFinishReason.Length : ChatFinishReason.Stop, sdk.FinishReason);
            Assert.Empty(sdk.ToolCalls);
            AssertUsage(result, sdk);
        }
    }

    [Theory]
    [InlineData("openai-parallel-tools-1.sse", 2)]
    [InlineData("azure-openai-tool-call-content-filter-1.sse", 1)]
    [InlineData("groq-tool-call-1.sse", 1)]
    [InlineData("deepseek-reasoner-tool-call-1.sse", 1)]
    [InlineData("ollama-qwen-parallel-tool-calls-1.sse", 2)]
    public void ToolCalls(string file, int count)
    {
        (ChatCompletionResult result, SdkCompletion sdk) = Read(file);
        using (result)
        {
            Assert.Equal(ChatFinishReason.ToolCalls, sdk.FinishReason);
            Assert.Equal(count, sdk.ToolCalls.Count);
            Assert.Equal(
                result.Choices[0].ToolCalls.Select(c => (c.Id, c.Name, c.Arguments)),
                sdk.ToolCalls.Select(c => ((string?)c.Id, (string?)c.FunctionName, c.FunctionArguments.ToString())));
            Assert.All(sdk.ToolCalls, c => Assert.Equal(ChatToolCallKind.Function, c.Kind));
            if (!result.UsageJson.IsEmpty)
            {
                AssertUsage(result, sdk);
            }
        }
    }

    [Theory]
    [InlineData("openai-refusal-1.sse")]
    [InlineData("openai-refusal-logprobs-1.sse")]
    public void Refusal(string file)
    {
        (ChatCompletionResult result, SdkCompletion sdk) = Read(file);
        using (result)
        {
            Assert.NotNull(result.Choices[0].Refusal);
            Assert.Equal(result.Choices[0].Refusal, sdk.Refusal);
            Assert.Empty(sdk.Content);
            Assert.Equal(ChatFinishReason.Stop, sdk.FinishReason);
            AssertUsage(result, sdk);
            if (file.Contains("logprobs", StringComparison.Ordinal))
            {
                JsonArray refusal = JsonNode.Parse(result.ToJson())!["choices"]![0]!["logprobs"]!["refusal"]!.AsArray();
                Assert.Equal(refusal.Count, sdk.RefusalTokenLogProbabilities.Count);
                Assert.Equal(refusal.Select(t => (string)t!["token"]!), sdk.RefusalTokenLogProbabilities.Select(t => t.Token));
            }
        }
    }

    [Fact]
    public void ContentLogprobs()
    {
        (ChatCompletionResult result, SdkCompletion sdk) = Read("openai-content-logprobs-1.sse");
        using (result)
        {
            JsonArray content = JsonNode.Parse(result.ToJson())!["choices"]![0]!["logprobs"]!["content"]!.AsArray();
            Assert.Equal(content.Select(t => (string)t!["token"]!), sdk.ContentTokenLogProbabilities.Select(t => t.Token));
            Assert.Equal(content.Select(t => (float)(double)t!["logprob"]!), sdk.ContentTokenLogProbabilities.Select(t => t.LogProbability));
            Assert.Equal(result.Choices[0].Content, sdk.Content[0].Text);
        }
    }

    [Fact]
    public void ThreeChoicesTheSdkModelsChoiceZero()
    {
        (ChatCompletionResult result, SdkCompletion sdk) = Read("openai-n3-choices-1.sse");
        using (result)
        {
            Assert.Equal(3, result.Choices.Count);
            Assert.Equal(result.Choices[0].Content, sdk.Content[0].Text);
            Assert.NotEqual(result.Choices[1].Content, sdk.Content[0].Text);
            Assert.Equal(ChatFinishReason.Stop, sdk.FinishReason);
            AssertUsage(result, sdk);
        }
    }
}

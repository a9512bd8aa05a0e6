using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Anthropic;
using Anthropic.Models.Messages;

namespace StreamCore.Benchmarks.Baselines;

/// <summary>
/// The Anthropic .NET SDK (13.14.0) reading a Messages stream through its own HTTP client:
/// <c>client.Messages.CreateStreaming(parameters).Aggregate()</c>, the SDK's own accumulation into a
/// <see cref="Message"/>, then what its users read from it: the text blocks' text, the thinking
/// blocks' thinking, and each <c>tool_use</c> block's id, name and input as JSON text (the SDK
/// gives the input as a dictionary of elements; a caller serializes it to hand it to the tool).
/// </summary>
/// <remarks>
/// The SDK throws when a stream ends without <c>message_stop</c> (the two SDK fixtures of the corpus
/// lack their final blank line, so their last event is never dispatched); the benchmark catches that
/// per stream, as a caller would have to.
/// </remarks>
public sealed class AnthropicSdkBaseline
{
    private readonly CannedResponseHandler _handler = new();
    private readonly AnthropicClient _client;
    private readonly MessageCreateParams _parameters = new()
    {
        MaxTokens = 1024,
        Messages = [new UserMessageParam("Benchmark prompt")],
        Model = "claude-sonnet-4-5",
    };

    public AnthropicSdkBaseline()
    {
        _client = new AnthropicClient { HttpClient = new HttpClient(_handler), ApiKey = "test", MaxRetries = 0 };
    }

    /// <summary>Streams <paramref name="body"/> through the SDK, aggregates it, and reads the message.</summary>
    public async Task<TypedResult> AssembleAsync(byte[] body)
    {
        _handler.Body = body;
        Message message = await _client.Messages.CreateStreaming(_parameters).Aggregate();
        var result = new TypedResult();
        StringBuilder? text = null, reasoning = null;
        foreach (ContentBlock block in message.Content)
        {
            if (block.TryPickText(out TextBlock? textBlock))
            {
                (text ??= new StringBuilder()).Append(textBlock.Text);
            }
            else if (block.TryPickThinking(out ThinkingBlock? thinking))
            {
                (reasoning ??= new StringBuilder()).Append(thinking.Thinking);
            }
            else if (block.TryPickToolUse(out ToolUseBlock? toolUse))
            {
                result.ToolCalls.Add(new ToolCallResult
                {
                    Index = result.ToolCalls.Count,
                    Id = toolUse.ID,
                    Name = toolUse.Name,
                    Arguments = JsonSerializer.Serialize(toolUse.Input),
                });
            }
        }

        result.Text = text?.ToString();
        result.Reasoning = reasoning?.ToString();
        return result;
    }
}

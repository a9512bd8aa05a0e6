using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StreamCore.Extensions.AI.Tests.TestSupport;

namespace StreamCore.Extensions.AI.Tests;

/// <summary>
/// The bytes may arrive cut anywhere (inside an event, a JSON string, a UTF-8 sequence): at every
/// split point, the updates join into the response assembled from the whole input.
/// </summary>
public class SplitPointTests
{
    [Theory]
    [InlineData("corpus/mistral-magistral-thinking-1.sse")]
    [InlineData("corpus/groq-tool-call-1.sse")]
    [InlineData("corpus/openai-refusal-1.sse")]
    [InlineData("corpus-typed/anthropic/sdk-tool-use-1.sse")]
    [InlineData("corpus-typed/openai-responses/azure-function-call-1.sse")]
    public async Task EverySplitPointJoinsIntoTheWholeResponse(string stream)
    {
        byte[] bytes = Corpus.Read(stream);
        string expected = ChatResponseText.Write(await StreamCoreChat.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(bytes))));
        for (int split = 1; split < bytes.Length; split++)
        {
            ChatResponse joined = await StreamCoreChat.ReadUpdatesAsync(PipeReader.Create(TwoSegments(bytes, split))).ToChatResponseAsync();
            string actual = ChatResponseText.Write(joined);
            if (actual != expected)
            {
                Assert.Fail($"split at {split}: {actual}");
            }
        }
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split), 0);
        var second = new Segment(bytes.AsMemory(split), split);
        first.SetNext(second);
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}

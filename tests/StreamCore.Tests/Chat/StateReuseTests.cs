using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using StreamCore.Chat;
using static StreamCore.Tests.Chat.ChatTestSupport;

namespace StreamCore.Tests.Chat;

/// <summary>
/// A disposed stream's SSE reader and merged members are kept per thread for the next stream. Whatever
/// a stream leaves behind (a cut line, an id, a custom event type, a failure half-way, many members)
/// must not show in the next one: each stream read after another gives exactly what it gives on a
/// thread that never read anything.
/// </summary>
public class StateReuseTests
{
    private static readonly string[] Before =
    [
        // Cut in the middle of a line, with an id, a retry and a custom event type pending.
        "id: 41\nretry: 900\nevent: custom.kind\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"left",
        // A byte order mark and a comment, then a malformed chunk half-way through a stream.
        "\uFEFF: hello\ndata: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"y\"}},]}\n\n",
        // A provider error event.
        "event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n",
        // Many members, base64 audio with a remainder pending, tool calls and verbatim extras.
        WithDone(
            """{"id":"m","object":"chat.completion.chunk","created":1,"model":"m","x_a":1,"x_b":[2],"choices":[{"index":0,"delta":{"role":"assistant","audio":{"id":"au","data":"QUJD"},"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{"}}]},"x_c":{"d":3}}]}""",
            """{"choices":[{"index":0,"delta":{"audio":{"data":"RA"},"annotations":[{"type":"url_citation"}]},"finish_reason":"stop"}],"usage":{"total_tokens":9}}"""),
    ];

    private static IEnumerable<byte[]> After()
    {
        yield return Utf8(WithDone(
            """{"id":"b","object":"chat.completion.chunk","created":2,"model":"n","choices":[{"index":0,"delta":{"role":"assistant","content":"he"},"logprobs":null,"finish_reason":null}]}""",
            """{"id":"b","object":"chat.completion.chunk","created":2,"model":"n","choices":[{"index":0,"delta":{"content":"llo"},"logprobs":null,"finish_reason":"stop"}]}"""));
        yield return Utf8(WithDone(
            """{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","annotations":[{"type":"url_citation","url":"u"}],"content":[{"type":"text","text":"p"}]}}]}""",
            """{"choices":[{"index":0,"delta":{"annotations":[{"type":"file"}],"audio":{"data":"QQ"}},"finish_reason":"stop","x_d":[1]}]}"""));
        foreach (string file in new[] { "alibaba-qwen-tool-call-1.sse", "openai-n3-choices-1.sse", "copilot-azure-content-filter-offsets-1.sse" })
        {
            yield return ReadCorpus(file);
        }
    }

    /// <summary>Everything a stream gives: the outcome over a pipe and over a stream, and the updates' text.</summary>
    private static string Everything(byte[] input)
    {
        var text = new StringBuilder(AssembleOutcome(input));
        try
        {
            using ChatCompletionResult result = ChatStream.AssembleAsync(new MemoryStream(input)).AsTask().GetAwaiter().GetResult();
            text.Append('|').Append(result.ToJson()).Append('|').Append(result.EventCount).Append('|').Append(result.Choices.Count > 0 ? result.Choices[0].Reasoning : null);
        }
        catch (ChatStreamFormatException e)
        {
            text.Append("|malformed ").Append(e.EventNumber);
        }

        return text.ToString();
    }

    private static T OnFreshThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("the fresh thread failed", failure);
    }

    [Fact]
    public void AStreamReadAfterAnotherGivesWhatItGivesOnAFreshThread()
    {
        foreach (byte[] after in After())
        {
            string fresh = OnFreshThread(() => Everything(after));
            foreach (string before in Before)
            {
                string reused = OnFreshThread(() =>
                {
                    Everything(Utf8(before));
                    Everything(Utf8(before));
                    return Everything(after);
                });
                Assert.Equal(fresh, reused);
            }
        }
    }

    [Fact]
    public void ResultsDisposedInAnyOrderLeaveLaterStreamsIntact()
    {
        // Results outlive the next stream's start; members return to the pool only when each is disposed.
        byte[] first = After().First();
        string expected = OnFreshThread(() => Everything(first));
        string actual = OnFreshThread(() =>
        {
            var kept = Enumerable.Range(0, 5).Select(_ => Assemble(first)).ToList();
            string json = Everything(first);
            kept[3].Dispose();
            kept[1].Dispose();
            string again = Everything(first);
            Assert.Equal(json, again);
            Assert.All(kept.Where((_, i) => i is 0 or 2 or 4), r => Assert.Equal("hello", r.Choices[0].Content));
            kept.ForEach(r => r.Dispose());
            return again;
        });
        Assert.Equal(expected, actual);
    }
}

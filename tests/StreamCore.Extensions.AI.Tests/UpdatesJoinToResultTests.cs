using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StreamCore.Extensions.AI.Tests.TestSupport;

namespace StreamCore.Extensions.AI.Tests;

/// <summary>
/// On every corpus stream, chat and typed: MEAI's <c>ToChatResponseAsync</c> over StreamCore's
/// updates gives exactly StreamCore's own <see cref="ChatResponse"/> of the assembled result.
/// </summary>
public class UpdatesJoinToResultTests
{
    public static TheoryData<string> Streams() => Corpus.Theory();

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task ToChatResponseOverTheUpdatesIsTheResultsChatResponse(string stream)
    {
        byte[] bytes = Corpus.Read(stream);
        ChatResponse joined = await StreamCoreChat.ReadUpdatesAsync(PipeReader.Create(new ReadOnlySequence<byte>(bytes))).ToChatResponseAsync();
        using StreamResult result = await ModelStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(bytes)));
        ChatResponse assembled = result.ToChatResponse();
        Assert.Equal(ChatResponseText.Write(assembled), ChatResponseText.Write(joined));
        Assert.Single(joined.Messages);
    }
}

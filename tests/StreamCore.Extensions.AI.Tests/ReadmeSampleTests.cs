using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StreamCore.Extensions.AI.Tests.TestSupport;

namespace StreamCore.Extensions.AI.Tests;

/// <summary>
/// The README's Microsoft.Extensions.AI sample, compiled and run as written: its lines stand below
/// verbatim, in a method whose parameters are its free names, and a test checks that the README (or,
/// before the section is merged into it, <c>docs-meai-readme-section.md</c>) still says exactly this.
/// <c>Console</c> is a recorder here, so that what the sample prints is asserted.
/// </summary>
public class ReadmeSampleTests
{
    private const string SectionHeading = "## Microsoft.Extensions.AI";

    [Fact]
    public void TheSampleInTheReadmeSectionIsInThisFileAsWritten()
    {
        string readme = File.ReadAllText(Path.Combine(Corpus.Root, "README.md"));
        Assert.Contains(SectionHeading, readme, StringComparison.Ordinal);
        string section = readme[readme.IndexOf(SectionHeading, StringComparison.Ordinal)..];
        string sample = Regex.Match(section, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        string[] lines = sample.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)).ToArray();
        string[] code = File.ReadAllText(Path.Combine(Corpus.Root, "tests", "StreamCore.Extensions.AI.Tests", "ReadmeSampleTests.cs")).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        Assert.NotEmpty(lines);
        Assert.Contains(Enumerable.Range(0, code.Length), start => code.Skip(start).Take(lines.Length).SequenceEqual(lines));
    }

    [Fact]
    public async Task TheSamplePrintsTheFinishReasonWithItsUsageThenEachToolCall()
    {
        Console.Clear();
        byte[] bytes = Corpus.Read("corpus/openai-parallel-tools-1.sse");
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        using var recording = new MemoryStream(bytes);
        await Sample(response, recording);
        string[] printed = Console.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("tool_calls: 209 tokens", printed[0]);
        Assert.Equal(3, printed.Length);
        Assert.StartsWith("GetWeatherArgs([city, ", printed[1], StringComparison.Ordinal);
        Assert.StartsWith("get_stock_price([ticker, ", printed[2], StringComparison.Ordinal);
    }

    private static async Task Sample(HttpResponseMessage response, Stream recording)
    {
        await foreach (ChatResponseUpdate update in StreamCoreChat.ReadUpdatesAsync(response))
            Console.Write(update.Text);

        ChatResponse answer = await StreamCoreChat.AssembleAsync(recording);
        Console.WriteLine($"{answer.FinishReason}: {answer.Usage?.TotalTokenCount} tokens");
        foreach (FunctionCallContent call in answer.Messages[0].Contents.OfType<FunctionCallContent>())
            Console.WriteLine($"{call.Name}({string.Join(", ", call.Arguments!)})");
    }

    /// <summary>Records what the sample prints.</summary>
    private static class Console
    {
        private static readonly StringBuilder Printed = new();

        public static string Text => Printed.ToString();

        public static void Clear() => Printed.Clear();

        public static void Write(string text) => Printed.Append(text);

        public static void WriteLine(string text) => Printed.Append(text).Append('\n');
    }
}

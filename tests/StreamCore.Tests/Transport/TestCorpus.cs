using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using StreamCore.Chat;
using Xunit.Sdk;

namespace StreamCore.Tests.Transport;

/// <summary>The shared corpus of recorded streams, and how an assembly ended, as comparable text.</summary>
public static class TestCorpus
{
    private static readonly Lazy<string> Dir = new(FindDirectory);

    /// <summary>The corpus directory (<c>../shared/corpus</c> next to the repository).</summary>
    public static string Directory => Dir.Value;

    /// <summary>The file names of every recorded stream, in ordinal order.</summary>
    public static IReadOnlyList<string> Names =>
        System.IO.Directory.GetFiles(Directory, "*.sse").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>The names as xunit member data.</summary>
    public static TheoryData<string> NameData
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string name in Names)
            {
                data.Add(name);
            }

            return data;
        }
    }

    /// <summary>The bytes of one recorded stream.</summary>
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    /// <summary>Assembles bytes held in memory (synchronously: a sequence reader never waits).</summary>
    public static ValueTask<ChatCompletionResult> AssembleBytesAsync(byte[] bytes, ChatStreamOptions? options = null)
        => ChatStream.AssembleAsync(PipeReader.Create(new ReadOnlySequence<byte>(bytes)), options);

    /// <summary>
    /// How an assembly ended, as one comparable string: status, provider error and JSON of a returned
    /// result, or the message and partial JSON of a format error. Disposes the result.
    /// </summary>
    public static async Task<string> OutcomeAsync(Func<Task<ChatCompletionResult>> assemble)
    {
        try
        {
            using ChatCompletionResult result = await assemble();
            return $"{result.Status} error={result.HasProviderError} events={result.EventCount}\n{result.ToJson()}";
        }
        catch (ChatStreamFormatException e)
        {
            using ChatCompletionResult? partial = e.PartialResult;
            return $"format: {e.Message}\n{partial?.ToJson()}";
        }
    }

    private static string FindDirectory() => FindDirectory(AppContext.BaseDirectory) ?? FindDirectory(SourceDirectory()) ?? throw new XunitException(
        $"the shared corpus is missing (looked above {AppContext.BaseDirectory} and {SourceDirectory()} for StreamCore.sln, then ../shared/corpus)");

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? string.Empty;

    private static string? FindDirectory(string start)
    {
        DirectoryInfo? dir = new(start);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StreamCore.sln")))
        {
            dir = dir.Parent;
        }

        string corpus = dir is null ? string.Empty : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus"));
        return System.IO.Directory.Exists(corpus) ? corpus : null;
    }
}

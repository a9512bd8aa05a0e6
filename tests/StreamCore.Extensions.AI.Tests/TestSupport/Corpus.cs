using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace StreamCore.Extensions.AI.Tests.TestSupport;

/// <summary>
/// The shared recordings beside the checkout: <c>../shared/corpus</c> (chat completions) and
/// <c>../shared/corpus-typed</c> (Responses, Anthropic), as CI has them. Streams are named by their
/// path below <c>../shared</c>, such as <c>corpus/openai-n3-choices-1.sse</c>.
/// </summary>
internal static class Corpus
{
    private static readonly Lazy<string> SharedFolder = new(FindShared);

    /// <summary>Every chat stream, then every typed one, in ordinal order.</summary>
    public static IReadOnlyList<string> Names { get; } = ListNames();

    public static TheoryData<string> Theory()
    {
        var data = new TheoryData<string>();
        foreach (string name in Names)
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>The repository's root: the folder of StreamCore.sln.</summary>
    public static string Root => FindRoot();

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(SharedFolder.Value, name));

    /// <summary>Whether the stream is a chat-completion one (the official OpenAI chat path applies).</summary>
    public static bool IsChat(string name) => name.StartsWith("corpus/", StringComparison.Ordinal);

    private static List<string> ListNames()
    {
        string shared = SharedFolder.Value;
        return [.. Files("corpus"), .. Files("corpus-typed/openai-responses"), .. Files("corpus-typed/anthropic")];

        IEnumerable<string> Files(string folder) => Directory.GetFiles(Path.Combine(shared, folder), "*.sse")
            .Select(path => folder + "/" + Path.GetFileName(path))
            .Order(StringComparer.Ordinal);
    }

    private static string FindRoot()
    {
        DirectoryInfo? folder = new(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "StreamCore.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} contains StreamCore.sln");
    }

    private static string FindShared()
    {
        DirectoryInfo? folder = new(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "StreamCore.sln")))
        {
            folder = folder.Parent;
        }

        if (folder is null)
        {
            throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} contains StreamCore.sln; cannot find the corpus");
        }

        string shared = Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared"));
        if (!Directory.Exists(Path.Combine(shared, "corpus")) || !Directory.Exists(Path.Combine(shared, "corpus-typed")))
        {
            throw new InvalidOperationException($"the shared corpus is missing: expected {shared}/corpus and {shared}/corpus-typed");
        }

        return shared;
    }
}

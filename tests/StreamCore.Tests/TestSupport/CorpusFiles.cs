using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace StreamCore.Tests.TestSupport;

/// <summary>
/// The shared corpus of recorded streams, at <c>../shared/corpus</c> beside the checkout (where CI
/// has it). A missing corpus fails the tests that need it with a message saying where it was expected.
/// </summary>
internal static class CorpusFiles
{
    private static readonly Lazy<string> Location = new(Find);

    /// <summary>The corpus directory.</summary>
    public static string Directory => Location.Value;

    /// <summary>The repository's root: the folder of StreamCore.sln.</summary>
    public static string Root => FindRoot().FullName;

    /// <summary>The file names of every recorded stream, in ordinal order.</summary>
    public static IReadOnlyList<string> Names =>
        System.IO.Directory.GetFiles(Directory, "*.sse").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>The bytes of one recorded stream.</summary>
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    private static DirectoryInfo FindRoot()
    {
        DirectoryInfo? folder = new(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "StreamCore.sln")))
        {
            folder = folder.Parent;
        }

        return folder ?? throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} contains StreamCore.sln; cannot find the corpus");
    }

    private static string Find()
    {
        DirectoryInfo folder = FindRoot();
        string corpus = Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared", "corpus"));
        if (!System.IO.Directory.Exists(corpus) || !System.IO.Directory.EnumerateFiles(corpus, "*.sse").Any())
        {
            throw new InvalidOperationException($"the shared corpus is missing: expected *.sse files in {corpus}");
        }

        return corpus;
    }
}

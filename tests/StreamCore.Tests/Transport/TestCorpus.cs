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

using StreamCore.Tests.TestSupport;

namespace StreamCore.Tests.Transport;

/// <summary>The shared corpus of recorded streams, and how an assembly ended, as comparable text.</summary>
public static class TestCorpus
{
    /// <summary>The corpus directory (<c>../shared/corpus</c> next to the repository).</summary>
    public static string Directory => CorpusFiles.Directory;

    /// <summary>The file names of every recorded stream, in ordinal order.</summary>
    public static IReadOnlyList<string> Names => CorpusFiles.Names;

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
    public static byte[] Read(string name) => CorpusFiles.Read(name);

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
}

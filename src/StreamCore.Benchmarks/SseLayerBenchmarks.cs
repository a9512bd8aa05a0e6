using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Net.ServerSentEvents;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Pipelines.Sockets.Unofficial;
using StreamCore.Sse;

namespace StreamCore.Benchmarks;

/// <summary>
/// The SSE layer alone: every event of every stream is read and its data length summed (so the work
/// is not dead code). No JSON is parsed.
/// </summary>
[MemoryDiagnoser]
public class SseLayerBenchmarks : WorkloadBenchmark
{
    /// <summary>StreamCore over a <see cref="MemoryStream"/> (a stream pipe reader, as over an HTTP body).</summary>
    [Benchmark]
    public async ValueTask<long> SseLayer_StreamCore()
    {
        long total = 0;
        foreach (byte[] body in Data.Streams)
        {
            using SseEventReader reader = SseEventReader.Create(new MemoryStream(body, writable: false));
            while (await reader.ReadAsync())
            {
                total += reader.Current.Data.Length;
            }
        }

        return total;
    }

    /// <summary>StreamCore over the whole body as one <see cref="ReadOnlySequence{T}"/> (no copies at all).</summary>
    [Benchmark]
    public async ValueTask<long> SseLayer_StreamCorePipe()
    {
        long total = 0;
        foreach (byte[] body in Data.Streams)
        {
            PipeReader pipe = PipeReader.Create(new ReadOnlySequence<byte>(body));
            using (var reader = new SseEventReader(pipe))
            {
                while (await reader.ReadAsync())
                {
                    total += reader.Current.Data.Length;
                }
            }

            pipe.Complete();
        }

        return total;
    }

    /// <summary>StreamCore over <c>PipeReader.Create(Stream)</c>: System.IO.Pipelines' own reader of a stream (segments from its pool).</summary>
    [Benchmark]
    public async ValueTask<long> SseLayer_StreamCorePipeReaderCreate()
    {
        long total = 0;
        foreach (byte[] body in Data.Streams)
        {
            PipeReader pipe = PipeReader.Create(new MemoryStream(body, writable: false));
            using (var reader = new SseEventReader(pipe))
            {
                while (await reader.ReadAsync())
                {
                    total += reader.Current.Data.Length;
                }
            }

            await pipe.CompleteAsync();
        }

        return total;
    }

    /// <summary>
    /// StreamCore over Pipelines.Sockets.Unofficial's <c>StreamConnection.GetReader(Stream)</c> (2.2.16): a
    /// <see cref="Pipe"/> that a pump copies the stream into, which the SSE reader reads.
    /// </summary>
    [Benchmark]
    public async ValueTask<long> SseLayer_StreamCoreStreamConnection()
    {
        long total = 0;
        foreach (byte[] body in Data.Streams)
        {
            PipeReader pipe = StreamConnection.GetReader(new MemoryStream(body, writable: false));
            using (var reader = new SseEventReader(pipe))
            {
                while (await reader.ReadAsync())
                {
                    total += reader.Current.Data.Length;
                }
            }

            await pipe.CompleteAsync();
        }

        return total;
    }

    /// <summary>System.Net.ServerSentEvents with a non-allocating item parser (the data length).</summary>
    [Benchmark]
    public long SseLayer_SseParser()
    {
        long total = 0;
        foreach (byte[] body in Data.Streams)
        {
            SseParser<int> parser = SseParser.Create(new MemoryStream(body, writable: false), static (_, data) => data.Length);
            foreach (SseItem<int> item in parser.Enumerate())
            {
                total += item.Data;
            }
        }

        return total;
    }
}

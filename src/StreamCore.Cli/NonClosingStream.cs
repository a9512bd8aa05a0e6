using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Cli;

/// <summary>Wraps standard input so that disposing a command's input leaves the process's stream open.</summary>
internal sealed class NonClosingStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new System.NotSupportedException();
    public override long Position { get => throw new System.NotSupportedException(); set => throw new System.NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(System.Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new System.NotSupportedException();
    public override void SetLength(long value) => throw new System.NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new System.NotSupportedException();
}

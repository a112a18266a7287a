namespace ContainerTools.Runtime.Storage;

/// <summary>
/// The base of the engine's pass-through readers (hashing, progress, timeouts, decompression plumbing): read-only,
/// never seeks, so a network body can flow straight through. Subclasses implement the span Read; Position reports
/// bytes read where a subclass counts them.
/// </summary>
public abstract class ReadOnlyForwardStream : Stream
{
    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

using ContainerTools.Runtime.Storage;

namespace ContainerTools.Tests.Layers;

/// <summary>The read-ahead that lets decompression run on its own thread while a layer is unpacked.</summary>
public sealed class ReadAheadStreamTests
{
    private static readonly byte[] Content = Enumerable.Range(0, (5 << 20) + 123).Select(i => (byte)(i * 13 % 253)).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(512)]
    [InlineData(3 << 20)]
    public void PassesEveryByteInOrder(int readSize)
    {
        using var ahead = new ReadAheadStream(new MemoryStream(Content), chunkSize: 64 << 10, depth: 3);
        var copy = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = ahead.Read(buffer, 0, buffer.Length)) > 0)
        {
            copy.Write(buffer, 0, n);
        }

        Assert.Equal(Content, copy.ToArray());
        Assert.Equal(0, ahead.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void AFailureSurfacesAfterTheBytesBeforeIt()
    {
        using var ahead = new ReadAheadStream(new FailingStream(Content, 1 << 20), chunkSize: 64 << 10, depth: 3);
        var copy = new MemoryStream();

        var error = Assert.Throws<InvalidDataException>(() => ahead.CopyTo(copy, 1000));

        Assert.Equal("broken", error.Message);
        Assert.Equal(Content.AsSpan(0, 1 << 20).ToArray(), copy.ToArray());
    }

    [Fact]
    public void DisposingBeforeTheEndStopsTheReader()
    {
        var inner = new MemoryStream(Content);
        var ahead = new ReadAheadStream(inner, chunkSize: 4096, depth: 2);
        ahead.ReadExactly(new byte[10]);

        ahead.Dispose();

        // The reader thread stopped a few chunks in instead of reading on to the end.
        Assert.True(inner.Position < Content.Length);
    }

    private sealed class FailingStream(byte[] content, int failAt) : ReadOnlyForwardStream
    {
        private int _position;

        public override int Read(Span<byte> buffer)
        {
            if (_position >= failAt)
            {
                throw new InvalidDataException("broken");
            }
            var n = Math.Min(buffer.Length, failAt - _position);
            content.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}

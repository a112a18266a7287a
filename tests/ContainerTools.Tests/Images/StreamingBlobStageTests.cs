using System.Text;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Storage;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Images;

/// <summary>The staging that writes a blob on one thread while the unpacker reads it back on another.</summary>
public sealed class StreamingBlobStageTests : IDisposable
{
    private readonly TempStore _store = new();
    private readonly byte[] _content = Enumerable.Range(0, 3 << 20).Select(i => (byte)(i * 7 % 251)).ToArray();

    public void Dispose() => _store.Dispose();

    private string Staging => _store.PathFor("staging");

    [Fact]
    public void TheReaderGetsEveryByteAndEndsOnceTheBlobIsVerified()
    {
        using var stage = StreamingBlobStage.Start(() => new TrickleStream(_content, 1000), Staging, TestImages.DigestOf(_content), _content.Length, CancellationToken.None);

        using (var reader = stage.OpenReader())
        using (var copy = new MemoryStream())
        {
            reader.CopyTo(copy, 4096);
            Assert.Equal(_content, copy.ToArray());
        }
        var blob = stage.Finish();

        Assert.Equal((TestImages.DigestOf(_content), (long)_content.Length), (blob.Digest, blob.Size));
        Assert.Equal(_content, File.ReadAllBytes(blob.Path));
        Assert.Same(blob, stage.StopAndGetVerified());
    }

    [Fact]
    public void ContentThatDoesNotMatchFailsTheReaderAndLeavesNoFile()
    {
        var claimed = TestImages.DigestOf(Encoding.UTF8.GetBytes("something else"));
        string path;
        using (var stage = StreamingBlobStage.Start(() => new MemoryStream(_content), Staging, claimed, _content.Length, CancellationToken.None))
        {
            path = stage.Path;
            using var reader = stage.OpenReader();
            var error = Assert.Throws<ContainerToolsException>(() => reader.CopyTo(Stream.Null));
            Assert.Equal((ErrorKind.InvalidData, "DigestMismatch"), (error.Kind, error.ErrorId));
            Assert.Null(stage.StopAndGetVerified());
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ASourceLongerThanPromisedIsCutOffAndRefused()
    {
        using var stage = StreamingBlobStage.Start(() => new TrickleStream(_content, 64 << 10, endless: true), Staging, TestImages.DigestOf(_content), _content.Length, CancellationToken.None);

        using var reader = stage.OpenReader();
        var error = Assert.Throws<ContainerToolsException>(() => reader.CopyTo(Stream.Null));

        Assert.Equal("DigestMismatch", error.ErrorId);
        Assert.Contains("expected " + _content.Length, error.Message);
    }

    [Fact]
    public void ASourceThatBreaksFailsTheReaderWithItsOwnError()
    {
        using var stage = StreamingBlobStage.Start(() => new TrickleStream(_content, 64 << 10, failAfter: 1 << 20), Staging, TestImages.DigestOf(_content), _content.Length, CancellationToken.None);

        using var reader = stage.OpenReader();
        var read = new MemoryStream();
        var error = Assert.Throws<IOException>(() => reader.CopyTo(read, 4096));

        Assert.Equal("cut", error.Message);
        // What the reader got before the failure reached it is the start of the content.
        Assert.Equal(_content.AsSpan(0, (int)read.Length).ToArray(), read.ToArray());
        Assert.Same(error, Assert.Throws<IOException>(() => stage.Finish()));
    }

    [Fact]
    public void AVerifiedBlobOutlivesAReaderThatGaveUp()
    {
        using var stage = StreamingBlobStage.Start(() => new MemoryStream(_content), Staging, TestImages.DigestOf(_content), _content.Length, CancellationToken.None);
        using (var reader = stage.OpenReader())
        {
            reader.ReadExactly(new byte[100]);
        }

        stage.ThrowIfSourceFailed();
        var blob = stage.StopAndGetVerified();

        Assert.NotNull(blob);
        stage.Dispose();
        Assert.Equal(_content, File.ReadAllBytes(blob.Path));
    }

    /// <summary>A source that hands out at most <c>chunk</c> bytes per read, optionally forever or failing at an offset.</summary>
    private sealed class TrickleStream(byte[] content, int chunk, bool endless = false, int failAfter = -1) : ReadOnlyForwardStream
    {
        private long _position;

        public override int Read(Span<byte> buffer)
        {
            if (failAfter >= 0 && _position >= failAfter)
            {
                throw new IOException("cut");
            }
            var limit = failAfter >= 0 ? failAfter - _position : long.MaxValue;
            var offset = (int)(_position % content.Length);
            if (!endless && _position >= content.Length)
            {
                return 0;
            }
            var n = (int)Math.Min(Math.Min(buffer.Length, chunk), Math.Min(content.Length - offset, limit));
            content.AsSpan(offset, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}

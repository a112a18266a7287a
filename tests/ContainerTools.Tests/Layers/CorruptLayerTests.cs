using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Tests.Layers;

public sealed class CorruptLayerTests : IDisposable
{
    private readonly LayerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private static byte[] SampleTar()
    {
        var data = new byte[300_000];
        new Random(3).NextBytes(data);
        return new LayerBuilder().Directory("d/").File("d/random", data).File("d/text", "hello").Tar();
    }

    private void AssertCorrupt(byte[] layer)
    {
        var error = Assert.Throws<ContainerToolsException>(() => _sandbox.Apply(layer));
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal("CorruptLayer", error.ErrorId);
        _sandbox.AssertHostUntouched();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(100)]
    [InlineData(-1)]
    public void TruncatedGzipFails(int cut)
    {
        var gzip = LayerBuilder.Gzip(SampleTar());
        var length = cut > 0 ? gzip.Length - cut : gzip.Length / 2;

        AssertCorrupt(gzip[..length]);
    }

    [Fact]
    public void CorruptGzipFails()
    {
        var gzip = LayerBuilder.Gzip(SampleTar());
        gzip[3] = 0xff; // reserved flag bits

        AssertCorrupt(gzip);
    }

    private static byte[] CompressibleTar()
    {
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i} of a compressible file\n"));
        return new LayerBuilder().Directory("d/").File("d/text", text).Tar();
    }

    [Fact]
    public void CorruptZstdFails()
    {
        var zstd = LayerBuilder.Zstd(CompressibleTar());
        for (var i = zstd.Length / 3; i < zstd.Length / 3 + 64; i++)
        {
            zstd[i] ^= 0x5a;
        }

        AssertCorrupt(zstd);
    }

    [Fact]
    public void ZstdWithAReservedFrameHeaderBitFails()
    {
        var zstd = LayerBuilder.Zstd(SampleTar());
        zstd[4] |= 0x08;

        AssertCorrupt(zstd);
    }

    [Fact]
    public void GzipWithAFlippedDataByteFailsItsCrc()
    {
        var gzip = LayerBuilder.Gzip(SampleTar());
        gzip[gzip.Length / 2] ^= 0x01;

        AssertCorrupt(gzip);
    }

    [Fact]
    public void GzipWithAWrongTrailerCrcFails()
    {
        var gzip = LayerBuilder.Gzip(SampleTar());
        gzip[^6] ^= 0x01;

        AssertCorrupt(gzip);
    }

    [Fact]
    public void TruncatedZstdFails()
    {
        var zstd = LayerBuilder.Zstd(SampleTar());

        AssertCorrupt(zstd[..(zstd.Length - 10)]);
    }

    [Fact]
    public void TarCutInsideAFileFails()
    {
        var tar = SampleTar();

        AssertCorrupt(tar[..(tar.Length / 2)]);
        AssertCorrupt(LayerBuilder.Zstd(tar[..(tar.Length / 2)]));
    }

    [Fact]
    public void TarCutBetweenEntriesFails()
    {
        var tar = new LayerBuilder().File("a", "a").File("b", "b").Tar(trailingZeroBytes: 0);

        AssertCorrupt(tar[..^1024]);
    }

    [Fact]
    public void AnEmptyStreamIsAnEmptyLayer()
    {
        var result = _sandbox.Apply([]);

        Assert.Equal(LayerBuilder.Sha256([]), result.DiffId);
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.Target));
    }

    [Fact]
    public void TarWithABadHeaderChecksumFails()
    {
        var tar = SampleTar();
        tar[148] ^= 0x01; // first header's checksum field

        AssertCorrupt(tar);
    }

    [Fact]
    public void GarbageIsNotATar()
    {
        var garbage = new byte[4096];
        new Random(5).NextBytes(garbage);
        garbage[0] = (byte)'x';

        AssertCorrupt(garbage);
    }
}

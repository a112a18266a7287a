using System.Formats.Tar;
using System.Text;
using ContainerTools.Runtime.Layers;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Layers;

public sealed class LayerApplierTests : IDisposable
{
    private readonly LayerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData("tar")]
    [InlineData("gzip")]
    [InlineData("zstd")]
    public void DiffIdIsTheSha256OfTheWholeUncompressedTar(string compression)
    {
        var big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(big);
        var tar = new LayerBuilder().Directory("usr/").File("usr/big", big).File("usr/small", "hi").Tar();
        var layer = compression switch { "gzip" => LayerBuilder.Gzip(tar), "zstd" => LayerBuilder.Zstd(tar), _ => tar };

        var result = _sandbox.Apply(layer);

        Assert.Equal(LayerBuilder.Sha256(tar), result.DiffId);
        Assert.Equal(big, File.ReadAllBytes(_sandbox.In("usr/big")));
        Assert.Equal("hi", Stat.Text(_sandbox.In("usr/small")));
        Assert.True(result.UnpackedSize >= big.Length + 2);
    }

    [Fact]
    public void DifferentContentGivesADifferentDiffId()
    {
        var original = new LayerBuilder().File("f", "content-A").Tar();
        var altered = new LayerBuilder().File("f", "content-B").Tar();

        var result = _sandbox.Apply(LayerBuilder.Gzip(altered));

        Assert.NotEqual(LayerBuilder.Sha256(original), result.DiffId);
        Assert.Equal(LayerBuilder.Sha256(altered), result.DiffId);
    }

    [Fact]
    public void PlainFileModesAreExactWhicheverBitsTheUmaskWouldStrip()
    {
        string[] modes = ["644", "755", "400", "666", "777", "000", "640", "602"];
        var builder = new LayerBuilder().Directory("shared/", (UnixFileMode)Convert.ToInt32("2775", 8), uid: 7, gid: 8);
        foreach (var mode in modes)
        {
            builder.File("m" + mode, mode, (UnixFileMode)Convert.ToInt32(mode, 8), uid: 3, gid: 4);
            builder.File("shared/m" + mode, mode, (UnixFileMode)Convert.ToInt32(mode, 8), uid: 0, gid: 0);
        }

        _sandbox.Apply(builder.Tar());

        foreach (var mode in modes)
        {
            var top = Stat.Of(_sandbox.In("m" + mode));
            Assert.Equal(Convert.ToUInt32("100" + mode, 8), (uint)(ushort)top.st_mode);
            Assert.Equal((3u, 4u), ((uint)top.st_uid, (uint)top.st_gid));
            // Inside a setgid directory a new file takes the directory's group; the entry's own owner still wins.
            var inShared = Stat.Of(_sandbox.In("shared/m" + mode));
            Assert.Equal(Convert.ToUInt32("100" + mode, 8), (uint)(ushort)inShared.st_mode);
            Assert.Equal((0u, 0u), ((uint)inShared.st_uid, (uint)inShared.st_gid));
            Assert.Equal(mode, Stat.Text(_sandbox.In("m" + mode)));
        }
    }

    [Fact]
    public void KeepsOwnersModesAndSpecialBits()
    {
        var tar = new LayerBuilder()
            .Directory("shared/", (UnixFileMode)Convert.ToInt32("2775", 8), uid: 7, gid: 8)
            .Directory("tmp/", (UnixFileMode)Convert.ToInt32("1777", 8))
            .File("bin/su", "x", (UnixFileMode)Convert.ToInt32("4755", 8), uid: 1000, gid: 1001)
            .File("bin/wall", "x", (UnixFileMode)Convert.ToInt32("2755", 8), uid: 0, gid: 5)
            .Symlink("bin/link", "su", uid: 42, gid: 43)
            .Tar();

        _sandbox.Apply(tar);

        Assert.Equal(Convert.ToUInt32("42775", 8), Stat.Mode(_sandbox.In("shared")));
        Assert.Equal(7u, (uint)Stat.Of(_sandbox.In("shared")).st_uid);
        Assert.Equal(Convert.ToUInt32("41777", 8), Stat.Mode(_sandbox.In("tmp")));
        var su = Stat.Of(_sandbox.In("bin/su"));
        Assert.Equal(Convert.ToUInt32("104755", 8), (uint)(ushort)su.st_mode);
        Assert.Equal((1000u, 1001u), ((uint)su.st_uid, (uint)su.st_gid));
        Assert.Equal(Convert.ToUInt32("102755", 8), Stat.Mode(_sandbox.In("bin/wall")));
        var link = Stat.Of(_sandbox.In("bin/link"));
        Assert.Equal(FileNodeKind.Symlink, FileNodes.KindOf((uint)(ushort)link.st_mode));
        Assert.Equal((42u, 43u), ((uint)link.st_uid, (uint)link.st_gid));
        Assert.Equal("su", new FileInfo(_sandbox.In("bin/link")).LinkTarget);
        // Parents the layer did not list are created.
        Assert.Equal(Convert.ToUInt32("40755", 8), Stat.Mode(_sandbox.In("bin")));
    }

    [Fact]
    public void KeepsModificationTimesOfFilesLinksAndDirectoriesWithContents()
    {
        var fileTime = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);
        var dirTime = new DateTimeOffset(2002, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var linkTime = new DateTimeOffset(2003, 4, 5, 6, 7, 8, TimeSpan.Zero);
        var tar = new LayerBuilder()
            .Directory("./", mtime: dirTime)
            .Directory("d/", mtime: dirTime)
            .Directory("d/inner/", mtime: dirTime)
            .File("d/inner/f", "x", mtime: fileTime)
            .Symlink("d/l", "inner/f", mtime: linkTime)
            .Tar();

        _sandbox.Apply(tar);

        Assert.Equal(fileTime.ToUnixTimeSeconds(), (long)Stat.Of(_sandbox.In("d/inner/f")).st_mtim.tv_sec);
        Assert.Equal(linkTime.ToUnixTimeSeconds(), (long)Stat.Of(_sandbox.In("d/l")).st_mtim.tv_sec);
        Assert.Equal(dirTime.ToUnixTimeSeconds(), (long)Stat.Of(_sandbox.In("d/inner")).st_mtim.tv_sec);
        Assert.Equal(dirTime.ToUnixTimeSeconds(), (long)Stat.Of(_sandbox.In("d")).st_mtim.tv_sec);
        Assert.Equal(dirTime.ToUnixTimeSeconds(), (long)Stat.Of(_sandbox.Target).st_mtim.tv_sec);
    }

    [Fact]
    public void CreatesDeviceNodesAndFifos()
    {
        var tar = new LayerBuilder()
            .Device("dev/null", TarEntryType.CharacterDevice, 1, 3)
            .Device("dev/loop0", TarEntryType.BlockDevice, 7, 0, (UnixFileMode)0b110_110_000)
            .Device("dev/big", TarEntryType.CharacterDevice, 259, 70000)
            .Fifo("run/fifo")
            .Tar();

        _sandbox.Apply(tar);

        var devNull = Stat.Of(_sandbox.In("dev/null"));
        Assert.Equal(Convert.ToUInt32("20666", 8), (uint)(ushort)devNull.st_mode);
        Assert.Equal(FileNodes.MakeDevice(1, 3), (ulong)devNull.st_rdev);
        var loop = Stat.Of(_sandbox.In("dev/loop0"));
        Assert.Equal(Convert.ToUInt32("60660", 8), (uint)(ushort)loop.st_mode);
        Assert.Equal(FileNodes.MakeDevice(7, 0), (ulong)loop.st_rdev);
        Assert.Equal(FileNodes.MakeDevice(259, 70000), (ulong)Stat.Of(_sandbox.In("dev/big")).st_rdev);
        Assert.Equal(Convert.ToUInt32("10644", 8), Stat.Mode(_sandbox.In("run/fifo")));
    }

    [Fact]
    public void HardLinksInsideTheLayerShareTheInode()
    {
        var tar = new LayerBuilder().File("a/original", "shared").HardLink("b/link", "a/original").HardLink("./c", "/a/original").Tar();

        _sandbox.Apply(tar);

        var original = Stat.Of(_sandbox.In("a/original"));
        Assert.Equal((ulong)original.st_ino, (ulong)Stat.Of(_sandbox.In("b/link")).st_ino);
        Assert.Equal((ulong)original.st_ino, (ulong)Stat.Of(_sandbox.In("c")).st_ino);
        Assert.Equal(3ul, (ulong)original.st_nlink);
    }

    [Fact]
    public void KeepsXattrsWithBinaryValuesButNeverOverlayOnes()
    {
        // A file capability (VFS_CAP_REVISION_2, effective, CAP_SETUID permitted): binary, with a 0x80 byte.
        byte[] capability = [0x01, 0x00, 0x00, 0x02, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var placeholder = new string('C', capability.Length);
        var tar = new LayerBuilder()
            .File("ping", "x", pax: new()
            {
                ["SCHILY.xattr.user.note"] = "héllo",
                ["SCHILY.xattr.security.capability"] = placeholder,
                ["SCHILY.xattr.trusted.overlay.opaque"] = "y",
            })
            .Directory("d/", pax: new() { ["SCHILY.xattr.user.dir"] = "on-a-dir", ["SCHILY.xattr.trusted.overlay.redirect"] = "/x" })
            .Tar();
        var at = tar.AsSpan().IndexOf(Encoding.ASCII.GetBytes(placeholder));
        capability.CopyTo(tar, at);

        _sandbox.Apply(tar);

        Assert.Equal("héllo", Xattrs.GetTextNoFollow(_sandbox.In("ping"), "user.note"));
        Assert.Equal(capability, Xattrs.GetNoFollow(_sandbox.In("ping"), "security.capability"));
        Assert.Null(Xattrs.GetNoFollow(_sandbox.In("ping"), "trusted.overlay.opaque"));
        Assert.Equal("on-a-dir", Xattrs.GetTextNoFollow(_sandbox.In("d"), "user.dir"));
        Assert.Null(Xattrs.GetNoFollow(_sandbox.In("d"), "trusted.overlay.redirect"));
    }

    [Fact]
    public void WhiteoutsBecomeOverlayWhiteoutsAndOpaqueDirectories()
    {
        var tar = new LayerBuilder()
            .Whiteout("etc/.wh.removed")
            .Directory("var/")
            .Whiteout("var/.wh..wh..opq")
            .Whiteout("opaque-without-entry/.wh..wh..opq")
            .Whiteout("etc/.wh..wh.plnk")
            .Tar();

        _sandbox.Apply(tar);

        var whiteout = Stat.Of(_sandbox.In("etc/removed"));
        Assert.Equal(Convert.ToUInt32("20000", 8), (uint)(ushort)whiteout.st_mode & 0xF000 | 0);
        Assert.Equal(0ul, (ulong)whiteout.st_rdev);
        Assert.False(File.Exists(_sandbox.In("etc/.wh.removed")));
        Assert.Equal("y", Xattrs.GetTextNoFollow(_sandbox.In("var"), "trusted.overlay.opaque"));
        Assert.Equal("y", Xattrs.GetTextNoFollow(_sandbox.In("opaque-without-entry"), "trusted.overlay.opaque"));
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.In("var")));
        Assert.Single(Directory.GetFileSystemEntries(_sandbox.In("etc")));
    }

    [Fact]
    public void ALaterEntryReplacesAnEarlierOneOfTheSameName()
    {
        var tar = new LayerBuilder()
            .File("x", "first")
            .File("x", "second")
            .Directory("d/")
            .File("d/inside", "gone")
            .File("d", "now a file")
            .File("f", "was a file")
            .Directory("f/")
            .File("f/child", "c")
            .Directory("kept/")
            .File("kept/a", "a")
            .Directory("kept/", (UnixFileMode)0b111_000_000)
            .Tar();

        _sandbox.Apply(tar);

        Assert.Equal("second", Stat.Text(_sandbox.In("x")));
        Assert.Equal("now a file", Stat.Text(_sandbox.In("d")));
        Assert.Equal("c", Stat.Text(_sandbox.In("f/child")));
        Assert.Equal("a", Stat.Text(_sandbox.In("kept/a")));
        Assert.Equal(Convert.ToUInt32("40700", 8), Stat.Mode(_sandbox.In("kept")));
    }

    [Fact]
    public void CancellationStopsBetweenEntries()
    {
        var tar = new LayerBuilder().File("a", "a").File("b", "b").Tar();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => LayerApplier.Apply(new MemoryStream(tar), _sandbox.Target, cancelled.Token));
        Assert.False(File.Exists(_sandbox.In("b")));
    }
}

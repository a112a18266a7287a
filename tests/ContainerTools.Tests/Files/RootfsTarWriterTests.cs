using System.Formats.Tar;
using ContainerTools.Runtime.Files;
using ContainerTools.Runtime.Layers;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Files;

public sealed class RootfsTarWriterTests : IDisposable
{
    private readonly FileSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void TheLayerApplierReadsTheExportBackToTheSameTree()
    {
        SampleTree.Build(_sandbox.Rootfs);
        // A binary (non UTF-8) file capability must survive byte for byte.
        // cap_setfcap is bit 31: its byte 0x80 is not UTF-8 on its own.
        Run.Tool("setcap", "cap_setfcap,cap_net_raw+ep", _sandbox.InRoot("suid"));
        SampleTree.SetAllTimes(_sandbox.Rootfs);
        var expected = TreeSnapshot.Of(_sandbox.Rootfs);
        var capability = Xattrs.GetNoFollow(_sandbox.InRoot("suid"), "security.capability");
        Assert.Contains(capability!, b => b >= 0x80);

        var tar = Export();
        var target = _sandbox.InHost("applied");
        Directory.CreateDirectory(target);
        LayerApplier.Apply(new MemoryStream(tar), target);

        // The tar carries mtimes to 100 ns; the sample's times are whole multiples of that.
        Assert.Equal(expected, TreeSnapshot.Of(target));
        Assert.Equal(capability, Xattrs.GetNoFollow(Path.Combine(target, "suid"), "security.capability"));
        _sandbox.AssertSentinelUntouched();
    }

    [Fact]
    public void GnuTarListsEveryEntryWithItsType()
    {
        SampleTree.Build(_sandbox.Rootfs);
        var file = _sandbox.InHost("export.tar");
        File.WriteAllBytes(file, Export());

        var listing = Run.Tool("tar", "--numeric-owner", "-tvf", file).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        string Line(string name) => Assert.Single(listing, l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5..]) == name);
        Assert.StartsWith("-rw-r--r-- 1000/1001", Line("file"));
        Assert.StartsWith("-rwsr-xr-x 0/0", Line("suid"));
        Assert.StartsWith("drwxrwsr-x 7/8", Line("shared/"));
        Assert.StartsWith("drwxrwxrwt", Line("tmp/"));
        Assert.StartsWith("lrwxrwxrwx 11/12", Line("link -> file"));
        Assert.Contains("abs -> /etc/passwd", Line("abs -> /etc/passwd"));
        Assert.StartsWith("hrwxr-xr-x", Line("sub/hard2 link to hard1"));
        Assert.StartsWith("prw-r-----", Line("fifo"));
        Assert.StartsWith("crw-rw-rw- 0/0", Line("null"));
        Assert.Contains("1,3", Line("null"));
        Assert.StartsWith("brw-rw----", Line("loop0"));
        Assert.Contains("2020-09-13", Line("file"));
        Assert.StartsWith("lrwxrwxrwx", Line("sub/up -> ../../../../.."));
        Assert.DoesNotContain(listing, l => l.Contains(" ./") || l.Contains("sub/up/"));
        var xattrs = Run.Tool("tar", "--xattrs", "--xattrs-include=*", "-tvvf", file);
        Assert.Contains("user.note", xattrs);
        Assert.Equal("", Run.Tool("tar", "-xf", file, "-C", Directory.CreateDirectory(_sandbox.InHost("gnu")).FullName));
    }

    [Fact]
    public void LeavesOutWhiteoutsOverlayAttributesAndSockets()
    {
        Directory.CreateDirectory(_sandbox.InRoot("dir"));
        File.WriteAllText(_sandbox.InRoot("dir/kept"), "k");
        FileNodes.MakeNode(FileDescriptors.CurrentDirectory, _sandbox.InRoot("dir/gone"), 0x2000, 0, 0);
        Xattrs.SetNoFollow(_sandbox.InRoot("dir"), "trusted.overlay.opaque", "y"u8);
        Xattrs.SetNoFollow(_sandbox.InRoot("dir"), "trusted.keep", "t"u8);
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, 0))
        {
            socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(_sandbox.InRoot("dir/sock")));
        }

        var entries = ReadEntries(Export());

        Assert.Equal(["dir/", "dir/kept"], entries.Select(e => e.Name));
        var dir = Assert.IsType<PaxTarEntry>(entries[0]);
        Assert.Equal("t", dir.ExtendedAttributes["SCHILY.xattr.trusted.keep"]);
        Assert.DoesNotContain(dir.ExtendedAttributes.Keys, k => k.Contains("overlay"));
    }

    [Fact]
    public void SymlinksAreArchivedNeverFollowed()
    {
        _sandbox.PlantHostileLinks();

        var entries = ReadEntries(Export());

        Assert.All(entries, e => Assert.Equal(TarEntryType.SymbolicLink, e.EntryType));
        Assert.Equal(Path.Combine(_sandbox.Sentinel, "etc"), entries.Single(e => e.Name == "etc").LinkName);
        Assert.DoesNotContain(entries, e => e.Name.Contains("passwd"));
    }

    [Fact]
    public void AFileThatGrowsWhileArchivedKeepsTheArchiveWellFormed()
    {
        // The length announced in the header is what goes out, whatever the file holds by then.
        var data = new byte[4096];
        new Random(3).NextBytes(data);
        File.WriteAllBytes(_sandbox.InRoot("f"), data);
        var fd = FileDescriptors.TryOpen(FileDescriptors.CurrentDirectory, _sandbox.InRoot("f"), Tmds.Linux.LibC.O_RDONLY, out _);
        try
        {
            var grown = new FileDataStream(fd, 1000, "f", null);
            var shrunk = new FileDataStream(fd, 5000, "f", null);
            Assert.Equal(1000, ReadAll(grown).Length);
            Tmds.Linux.LibC.lseek(fd, 0, Tmds.Linux.LibC.SEEK_SET);
            var padded = ReadAll(shrunk);
            Assert.Equal(data, padded[..4096]);
            Assert.All(padded[4096..], b => Assert.Equal(0, b));
        }
        finally
        {
            FileDescriptors.Close(fd);
        }
    }

    private byte[] Export()
    {
        var output = new MemoryStream();
        RootfsTarWriter.Write(_sandbox.Rootfs, output);
        return output.ToArray();
    }

    private static List<TarEntry> ReadEntries(byte[] tar)
    {
        var entries = new List<TarEntry>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries.Add(entry);
        }
        return entries;
    }

    private static byte[] ReadAll(Stream stream)
    {
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

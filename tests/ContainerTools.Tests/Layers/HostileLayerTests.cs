using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Layers;

/// <summary>Layers built to escape the target directory. Each must be refused or neutralized, and the host left alone.</summary>
public sealed class HostileLayerTests : IDisposable
{
    private readonly LayerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private void AssertRefused(byte[] tar, string entryName)
    {
        foreach (var layer in new[] { tar, LayerBuilder.Gzip(tar) })
        {
            var error = Assert.Throws<ContainerToolsException>(() => _sandbox.Apply(layer));
            Assert.Equal(ErrorKind.InvalidData, error.Kind);
            Assert.Equal("UnsafeLayerEntry", error.ErrorId);
            Assert.Contains(entryName, error.Message);
            _sandbox.AssertHostUntouched();
        }
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("../outside/victim")]
    [InlineData("a/../../outside/victim")]
    [InlineData("./../target-sibling")]
    public void ParentTraversalIsRefused(string name)
    {
        AssertRefused(new LayerBuilder().File("a/keep", "k").File(name, "pwned").Tar(), name);
        Assert.Equal("original", Stat.Text(Path.Combine(_sandbox.Outside, "victim")));
        Assert.False(File.Exists(Path.Combine(_sandbox.Base, "target-sibling")));
    }

    [Fact]
    public void DotDotThatStaysInsideIsCleanedLexically()
    {
        _sandbox.Apply(new LayerBuilder().File("a/../b/./c", "ok").Tar());

        Assert.Equal("ok", Stat.Text(_sandbox.In("b/c")));
        _sandbox.AssertHostUntouched();
    }

    [Fact]
    public void AbsoluteNamesLandInsideTheTarget()
    {
        var hostPath = Path.Combine(_sandbox.Outside, "absolute");
        var etcName = $"/etc/ct-layer-test-{Guid.NewGuid():N}";
        var tar = new LayerBuilder().File(hostPath, "inside").File(etcName, "inside too").File("//./x", "x").Tar();

        _sandbox.Apply(LayerBuilder.Gzip(tar));

        Assert.False(File.Exists(hostPath));
        Assert.False(File.Exists(etcName));
        Assert.Equal("inside", Stat.Text(_sandbox.In(hostPath.TrimStart('/'))));
        Assert.Equal("inside too", Stat.Text(_sandbox.In(etcName.TrimStart('/'))));
        Assert.Equal("x", Stat.Text(_sandbox.In("x")));
        _sandbox.AssertHostUntouched();
    }

    [Fact]
    public void WritingThroughASymlinkedParentIsRefused()
    {
        var tar = new LayerBuilder().Symlink("link", _sandbox.Outside).File("link/file", "pwned").Tar();

        AssertRefused(tar, "link/file");
        Assert.False(File.Exists(Path.Combine(_sandbox.Outside, "file")));
    }

    [Fact]
    public void ASymlinkedParentDeeperInThePathIsRefused()
    {
        var tar = new LayerBuilder().Directory("a/").Symlink("a/b", "/").File("a/b/etc/shadow", "pwned").Tar();

        AssertRefused(tar, "a/b/etc/shadow");
    }

    [Fact]
    public void ChainsOfSymlinksToDotDotAreRefused()
    {
        var tar = new LayerBuilder()
            .Symlink("up", "..")
            .Symlink("up2", "up/..")
            .File("up2/outside/victim", "pwned")
            .Tar();

        AssertRefused(tar, "up2/outside/victim");
        Assert.Equal("original", Stat.Text(Path.Combine(_sandbox.Outside, "victim")));
    }

    [Fact]
    public void ASymlinkToDotDotUsedAsDirectoryEntryIsRefused()
    {
        var tar = new LayerBuilder().Symlink("up", "../..").Directory("up/escaped/").Tar();

        AssertRefused(tar, "up/escaped/");
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("etc/passwd")]
    [InlineData("../sentinel/etc/passwd")]
    public void HardLinksToFilesOutsideTheLayerAreRefused(string target)
    {
        var passwdBefore = Stat.Of("/etc/passwd");

        AssertRefused(new LayerBuilder().HardLink("stolen", target).File("stolen", "overwrite").Tar(), "stolen");

        Assert.Equal((ulong)passwdBefore.st_nlink, (ulong)Stat.Of("/etc/passwd").st_nlink);
        Assert.False(File.Exists(_sandbox.In("stolen")));
    }

    [Fact]
    public void AHardLinkThroughASymlinkedParentIsRefused()
    {
        var tar = new LayerBuilder().Symlink("hostetc", Path.Combine(_sandbox.Sentinel, "etc")).HardLink("stolen", "hostetc/passwd").Tar();

        AssertRefused(tar, "stolen");
    }

    [Fact]
    public void AHardLinkToASymlinkLinksTheSymlinkNotWhereItPoints()
    {
        var passwd = Path.Combine(_sandbox.Sentinel, "etc", "passwd");
        var tar = new LayerBuilder().Symlink("l", passwd).HardLink("h", "l").File("h", "overwrite").Tar();

        _sandbox.Apply(tar);

        Assert.Equal(1ul, (ulong)Stat.Of(passwd).st_nlink);
        Assert.Equal("overwrite", Stat.Text(_sandbox.In("h")));
        Assert.Equal(FileNodeKind.Symlink, FileNodes.KindOf(Stat.Mode(_sandbox.In("l"))));
        _sandbox.AssertHostUntouched();
    }

    [Fact]
    public void ALaterEntryReplacesASymlinkInsteadOfWritingThroughIt()
    {
        var victim = Path.Combine(_sandbox.Outside, "victim");
        var fresh = Path.Combine(_sandbox.Outside, "fresh");
        var tar = new LayerBuilder()
            .Symlink("f", victim).File("f", "replaced")
            .Symlink("g", fresh).File("g", "replaced")
            .Symlink("d", _sandbox.Outside).Directory("d/", (UnixFileMode)0b111_111_111)
            .Symlink("n", fresh).Fifo("n")
            .Symlink("ln", victim).HardLink("ln", "f")
            .Tar();

        _sandbox.Apply(tar);

        Assert.Equal("replaced", Stat.Text(_sandbox.In("f")));
        Assert.Equal("replaced", Stat.Text(_sandbox.In("g")));
        Assert.Equal(FileNodeKind.Directory, FileNodes.KindOf(Stat.Mode(_sandbox.In("d"))));
        Assert.Equal("replaced", Stat.Text(_sandbox.In("ln")));
        Assert.Equal("original", Stat.Text(victim));
        Assert.False(File.Exists(fresh));
        _sandbox.AssertHostUntouched();
    }

    [Fact]
    public void ReplacingADirectoryHoldingASymlinkDoesNotFollowIt()
    {
        var tar = new LayerBuilder().Directory("d/").Symlink("d/out", _sandbox.Outside).File("d", "now a file").Tar();

        _sandbox.Apply(tar);

        Assert.Equal("now a file", Stat.Text(_sandbox.In("d")));
        _sandbox.AssertHostUntouched();
    }

    [Fact]
    public void WhiteoutsCannotClimbOrWriteThroughSymlinks()
    {
        AssertRefused(new LayerBuilder().Whiteout("../.wh.victim").Tar(), "../.wh.victim");
        AssertRefused(new LayerBuilder().Symlink("out", _sandbox.Outside).Whiteout("out/.wh.victim").Tar(), "out/.wh.victim");
        AssertRefused(new LayerBuilder().Symlink("out", _sandbox.Outside).Whiteout("out/.wh..wh..opq").Tar(), "out/.wh..wh..opq");
        Assert.Null(Xattrs.GetNoFollow(_sandbox.Outside, "trusted.overlay.opaque"));
    }
}

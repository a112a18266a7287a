using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Runtime;

/// <summary>Mount targets from an image never resolve outside its rootfs, whatever its symlinks say.</summary>
public sealed class PathInRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ct-pathinroot-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AnAbsoluteSymlinkIsResolvedInsideTheRoot()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.CreateSymbolicLink(Path.Combine(_root, "dev"), "/etc");

        Assert.Equal(_root + "/etc/passwd", PathInRoot.Resolve(_root, "/dev/passwd"));
    }

    [Fact]
    public void DotDotStopsAtTheRoot()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "up"), "../../../../tmp");

        Assert.Equal(_root + "/x", PathInRoot.Resolve(_root, "/../../x"));
        Assert.Equal(_root + "/tmp/y", PathInRoot.Resolve(_root, "/up/y"));
    }

    [Fact]
    public void RelativeLinksChainAndMissingTailsStayLiteral()
    {
        Directory.CreateDirectory(Path.Combine(_root, "usr", "lib"));
        File.CreateSymbolicLink(Path.Combine(_root, "lib"), "usr/lib");
        File.CreateSymbolicLink(Path.Combine(_root, "usr", "lib", "here"), "../share");

        Assert.Equal(_root + "/usr/share/new/dir", PathInRoot.Resolve(_root, "/lib/here/new/dir"));
    }

    [Fact]
    public void ASymlinkLoopFails()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(_root, "b"), "a");

        var error = Assert.Throws<SystemCallException>(() => PathInRoot.Resolve(_root, "/a/x"));
        Assert.Equal(40, error.Errno);
    }
}

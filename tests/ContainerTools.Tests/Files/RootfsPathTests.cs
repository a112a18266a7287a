using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Files;
using ContainerTools.OciRuntime.Linux;
using Microsoft.Win32.SafeHandles;

namespace ContainerTools.Tests.Files;

public sealed class RootfsPathTests : IDisposable
{
    private readonly FileSandbox _sandbox = new();

    public RootfsPathTests()
    {
        Directory.CreateDirectory(_sandbox.InRoot("a/b/c"));
        File.WriteAllText(_sandbox.InRoot("a/b/file"), "in-root");
        Directory.CreateDirectory(_sandbox.InRoot("etc-real"));
        File.WriteAllText(_sandbox.InRoot("etc-real/passwd"), "container-passwd");
        _sandbox.PlantHostileLinks();
        File.CreateSymbolicLink(_sandbox.InRoot("dirlink"), "a/b");
        File.CreateSymbolicLink(_sandbox.InRoot("abs-in"), "/a/b/file");
        File.CreateSymbolicLink(_sandbox.InRoot("a/b/c/up3"), "../../../../../..");
        File.CreateSymbolicLink(_sandbox.InRoot("loop1"), "loop2");
        File.CreateSymbolicLink(_sandbox.InRoot("loop2"), "loop1");
        File.CreateSymbolicLink(_sandbox.InRoot("dangling"), "/nowhere/at/all");
        File.CreateSymbolicLink(_sandbox.InRoot("chain1"), "/dirlink/../b/c/up3/a");
        // Where the hostile absolute link leads once scoped: a directory inside the root with the sentinel's path.
        Directory.CreateDirectory(_sandbox.InRoot(_sandbox.Sentinel + "/etc"));
        File.WriteAllText(_sandbox.InRoot(_sandbox.Sentinel + "/etc/passwd"), "scoped");
    }

    public void Dispose() => _sandbox.Dispose();

    public static TheoryData<string, RootfsOpenFlags> Cases()
    {
        var paths = new[]
        {
            "/", "", ".", "..", "/../../..", "a/b", "/a/b/file", "a/b/file/", "a/b/file/.", "a/b/missing", "abs", "abs/etc/passwd",
            "rel", "rel/etc/passwd", "up", "up/victim", "etc", "etc/passwd", "victim", "dirlink", "dirlink/", "dirlink/..",
            "dirlink/../b/file", "abs-in", "a/b/c/up3", "a/b/c/up3/a/b/file", "loop1", "dangling", "dangling/x", "chain1",
            "a//b///file", "/a/./b/../b/file",
        };
        var data = new TheoryData<string, RootfsOpenFlags>();
        foreach (var path in paths)
        {
            data.Add(path, RootfsOpenFlags.PathOnly);
            data.Add(path, RootfsOpenFlags.NoFollow);
            data.Add(path, RootfsOpenFlags.Read);
            data.Add(path, RootfsOpenFlags.Directory);
            data.Add(path, RootfsOpenFlags.Directory | RootfsOpenFlags.NoFollow);
            data.Add(path, RootfsOpenFlags.Read | RootfsOpenFlags.NoFollow);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheFallbackWalkAnswersExactlyAsOpenat2(string path, RootfsOpenFlags flags)
    {
        var kernel = Describe(path, flags, ResolveMode.Openat2);
        var walk = Describe(path, flags, ResolveMode.Walk);

        Assert.Equal(kernel, walk);
        Assert.DoesNotContain(_sandbox.Sentinel + "/", kernel.Replace(_sandbox.Rootfs + _sandbox.Sentinel, "<scoped>"));
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void HostileLinksResolveInsideTheRoot(string resolver)
    {
        var mode = Resolver.Parse(resolver);
        Assert.Equal(_sandbox.InRoot(_sandbox.Sentinel + "/etc/passwd"), Target("abs/etc/passwd", mode));
        Assert.Equal(_sandbox.InRoot(_sandbox.Sentinel + "/etc/passwd"), Target("rel/etc/passwd", mode));
        Assert.Equal(_sandbox.InRoot(_sandbox.Sentinel + "/etc/passwd"), Target("etc/passwd", mode));
        Assert.Equal(_sandbox.Rootfs, Target("/../../..", mode));
        Assert.Equal(_sandbox.Rootfs, Target("a/b/c/up3", mode));
        Assert.Equal(_sandbox.InRoot("a/b/file"), Target("abs-in", mode));
        var missing = Assert.Throws<ContainerToolsException>(() => Target("up/victim", mode));
        Assert.Equal("ContainerPathNotFound", missing.ErrorId);
        using (var handle = RootfsPath.Open(_sandbox.Rootfs, "/etc/passwd", RootfsOpenFlags.Read))
        using (var stream = new FileStream(handle, FileAccess.Read))
        using (var reader = new StreamReader(stream))
        {
            Assert.Equal("scoped", reader.ReadToEnd());
        }
        _sandbox.AssertSentinelUntouched();
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void ErrorsNameWhatTheUserGotWrong(string resolver)
    {
        var mode = Resolver.Parse(resolver);
        Assert.Equal("ContainerPathNotFound", Assert.Throws<ContainerToolsException>(() => Target("a/missing", mode)).ErrorId);
        Assert.Equal("TooManySymlinks", Assert.Throws<ContainerToolsException>(() => Target("loop1", mode)).ErrorId);
        Assert.Equal("NotADirectory", Assert.Throws<ContainerToolsException>(() => Target("a/b/file/x", mode)).ErrorId);
        Assert.Equal("RootfsNotFound", Assert.Throws<ContainerToolsException>(
            () => RootfsPath.Open(_sandbox.InRoot("no-such-root"), "/", RootfsOpenFlags.PathOnly, mode)).ErrorId);
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void OpenParentResolvesTheDirectoryAndLeavesTheLeafAlone(string resolver)
    {
        var mode = Resolver.Parse(resolver);
        using (var parent = RootfsPath.OpenParent(_sandbox.Rootfs, "/abs/etc/passwd", out var leaf, mode))
        {
            Assert.Equal("passwd", leaf);
            Assert.Equal(_sandbox.InRoot(_sandbox.Sentinel + "/etc"), ProcTarget(parent));
        }
        using (var parent = RootfsPath.OpenParent(_sandbox.Rootfs, "victim", out var leaf, mode))
        {
            Assert.Equal("victim", leaf);
            Assert.Equal(_sandbox.Rootfs, ProcTarget(parent));
        }
        Assert.Equal("InvalidPath", Assert.Throws<ContainerToolsException>(
            () => RootfsPath.OpenParent(_sandbox.Rootfs, "/a/..", out _, mode)).ErrorId);
    }

    private string Target(string path, ResolveMode mode)
    {
        using var handle = RootfsPath.Open(_sandbox.Rootfs, path, RootfsOpenFlags.PathOnly, mode);
        return ProcTarget(handle);
    }

    private static string ProcTarget(SafeFileHandle handle) =>
        new FileInfo(FileDescriptors.ProcPath((int)handle.DangerousGetHandle())).LinkTarget!;

    /// <summary>What an open gives: the object (path, inode) and how it was opened, or the errno.</summary>
    private string Describe(string path, RootfsOpenFlags flags, ResolveMode mode)
    {
        var root = RootfsPath.OpenRoot(_sandbox.Rootfs);
        try
        {
            var fd = RootfsPath.TryOpen(root, path, RootfsPath.ToOpenFlags(flags), mode, out var error);
            if (fd < 0)
            {
                return $"errno {error}";
            }
            try
            {
                var st = FileNodes.Stat(fd, out _);
                var target = new FileInfo(FileDescriptors.ProcPath(fd)).LinkTarget;
                var fdFlags = Convert.ToUInt32(File.ReadAllLines($"/proc/self/fdinfo/{fd}").Single(l => l.StartsWith("flags:"))[6..].Trim(), 8);
                // O_NOFOLLOW is recorded only when it was passed, and the walk passes it on every reopen: not a difference.
                fdFlags &= ~Convert.ToUInt32("400000", 8);
                return $"{target} ino {(ulong)st.st_ino} mode {Convert.ToString((uint)(ushort)st.st_mode, 8)} flags {Convert.ToString(fdFlags, 8)}";
            }
            finally
            {
                FileDescriptors.Close(fd);
            }
        }
        finally
        {
            FileDescriptors.Close(root);
        }
    }
}

using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Files;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Files;

public sealed class ContainerFileCopyTests : IDisposable
{
    private readonly FileSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private static void CopyOut(FileSandbox box, string containerPath, string host, string resolver) =>
        ContainerFileCopy.CopyOut(box.Rootfs, containerPath, host, null, default, Resolver.Parse(resolver));

    private static void CopyIn(FileSandbox box, string host, string containerPath, string resolver) =>
        ContainerFileCopy.CopyIn(host, box.Rootfs, containerPath, null, default, Resolver.Parse(resolver));

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void CopyOutKeepsModesOwnersTimesLinksDevicesAndXattrs(string resolver)
    {
        SampleTree.Build(_sandbox.InRoot("srv/tree"));
        var expected = TreeSnapshot.Of(_sandbox.InRoot("srv/tree"));

        CopyOut(_sandbox, "/srv/tree", _sandbox.InHost("out"), resolver);

        Assert.Equal(expected, TreeSnapshot.Of(_sandbox.InHost("out")));
        Assert.Equal(TreeSnapshot.Top(_sandbox.InRoot("srv/tree")), TreeSnapshot.Top(_sandbox.InHost("out")));
        // The container's absolute link is copied as a link, never as the host's /etc/passwd.
        Assert.Equal("/etc/passwd", new FileInfo(_sandbox.InHost("out/abs")).LinkTarget);
        Assert.Equal(FileNodeKind.Symlink, FileNodes.Kind(FileDescriptors.CurrentDirectory, _sandbox.InHost("out/abs")));
        _sandbox.AssertSentinelUntouched();
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void CopyInKeepsModesOwnersTimesLinksDevicesAndXattrs(string resolver)
    {
        SampleTree.Build(_sandbox.InHost("tree"));
        var expected = TreeSnapshot.Of(_sandbox.InHost("tree"));
        Directory.CreateDirectory(_sandbox.InRoot("srv"));

        CopyIn(_sandbox, _sandbox.InHost("tree"), "/srv/copy", resolver);

        Assert.Equal(expected, TreeSnapshot.Of(_sandbox.InRoot("srv/copy")));
        Assert.Equal(TreeSnapshot.Top(_sandbox.InHost("tree")), TreeSnapshot.Top(_sandbox.InRoot("srv/copy")));
        var hard1 = Stat(_sandbox.InRoot("srv/copy/hard1"));
        var hard2 = Stat(_sandbox.InRoot("srv/copy/sub/hard2"));
        Assert.Equal((ulong)hard1.st_ino, (ulong)hard2.st_ino);
        _sandbox.AssertSentinelUntouched();
    }

    [Fact]
    public void WithoutKeepOwnersNewEntriesBelongToTheCaller()
    {
        SampleTree.Build(_sandbox.InHost("tree"));

        ContainerFileCopy.CopyIn(_sandbox.InHost("tree"), _sandbox.Rootfs, "/copy", new FileCopyOptions(KeepOwners: false));

        Assert.Equal(0u, (uint)Stat(_sandbox.InRoot("copy/file")).st_uid);
        Assert.Equal(0u, (uint)Stat(_sandbox.InRoot("copy/shared")).st_gid);
        Assert.Equal(Convert.ToUInt32("100600", 8), (uint)(ushort)Stat(_sandbox.InRoot("copy/private")).st_mode);
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void FollowsTheDockerCpRulesForFiles(string resolver)
    {
        Directory.CreateDirectory(_sandbox.InRoot("etc"));
        File.WriteAllText(_sandbox.InRoot("etc/hostname"), "box\n");
        Directory.CreateDirectory(_sandbox.InHost("dir"));
        File.WriteAllText(_sandbox.InHost("existing"), "old content that is longer");

        CopyOut(_sandbox, "/etc/hostname", _sandbox.InHost("new"), resolver);           // missing -> that file
        CopyOut(_sandbox, "etc/hostname", _sandbox.InHost("existing"), resolver);       // a file -> overwritten
        CopyOut(_sandbox, "/etc/hostname", _sandbox.InHost("dir"), resolver);           // a directory -> into it
        CopyIn(_sandbox, _sandbox.InHost("new"), "/etc/", resolver);                     // into a container dir

        Assert.Equal("box\n", File.ReadAllText(_sandbox.InHost("new")));
        Assert.Equal("box\n", File.ReadAllText(_sandbox.InHost("existing")));
        Assert.Equal("box\n", File.ReadAllText(_sandbox.InHost("dir/hostname")));
        Assert.Equal("box\n", File.ReadAllText(_sandbox.InRoot("etc/new")));
        var missingDir = Assert.Throws<ContainerToolsException>(() => CopyOut(_sandbox, "/etc/hostname", _sandbox.InHost("nodir/"), resolver));
        Assert.Equal("PathNotFound", missingDir.ErrorId);
        var missingParent = Assert.Throws<ContainerToolsException>(() => CopyIn(_sandbox, _sandbox.InHost("new"), "/no/such/file", resolver));
        Assert.Equal("ContainerPathNotFound", missingParent.ErrorId);
        Assert.Equal(ErrorKind.NotFound, missingParent.Kind);
        var missingSource = Assert.Throws<ContainerToolsException>(() => CopyOut(_sandbox, "/etc/nothing", _sandbox.InHost("x"), resolver));
        Assert.Equal("ContainerPathNotFound", missingSource.ErrorId);
        var missingHostSource = Assert.Throws<ContainerToolsException>(() => CopyIn(_sandbox, _sandbox.InHost("nothing"), "/etc", resolver));
        Assert.Equal("PathNotFound", missingHostSource.ErrorId);
        Assert.False(File.Exists(_sandbox.InHost("x")));
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void FollowsTheDockerCpRulesForDirectories(string resolver)
    {
        Directory.CreateDirectory(_sandbox.InRoot("data/inner"));
        File.WriteAllText(_sandbox.InRoot("data/a"), "a");
        File.WriteAllText(_sandbox.InRoot("data/inner/b"), "b");
        Directory.CreateDirectory(_sandbox.InHost("into"));
        Directory.CreateDirectory(_sandbox.InHost("merge"));
        File.WriteAllText(_sandbox.InHost("merge/kept"), "kept");
        File.WriteAllText(_sandbox.InHost("file"), "f");

        CopyOut(_sandbox, "/data", _sandbox.InHost("created"), resolver);   // missing -> created as a copy
        CopyOut(_sandbox, "/data", _sandbox.InHost("into"), resolver);      // existing dir -> into it
        CopyOut(_sandbox, "/data/.", _sandbox.InHost("merge"), resolver);   // "/." -> contents merged
        CopyOut(_sandbox, "/", _sandbox.InHost("root"), resolver);          // the whole root

        Assert.Equal("b", File.ReadAllText(_sandbox.InHost("created/inner/b")));
        Assert.Equal("a", File.ReadAllText(_sandbox.InHost("into/data/a")));
        Assert.Equal("a", File.ReadAllText(_sandbox.InHost("merge/a")));
        Assert.Equal("kept", File.ReadAllText(_sandbox.InHost("merge/kept")));
        Assert.Equal("b", File.ReadAllText(_sandbox.InHost("root/data/inner/b")));
        var ontoFile = Assert.Throws<ContainerToolsException>(() => CopyOut(_sandbox, "/data", _sandbox.InHost("file"), resolver));
        Assert.Equal("CannotCopyDirectoryOntoFile", ontoFile.ErrorId);
        File.WriteAllText(_sandbox.InHost("clash"), "not a dir");
        Directory.CreateDirectory(_sandbox.InHost("holder/data"));
        File.WriteAllText(_sandbox.InHost("holder/data/inner"), "a file where the source has a directory");
        var clash = Assert.Throws<ContainerToolsException>(() => CopyOut(_sandbox, "/data", _sandbox.InHost("holder"), resolver));
        Assert.Equal("CannotOverwriteNonDirectoryWithDirectory", clash.ErrorId);
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void HostileLinksNeverLeadCopyInOntoTheHost(string resolver)
    {
        _sandbox.PlantHostileLinks();
        File.WriteAllText(_sandbox.InHost("payload"), "pwned");
        Directory.CreateDirectory(_sandbox.InHost("payload-dir"));
        File.WriteAllText(_sandbox.InHost("payload-dir/passwd"), "pwned");
        // Where the absolute link leads once scoped to the root.
        Directory.CreateDirectory(_sandbox.InRoot(_sandbox.Sentinel));

        foreach (var target in new[] { "/abs/victim", "/rel/victim", "/abs/etc-new", "/up/victim", "/etc/passwd", "/victim", "/abs", "/rel" })
        {
            try { CopyIn(_sandbox, _sandbox.InHost("payload"), target, resolver); }
            catch (ContainerToolsException) { }
        }
        foreach (var target in new[] { "/abs", "/rel", "/etc", "/up" })
        {
            try { CopyIn(_sandbox, _sandbox.InHost("payload-dir"), target, resolver); }
            catch (ContainerToolsException) { }
            try { CopyIn(_sandbox, _sandbox.InHost("payload-dir") + "/.", target, resolver); }
            catch (ContainerToolsException) { }
        }

        _sandbox.AssertSentinelUntouched();
        // The writes landed inside the root: through the scoped absolute link, or replacing the link itself.
        Assert.Equal("pwned", File.ReadAllText(_sandbox.InRoot(_sandbox.Sentinel + "/victim")));
        Assert.Equal("pwned", File.ReadAllText(_sandbox.InRoot(_sandbox.Sentinel + "/payload-dir/passwd")));
        Assert.Equal(FileNodeKind.RegularFile, FileNodes.Kind(FileDescriptors.CurrentDirectory, _sandbox.InRoot("victim")));
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void HostileLinksNeverLeadCopyOutToHostFiles(string resolver)
    {
        _sandbox.PlantHostileLinks();
        File.CreateSymbolicLink(_sandbox.InRoot("secret"), Path.Combine(_sandbox.Sentinel, "etc", "passwd"));

        CopyOut(_sandbox, "/secret", _sandbox.InHost("secret"), resolver);
        CopyOut(_sandbox, "/etc", _sandbox.InHost("etc"), resolver);
        foreach (var source in new[] { "/abs/etc/passwd", "/rel/etc/passwd", "/up/etc/passwd", "/etc/passwd", "/abs/", "/etc/." })
        {
            var error = Assert.Throws<ContainerToolsException>(() => CopyOut(_sandbox, source, _sandbox.InHost("leak"), resolver));
            Assert.Equal("ContainerPathNotFound", error.ErrorId);
        }

        Assert.Equal(Path.Combine(_sandbox.Sentinel, "etc", "passwd"), new FileInfo(_sandbox.InHost("secret")).LinkTarget);
        Assert.Equal(FileNodeKind.Symlink, FileNodes.Kind(FileDescriptors.CurrentDirectory, _sandbox.InHost("etc")));
        Assert.False(Path.Exists(_sandbox.InHost("leak")));
        _sandbox.AssertSentinelUntouched();
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void MergingIntoAContainerDirectoryNeverWritesThroughItsLinks(string resolver)
    {
        // The container holds dir/sub as a link to the host; the source has a real directory and a file there.
        Directory.CreateDirectory(_sandbox.InRoot("dir"));
        File.CreateSymbolicLink(_sandbox.InRoot("dir/sub"), Path.Combine(_sandbox.Sentinel, "etc"));
        File.CreateSymbolicLink(_sandbox.InRoot("dir/file"), Path.Combine(_sandbox.Sentinel, "victim"));
        Directory.CreateDirectory(_sandbox.InHost("src/sub"));
        File.WriteAllText(_sandbox.InHost("src/sub/passwd"), "pwned");
        File.WriteAllText(_sandbox.InHost("src/file"), "pwned");

        var error = Assert.Throws<ContainerToolsException>(() => CopyIn(_sandbox, _sandbox.InHost("src") + "/.", "/dir", resolver));

        Assert.Equal("CannotOverwriteNonDirectoryWithDirectory", error.ErrorId);
        _sandbox.AssertSentinelUntouched();
        Directory.Delete(_sandbox.InHost("src/sub"), recursive: true);
        CopyIn(_sandbox, _sandbox.InHost("src") + "/.", "/dir", resolver);
        Assert.Equal("pwned", File.ReadAllText(_sandbox.InRoot("dir/file")));
        Assert.Equal(FileNodeKind.RegularFile, FileNodes.Kind(FileDescriptors.CurrentDirectory, _sandbox.InRoot("dir/file")));
        _sandbox.AssertSentinelUntouched();
    }

    [Theory]
    [InlineData("openat2")]
    [InlineData("walk")]
    public void CopyOutAsTarNamesEntriesFromTheSourceAndStaysInside(string resolver)
    {
        SampleTree.Build(_sandbox.InRoot("srv/tree"));
        _sandbox.PlantHostileLinks();
        var mode = Resolver.Parse(resolver);

        var tree = Names(output => ContainerFileCopy.CopyOutAsTar(_sandbox.Rootfs, "/srv/tree", output, default, mode));
        var contents = Names(output => ContainerFileCopy.CopyOutAsTar(_sandbox.Rootfs, "/srv/tree/.", output, default, mode));
        var link = Names(output => ContainerFileCopy.CopyOutAsTar(_sandbox.Rootfs, "/etc", output, default, mode));

        Assert.Equal("tree/", tree[0]);
        Assert.Contains("tree/sub/deep/file", tree);
        Assert.Contains("sub/deep/file", contents);
        Assert.DoesNotContain(contents, n => n.StartsWith("tree", StringComparison.Ordinal));
        Assert.Equal(["etc"], link);
        Assert.Equal("ContainerPathNotFound", Assert.Throws<ContainerToolsException>(
            () => Names(output => ContainerFileCopy.CopyOutAsTar(_sandbox.Rootfs, "/etc/passwd", output, default, mode))).ErrorId);
        _sandbox.AssertSentinelUntouched();
    }

    private static List<string> Names(Action<Stream> write)
    {
        var output = new MemoryStream();
        write(output);
        output.Position = 0;
        var names = new List<string>();
        using var reader = new System.Formats.Tar.TarReader(output);
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }
        return names;
    }

    [Fact]
    public void CopyingADirectoryIntoItselfCopiesItOnce()
    {
        Directory.CreateDirectory(_sandbox.InRoot("a"));
        File.WriteAllText(_sandbox.InRoot("a/f"), "f");

        ContainerFileCopy.CopyIn(_sandbox.InRoot("a"), _sandbox.Rootfs, "/a/b");

        Assert.Equal("f", File.ReadAllText(_sandbox.InRoot("a/b/f")));
        Assert.False(Directory.Exists(_sandbox.InRoot("a/b/b")));
    }

    private static Tmds.Linux.stat Stat(string path)
    {
        var st = FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out var errno);
        Assert.Equal(0, errno);
        return st;
    }
}

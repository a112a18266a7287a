using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Files;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Tests.Files;

/// <summary>
/// The small-file paths every container start takes (state files, cgroup and name files, the store's directories)
/// through plain open/read/write/close: they must keep what FileStream and Directory.CreateDirectory gave.
/// </summary>
public sealed class WholeFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ct-wholefile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AnAtomicWriteReplacesTheFileAndReportsTheVersionUnderItsName()
    {
        var path = Path.Combine(_dir, "missing", "state.json");
        AtomicFile.WriteAllText(path, "old");

        var written = AtomicFile.Write(path, "new content"u8, durable: false);

        Assert.Equal("new content", File.ReadAllText(path));
        var named = FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out var errno);
        Assert.Equal(0, errno);
        Assert.Equal((named.st_ino, named.st_size, named.st_ctim.tv_nsec), (written.st_ino, written.st_size, written.st_ctim.tv_nsec));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void ACachedWriteIsReadBackWithoutParsingUntilAnotherWriterReplacesIt()
    {
        var path = Path.Combine(_dir, "state.json");
        var cache = new StateFileCache<ContainerRuntimeState>(ContainerStateJson.Default.ContainerRuntimeState);
        var saved = new ContainerRuntimeState { Status = ContainerStatus.Running, Pid = 42 };

        cache.Write(path, saved, durable: false);

        Assert.Same(saved, cache.Read(path));
        StateFiles.Write(path, saved with { Pid = 43 }, ContainerStateJson.Default.ContainerRuntimeState, durable: false);
        Assert.Equal(43, cache.Read(path)!.Pid);
        File.Delete(path);
        Assert.Null(cache.Read(path));
    }

    [Fact]
    public void ACacheForgetsTheFilesThatAreGoneOnceItHoldsMany()
    {
        var cache = new StateFileCache<string>((json, _) => System.Text.Encoding.UTF8.GetString(json));
        var paths = Enumerable.Range(0, 100).Select(i => Path.Combine(_dir, $"file-{i}")).ToList();
        foreach (var path in paths.Take(60)) File.WriteAllText(path, path);
        foreach (var path in paths.Take(60)) Assert.Equal(path, cache.Read(path));
        foreach (var path in paths.Take(59)) File.Delete(path);

        foreach (var path in paths.Skip(60))
        {
            File.WriteAllText(path, path);
            Assert.Equal(path, cache.Read(path));
        }

        // Pruned when it passed 64: the 59 deleted went, the file still there and those read after stayed.
        Assert.Equal(41, cache.Count);
        Assert.Equal(paths[59], cache.Read(paths[59]));
    }

    [Fact]
    public void ReadsAFileTheKernelReportsEmptyWhole()
    {
        var status = WholeFiles.TryRead("/proc/self/status");

        Assert.NotNull(status);
        Assert.Contains("CapBnd:", System.Text.Encoding.ASCII.GetString(status));
        Assert.Null(WholeFiles.TryRead(Path.Combine(_dir, "nothing", "here")));
    }

    [Fact]
    public void AnInPlaceWriteKeepsTheInodeAndCutsTheOldTail()
    {
        var path = Path.Combine(_dir, "hosts");
        WholeFiles.WriteInPlace(path, "a much longer first version\n"u8);
        var inode = new FileInfo(path).Exists ? FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out _).st_ino : 0;

        WholeFiles.WriteInPlace(path, "short\n"u8);

        Assert.Equal("short\n", File.ReadAllText(path));
        Assert.Equal(inode, FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out _).st_ino);
    }

    [Fact]
    public void AWriteToAnExistingFileNeverCreatesOne()
    {
        var path = Path.Combine(_dir, "memory.max");

        var missing = Assert.Throws<ContainerToolsException>(() => CgroupFiles.Write(_dir, "memory.max", "1"));
        Assert.Equal(ErrorIds.CgroupControllerUnavailable.Name, missing.ErrorId);
        Assert.False(File.Exists(path));
        File.WriteAllText(path, "max\n");
        CgroupFiles.Write(_dir, "memory.max", "1");
        Assert.Equal("1", File.ReadAllText(path));
    }

    [Fact]
    public void TheStoreTreeIsMadeAgainWhenOneOfItsDirectoriesWasRemoved()
    {
        var root = new StoreRoot(Path.Combine(_dir, "store"));
        root.EnsureCreated();
        Directory.Delete(root.LocksDirectory);

        root.EnsureCreated();

        Assert.True(Directory.Exists(root.LocksDirectory));
        Directory.Delete(root.Path, recursive: true);
        root.EnsureCreated();
        Assert.True(Directory.Exists(root.ContainersDirectory));
    }

    [Fact]
    public void MakingADirectoryEmptyRemovesWhatItHeld()
    {
        var work = Path.Combine(_dir, "work");
        Directory.CreateDirectory(Path.Combine(work, "work", "incompat"));
        File.WriteAllText(Path.Combine(work, "work", "incompat", "dirty"), "");

        Directories.MakeEmpty(work);
        Directories.MakeEmpty(Path.Combine(_dir, "fresh"));
        Directories.Make(work);

        Assert.Empty(Directory.EnumerateFileSystemEntries(work));
        Assert.True(Directory.Exists(Path.Combine(_dir, "fresh")));
    }

    [Fact]
    public void AMountPointIsSeenAsOneAndItsParentIsNot()
    {
        var target = Path.Combine(_dir, "mnt");
        Directory.CreateDirectory(target);
        Assert.False(OverlayMount.IsMountPoint(target));
        Assert.False(OverlayMount.IsMountPoint(Path.Combine(_dir, "absent")));
        Mounts.Mount("tmpfs", target, "tmpfs", 0);
        try
        {
            Assert.True(OverlayMount.IsMountPoint(target));
            Assert.False(OverlayMount.IsMountPoint(_dir));
            Assert.Contains(target, OverlayMount.MountsUnder(_dir));
        }
        finally
        {
            OverlayMount.Unmount(target);
        }
        Assert.False(OverlayMount.IsMountPoint(target));
    }
}

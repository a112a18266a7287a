using ContainerTools.Runtime.Oci;

namespace ContainerTools.Tests.Runtime;

/// <summary>LaunchRequest.CgroupJoinFiles: the container joins the caller's cgroups before its cgroup namespace starts.</summary>
public sealed class ContainerCgroupTests : IDisposable
{
    private readonly BusyboxBundle _bundle = new();
    private readonly TestCgroup _cgroup = TestCgroup.Create();

    public void Dispose()
    {
        _cgroup.Dispose();
        _bundle.Dispose();
    }

    [Fact]
    public void TheProcessRunsInTheGivenCgroup()
    {
        var spec = BusyboxBundle.Shell("cat /proc/self/cgroup; exit 0");
        // Without a cgroup namespace the container sees host cgroup paths, so the placement is visible.
        spec = spec with { Linux = spec.Linux with { Namespaces = spec.Linux.Namespaces.Where(ns => ns.Type != "cgroup").ToList() } };

        var result = ContainerRun.Run(_bundle, spec, [_cgroup.ProcsFile]);

        Assert.Contains(_cgroup.ProcCgroupLine, result.Lines);
    }

    [Fact]
    public void TheCgroupNamespaceIsRootedAtTheContainersCgroup()
    {
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell("cat /proc/self/cgroup; exit 0"), [_cgroup.ProcsFile]);

        Assert.Contains(_cgroup.ProcCgroupLine[.._cgroup.ProcCgroupLine.LastIndexOf(':')] + ":/", result.Lines);
        Assert.DoesNotContain(result.Lines, line => line.Contains(_cgroup.Name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheCgroupFilesystemShowsOnlyTheContainersCgroupReadOnly(bool joinThroughTasks)
    {
        var inside = _cgroup.IsV1 ? "/sys/fs/cgroup/pids" : "/sys/fs/cgroup";
        // Joined through v1 "tasks", ctinit's other threads stay behind until execve ends them: the cgroup must then
        // hold the container's processes and nothing of ctinit.
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell(
            $"cat {inside}/cgroup.procs; echo threads; cat {inside}/tasks 2>/dev/null; mkdir {inside}/sub; echo rc=$?"),
            [joinThroughTasks ? _cgroup.JoinFile : _cgroup.ProcsFile]);

        // sh (PID 1) and cat: the namespace root is the test's fresh cgroup, which holds nothing else.
        var threadsAt = Array.IndexOf(result.Lines.ToArray(), "threads");
        Assert.Equal("1", result.Lines[0]);
        Assert.Equal(2, result.Lines.Take(threadsAt).Count(line => int.TryParse(line, out _)));
        // v1 lists threads too: sh and cat, one each (v2 has no tasks file).
        Assert.Equal(_cgroup.IsV1 ? 2 : 0, result.Lines.Skip(threadsAt + 1).Count(line => int.TryParse(line, out _)));
        Assert.Contains("rc=1", result.Lines);
        Assert.False(System.IO.Directory.Exists(Path.Combine(_cgroup.Directory, "sub")));
    }
}

/// <summary>A fresh cgroup under this process's own pids cgroup (v1) or its own cgroup (v2); removed on Dispose.</summary>
internal sealed class TestCgroup : IDisposable
{
    private TestCgroup(string directory, string name, string procCgroupLine, bool isV1)
    {
        IsV1 = isV1;
        Directory = directory;
        Name = name;
        ProcCgroupLine = procCgroupLine;
    }

    public bool IsV1 { get; }
    public string Directory { get; }
    public string Name { get; }
    public string ProcsFile => Path.Combine(Directory, "cgroup.procs");
    /// <summary>What the engine hands ctinit (Cgroup.JoinFiles): "tasks" on v1, which moves only the writing thread.</summary>
    public string JoinFile => Path.Combine(Directory, IsV1 ? "tasks" : "cgroup.procs");
    /// <summary>The /proc/PID/cgroup line of a process in this cgroup, seen from the host's cgroup namespace.</summary>
    public string ProcCgroupLine { get; }

    public static TestCgroup Create()
    {
        var lines = File.ReadAllLines("/proc/self/cgroup").Select(line => line.Split(':', 3)).ToList();
        var name = "ct-test-" + Guid.NewGuid().ToString("N")[..12];
        var v1 = lines.FirstOrDefault(parts => parts[1] == "pids");
        string hierarchy, own, prefix;
        if (v1 is not null && System.IO.Directory.Exists("/sys/fs/cgroup/pids"))
            (hierarchy, own, prefix) = ("/sys/fs/cgroup/pids", v1[2], $"{v1[0]}:pids:");
        else
        {
            var v2 = lines.Single(parts => parts[0] == "0");
            (hierarchy, own, prefix) = ("/sys/fs/cgroup", v2[2], "0::");
        }
        var path = own.TrimEnd('/') + "/" + name;
        var directory = hierarchy + path;
        System.IO.Directory.CreateDirectory(directory);
        return new TestCgroup(directory, name, prefix + path, prefix != "0::");
    }

    public void Dispose()
    {
        // The container has exited (ContainerRun reaps it), so the cgroup is empty and rmdir succeeds.
        try { System.IO.Directory.Delete(Directory); } catch (IOException) { }
    }
}

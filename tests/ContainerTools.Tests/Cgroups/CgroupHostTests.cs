using System.Diagnostics;
using ContainerTools.OciRuntime.Cgroups;

namespace ContainerTools.Tests.Cgroups;

/// <summary>The driver for this machine's real cgroups (v1 here, v2 on most hosts), beneath the test's own cgroup.</summary>
public sealed class CgroupHostTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ct-cg-").FullName;
    private readonly List<Process> _processes = new();
    private readonly List<Cgroup> _cgroups = new();

    public void Dispose()
    {
        foreach (var cgroup in _cgroups)
        {
            try { cgroup.KillAll(); cgroup.Delete(); } catch { }
        }
        foreach (var p in _processes)
        {
            try { p.Kill(); p.WaitForExit(); } catch { }
        }
        Directory.Delete(_dir, true);
    }

    private Cgroup NewCgroup()
    {
        var cgroup = Cgroup.Create("test-" + Guid.NewGuid().ToString("N"));
        _cgroups.Add(cgroup);
        return cgroup;
    }

    /// <summary>A shell that joins the cgroup, then counts in a busy loop into a file.</summary>
    private Process StartCounter(Cgroup cgroup, string counterFile)
    {
        var joins = string.Join("; ", cgroup.ProcsFiles.Select(f => $"echo $$ > '{f}'"));
        var psi = new ProcessStartInfo("/bin/busybox")
        {
            ArgumentList = { "sh", "-c", $"{joins}; exec /bin/busybox sh -c 'i=0; while true; do i=$((i+1)); echo $i > {counterFile}; done'" },
        };
        var process = Process.Start(psi)!;
        _processes.Add(process);
        Assert.True(SpinWait.SpinUntil(() => File.Exists(counterFile) && ReadCounter(counterFile) > 0, TimeSpan.FromSeconds(10)));
        return process;
    }

    private static long ReadCounter(string file)
    {
        for (var attempt = 0; ; attempt++)
        {
            // The loop truncates then writes: an empty read is a torn moment, not a value.
            var text = File.ReadAllText(file).Trim();
            if (long.TryParse(text, out var value)) return value;
            if (attempt > 1000) return 0;
            Thread.Sleep(1);
        }
    }

    [Fact]
    public void CreatesBeneathOwnCgroupWithLimitsAndUsage()
    {
        var host = CgroupHost.Default;
        var cgroup = NewCgroup();
        foreach (var (controller, dir) in cgroup.Handle.Directories)
        {
            Assert.StartsWith(host.OwnCgroupDirectory(controller) + "/containertools/", dir);
            Assert.True(Directory.Exists(dir));
        }
        cgroup.SetLimits(new CgroupLimits { MemoryBytes = 64 << 20, Cpus = 0.5, Pids = 50 });
        var process = StartCounter(cgroup, Path.Combine(_dir, "counter"));

        Assert.Contains(process.Id, cgroup.Pids());
        var stats = cgroup.ReadStats();
        Assert.Equal(64 << 20, stats.MemoryLimitBytes);
        Assert.True(stats.MemoryUsageBytes > 0);
        Assert.True(stats.PidsCurrent >= 1);
        Assert.True(stats.CpuUsageNanoseconds > 0);
        Assert.Equal(0, cgroup.OomKillCount());
    }

    [Fact]
    public void FreezeStopsABusyLoopAndThawResumesIt()
    {
        var cgroup = NewCgroup();
        var counter = Path.Combine(_dir, "counter");
        StartCounter(cgroup, counter);

        cgroup.Freeze();
        Assert.True(cgroup.IsFrozen);
        var frozenAt = ReadCounter(counter);
        Thread.Sleep(300);
        Assert.Equal(frozenAt, ReadCounter(counter));

        cgroup.Thaw();
        Assert.False(cgroup.IsFrozen);
        Assert.True(SpinWait.SpinUntil(() => ReadCounter(counter) > frozenAt, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void KillAllAndDeleteLeaveNothing()
    {
        var cgroup = NewCgroup();
        var process = StartCounter(cgroup, Path.Combine(_dir, "counter"));

        cgroup.KillAll();
        Assert.True(process.WaitForExit(10_000));
        Assert.Empty(cgroup.Pids());
        cgroup.Delete();

        foreach (var dir in cgroup.Handle.Directories.Values) Assert.False(Directory.Exists(dir));
        Assert.False(cgroup.Exists);
    }
}

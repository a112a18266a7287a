using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Runtime;

/// <summary>
/// ctmon's idle wait (WorkingSet.TrimCodeAndWait): the code pages go while it waits, and the wait reaps the child and
/// reports how it ended, as ProcessWait.Wait does. The native stage (src/Monitor/Native/trim_and_wait.c) is linked into
/// ctmon alone, so it is tested through a real container's monitor; this process tests the managed fallback.
/// </summary>
public sealed class WorkingSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ct-workingset-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int Shell(string script) =>
        ProcessSpawn.Spawn("/bin/sh", ["/bin/sh", "-c", script], ["PATH=/usr/bin:/bin"], new SpawnOptions
        {
            FileDescriptors = new Dictionary<int, int> { [0] = 0, [1] = 1, [2] = 2 },
        });

    [Fact]
    public void TheWaitReturnsTheExitCodeAndReapsTheChild()
    {
        var pid = Shell("sleep 0.2; exit 3");

        var status = WorkingSet.TrimCodeAndWait(pid);

        Assert.Equal(new ExitStatus(3, 0), status);
        // ECHILD: nothing left to reap.
        Assert.Equal(10, Assert.Throws<SystemCallException>(() => ProcessWait.TryWait(pid)).Errno);
    }

    [Fact]
    public void AChildKilledByASignalReportsTheSignal()
    {
        var pid = Shell("kill -TERM $$");

        Assert.Equal(15, WorkingSet.TrimCodeAndWait(pid).Signal);
    }

    [Fact]
    public unsafe void AReadOnlyFileMappingIsDroppedWhileItWaitsAndReadsTheSameAfter()
    {
        // A file of this test's own, mapped private and read-only (as code and .rodata are), every page touched.
        var file = Path.Combine(_dir, "mapped");
        var content = Enumerable.Range(0, 256 * 1024).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(file, content);
        using var handle = File.OpenHandle(file);
        var length = (nuint)content.Length;
        var mapping = mmap(0, length, ProtRead, MapPrivate, (int)handle.DangerousGetHandle(), 0);
        Assert.NotEqual(-1, mapping);
        try
        {
            var sum = 0L;
            for (var i = 0; i < content.Length; i += 4096) sum += ((byte*)mapping)[i];
            Assert.Equal(256, MappedKb(File.ReadAllText("/proc/self/smaps"), file));
            // The child reads this test host's smaps while the host waits for it.
            var during = Path.Combine(_dir, "during");
            var pid = Shell($"sleep 0.3; cat /proc/$PPID/smaps > {during}");

            Assert.Equal(0, WorkingSet.TrimCodeAndWait(pid).Code);

            Assert.Equal(0, MappedKb(File.ReadAllText(during), file));
            Assert.True(new ReadOnlySpan<byte>((void*)mapping, content.Length).SequenceEqual(content));
        }
        finally
        {
            munmap(mapping, length);
        }
    }

    [Fact]
    public void AnIdleMonitorKeepsAlmostNoneOfItsCodeAndStillReportsTheExit()
    {
        using var host = new ContainerHost();
        var started = host.Run("sleep", "300");
        var monitor = started.State.MonitorPid;
        var binary = new FileInfo($"/proc/{monitor}/exe").LinkTarget!;

        // Started, ctmon has touched hundreds of kB of its code; trimmed and waiting in the native stage, one page of
        // it (the stage's own) stays, whereas a trim from managed code faults about 1 MB back on its way to the wait.
        var code = 0L;
        var trimmed = SpinWait.SpinUntil(() => (code = CodeKb(monitor, binary)) <= 16, TimeSpan.FromSeconds(30));
        Assert.True(trimmed, $"ctmon still has {code} kB of its code resident");

        ProcessSignals.TrySend(started.State.Pid, ProcessSignals.SIGKILL);
        Assert.True(SpinWait.SpinUntil(() => File.Exists(started.Paths.ExitFile), TimeSpan.FromSeconds(30)), "no exit recorded");
        var ended = host.Store.Resolve(started.Id);
        Assert.Equal(ContainerStatus.Exited, ended.Status);
        Assert.Equal(137, ended.State.ExitCode);
    }

    /// <summary>The resident kB of the executable mappings of <paramref name="binary"/> in process <paramref name="pid"/>.</summary>
    private static long CodeKb(int pid, string binary)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/smaps");
        var total = 0L;
        for (var i = 0; i < lines.Length; i++)
        {
            var fields = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[1] != "r-xp" || fields[^1] != binary) continue;
            total += RssKb(lines, i);
        }
        return total;
    }

    /// <summary>The resident kB of the mapping of <paramref name="path"/> in smaps.</summary>
    private static long MappedKb(string smaps, string path)
    {
        var lines = smaps.Split('\n');
        var header = Array.FindIndex(lines, l => l.EndsWith(" " + path));
        Assert.True(header >= 0, $"{path} is not mapped");
        return RssKb(lines, header);
    }

    /// <summary>The Rss: field (kB) of the smaps entry whose header line is <paramref name="header"/>.</summary>
    private static long RssKb(string[] lines, int header)
    {
        var rss = lines.Skip(header + 1).First(l => l.StartsWith("Rss:"));
        return long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    private const int ProtRead = 1, MapPrivate = 2;

    [System.Runtime.InteropServices.DllImport("libc.so.6")]
    private static extern nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [System.Runtime.InteropServices.DllImport("libc.so.6")]
    private static extern int munmap(nint address, nuint length);
}

using System.Diagnostics;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Ctrun;

/// <summary>
/// podman (through conmon) drives ctrun as its OCI runtime: run --rm, run -d, exec, exec -it in tmux, pause/unpause,
/// stop, rm. podman gets a scratch config and store (vfs, no events, cgroupfs cgroups beneath the test's own cgroup,
/// no default sysctls, an image imported from a busybox tar), so the host's podman state is never touched.
/// </summary>
public sealed class CtrunPodmanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ct-ctrun-podman-").FullName;
    private readonly string _cgroupParent = CgroupHost.Default.OwnCgroup("memory").TrimEnd('/') + "/ctrun-podman-" + Guid.NewGuid().ToString("N")[..8];
    private const string Image = "localhost/ctrun-busybox:latest";

    public CtrunPodmanTests()
    {
        File.WriteAllText(Path.Combine(_dir, "containers.conf"), """
            [containers]
            default_sysctls = []
            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "none"
            """);
        File.WriteAllText(Path.Combine(_dir, "storage.conf"), $"""
            [storage]
            driver = "vfs"
            runroot = "{_dir}/runroot"
            graphroot = "{_dir}/root"
            """);
        var rootfs = Path.Combine(_dir, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
        File.Copy(TestImages.BusyboxBinary, Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "echo", "sleep", "cat", "hostname", "ps", "tty", "true" })
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        File.WriteAllText(Path.Combine(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        File.WriteAllText(Path.Combine(rootfs, "etc", "group"), "root:x:0:\n");
        TestImages.Run("tar", "-C", rootfs, "-cf", Path.Combine(_dir, "rootfs.tar"), ".");
        Podman("import", Path.Combine(_dir, "rootfs.tar"), Image);
    }

    public void Dispose()
    {
        try { Run("podman", ["rm", "-a", "-f"]); } catch (InvalidOperationException) { }
        try { Run("podman", ["rmi", "-a", "-f"]); } catch (InvalidOperationException) { }
        // conmon makes a "conmon" cgroup beneath the parent in every hierarchy (cpuset too): remove the tree bottom-up.
        foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup"))
        {
            var dir = Path.Combine(hierarchy, _cgroupParent.TrimStart('/'));
            if (!Directory.Exists(dir)) continue;
            foreach (var child in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(dir))
            {
                try { Directory.Delete(child); } catch (IOException) { }
            }
        }
        ContainerTools.Runtime.Storage.DirectoryRemover.TryRemove(_dir);
    }

    private string[] Global => ["--runtime", HelperBinaries.Ctrun, "--cgroup-manager", "cgroupfs"];

    private string Podman(params string[] arguments) => Run("podman", arguments);

    private string Run(string tool, string[] arguments)
    {
        // podman refuses a nofile limit above what its containers may get; the test host's is larger.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("ulimit -n 20000; exec \"$@\"");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(tool);
        if (tool == "podman") foreach (var argument in Global) start.ArgumentList.Add(argument);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["CONTAINERS_CONF"] = Path.Combine(_dir, "containers.conf");
        start.Environment["CONTAINERS_STORAGE_CONF"] = Path.Combine(_dir, "storage.conf");
        start.Environment["CONTAINERTOOLS_INIT"] = HelperBinaries.Init;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}{stdout}");
        return stdout;
    }

    // podman's own seccomp profile applies (ctinit compiles it); rlimits pinned: podman's nofile/nproc defaults lie above
    // this sandbox's hard limits (crun fails alike, see bench/lib/common.sh).
    private string[] RunOptions => ["--network", "none", "--cgroup-parent", _cgroupParent,
        "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

    [Fact]
    public void PodmanRunsAContainerInTheForeground()
    {
        Assert.Equal("hi\n", Podman(["run", "--rm", .. RunOptions, Image, "echo", "hi"]));
        Assert.Equal("", Podman("ps", "-a", "-q"));
        // podman's default seccomp profile is in force (mode 2: a filter).
        Assert.Equal("2\n", Podman(["run", "--rm", .. RunOptions, Image, "sh", "-c", "while read k v; do [ $k = Seccomp: ] && echo $v; done < /proc/self/status; exit 0"]));
    }

    [Fact]
    public void PodmanRunsDetachedExecsPausesStopsAndRemoves()
    {
        var id = Podman(["run", "-d", .. RunOptions, Image, "sleep", "300"]).Trim();

        Assert.Equal("in-container\n", Podman("exec", id, "sh", "-c", "echo in-$(cat /proc/1/comm | sed s/sleep/container/)"));
        Podman("pause", id);
        Assert.Equal("paused", Podman("inspect", "--format", "{{.State.Status}}", id).Trim());
        Podman("unpause", id);
        Assert.Equal("running", Podman("inspect", "--format", "{{.State.Status}}", id).Trim());
        Podman("stop", "-t", "1", id);
        Assert.Equal("exited", Podman("inspect", "--format", "{{.State.Status}}", id).Trim());
        Podman("rm", id);
        Assert.Equal("", Podman("ps", "-a", "-q"));
    }

    [Fact]
    public void PodmanExecWithATerminalInTmux()
    {
        var id = Podman(["run", "-d", .. RunOptions, Image, "sleep", "300"]).Trim();
        var session = "ctrun-" + Guid.NewGuid().ToString("N")[..8];
        var output = Path.Combine(_dir, "tty.out");
        var env = $"CONTAINERS_CONF={_dir}/containers.conf CONTAINERS_STORAGE_CONF={_dir}/storage.conf CONTAINERTOOLS_INIT={HelperBinaries.Init}";
        var command = $"ulimit -n 20000; {env} podman {string.Join(' ', Global)} exec -it {id} sh -c 'tty; echo done' > {output} 2>&1";
        TestImages.Run("tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!(File.Exists(output) && File.ReadAllText(output).Contains("done")) && DateTime.UtcNow < deadline) Thread.Sleep(100);
        }
        finally
        {
            try { TestImages.Run("tmux", "kill-session", "-t", session); } catch (InvalidOperationException) { }
        }
        var text = File.ReadAllText(output);
        Assert.Contains("/dev/pts/", text);
        Assert.Contains("done", text);
        Podman("rm", "-f", "-t", "0", id);
    }
}

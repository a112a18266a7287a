using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.Tests.Runtime;

namespace ContainerTools.Tests.Ctrun;

/// <summary>
/// ctrun driven as an OCI tool drives runc: create waits for start, state reports runc's JSON, kill/delete/exec/pause,
/// hooks in order with the state on stdin. Real containers in busybox bundles, each with its own --root and a cgroup
/// beneath the test's own (a relative cgroupsPath).
/// </summary>
public sealed class CtrunLifecycleTests : CtrunContainerTest
{
    private void WriteBundle(string script, HooksSpec? hooks = null)
    {
        Write(BusyboxBundle.Shell(script) with { Hooks = hooks });
    }

    private JsonElement State()
    {
        using var document = JsonDocument.Parse(_ctrun.Ok("state", _id));
        return document.RootElement.Clone();
    }

    private string MemoryCgroupDirectory =>
        Path.Combine(CgroupHost.Default.OwnCgroupDirectory("memory"), CgroupsPath);

    [Fact]
    public void CreateWaitsForStartThenStateKillAndDeleteFollowTheLifecycle()
    {
        WriteBundle("echo started > /tmp/started; exec sleep 60");
        var pidFile = Path.Combine(_bundle.Root, "pid");

        _ctrun.Ok("create", "--bundle", _bundle.BundlePath, "--pid-file", pidFile, _id);

        var created = State();
        Assert.Equal("created", created.GetProperty("status").GetString());
        Assert.Equal(_id, created.GetProperty("id").GetString());
        Assert.Equal(_bundle.BundlePath, created.GetProperty("bundle").GetString());
        var pid = created.GetProperty("pid").GetInt32();
        Assert.Equal(pid.ToString(), File.ReadAllText(pidFile));
        Assert.True(Directory.Exists(MemoryCgroupDirectory));
        // The program has not run yet: init waits on the start gate.
        Assert.False(File.Exists(Path.Combine(_bundle.RootfsPath, "tmp", "started")));
        Assert.Contains(pid, ReadPids(Path.Combine(MemoryCgroupDirectory, "cgroup.procs")));

        _ctrun.Ok("start", _id);
        Assert.Equal("running", State().GetProperty("status").GetString());
        // start returns once the gate is open (as runc's does); the program then execs and runs its script.
        WaitFor(() => File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep");
        Assert.True(File.Exists(Path.Combine(_bundle.RootfsPath, "tmp", "started")));
        var again = _ctrun.Run("start", _id);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already running", again.Stderr);

        var refused = _ctrun.Run("delete", _id);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not stopped: running", refused.Stderr);

        _ctrun.Ok("kill", _id, "KILL");
        WaitFor(() => State().GetProperty("status").GetString() == "stopped");
        Assert.Equal(0, State().GetProperty("pid").GetInt32());

        _ctrun.Ok("delete", _id);
        Assert.False(Directory.Exists(MemoryCgroupDirectory));
        var gone = _ctrun.Run("state", _id);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("does not exist", gone.Stderr);
    }

    [Fact]
    public void RunReturnsTheProgramsExitCodeAndCleansUp()
    {
        WriteBundle("echo out; echo err >&2; exit 7");

        var result = _ctrun.Run("run", "--bundle", _bundle.BundlePath, _id);

        Assert.Equal(7, result.ExitCode);
        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        Assert.False(Directory.Exists(MemoryCgroupDirectory));
        Assert.Equal(1, _ctrun.Run("state", _id).ExitCode);
    }

    [Fact]
    public void ExecRunsInTheContainerWithArgsOrAProcessFileAndReturnsItsStatus()
    {
        WriteBundle("hostname > /dev/null; exec sleep 60");
        _ctrun.Ok("run", "--detach", "--bundle", _bundle.BundlePath, _id);

        var hostname = _ctrun.Run("exec", "--env", "GREETING=hi", _id, "sh", "-c", "echo $GREETING from $(hostname); exit 3");
        Assert.Equal(3, hostname.ExitCode);
        Assert.Equal("hi from ct-test\n", hostname.Stdout);

        var processFile = Path.Combine(_bundle.Root, "process.json");
        File.WriteAllText(processFile, """{"args":["sh","-c","cat /proc/self/cgroup; pwd"],"cwd":"/tmp","env":["PATH=/bin"],"user":{"uid":0,"gid":0}}""");
        var fromFile = _ctrun.Ok("exec", "--process", processFile, _id);
        Assert.Contains("/tmp", fromFile);
        // It joined the container's cgroup namespace too: its own cgroup is the root there.
        Assert.Contains(":memory:/\n", fromFile);

        var ps = _ctrun.Ok("ps", "--format", "json", _id);
        Assert.Contains(State().GetProperty("pid").GetInt32(), JsonSerializer.Deserialize<int[]>(ps)!);

        _ctrun.Ok("pause", _id);
        Assert.Equal("paused", State().GetProperty("status").GetString());
        var whilePaused = _ctrun.Run("exec", _id, "true");
        Assert.Equal(1, whilePaused.ExitCode);
        Assert.Contains("paused", whilePaused.Stderr);
        _ctrun.Ok("resume", _id);
        Assert.Equal("running", State().GetProperty("status").GetString());

        _ctrun.Ok("delete", "--force", _id);
        Assert.Equal(1, _ctrun.Run("state", _id).ExitCode);
    }

    [Fact]
    public void HooksRunInLifecycleOrderWithTheStateOnStdin()
    {
        var log = Path.Combine(_bundle.Root, "hooks.log");
        HookSpec Hook(string stage) => new()
        {
            Path = "/bin/sh",
            Args = ["sh", "-c", $"printf '{stage} ' >> {log}; cat >> {log}; echo >> {log}"],
        };
        WriteBundle("exit 0", new HooksSpec
        {
            Prestart = [Hook("prestart")],
            CreateRuntime = [Hook("createRuntime")],
            Poststart = [Hook("poststart")],
            Poststop = [Hook("poststop")],
        });

        _ctrun.Ok("create", "--bundle", _bundle.BundlePath, _id);
        _ctrun.Ok("start", _id);
        WaitFor(() => State().GetProperty("status").GetString() == "stopped");
        _ctrun.Ok("delete", _id);

        var lines = File.ReadAllLines(log);
        Assert.Equal(["prestart", "createRuntime", "poststart", "poststop"], lines.Select(l => l.Split(' ')[0]));
        foreach (var line in lines)
        {
            using var state = JsonDocument.Parse(line[(line.IndexOf(' ') + 1)..]);
            Assert.Equal(_id, state.RootElement.GetProperty("id").GetString());
            Assert.Equal(_bundle.BundlePath, state.RootElement.GetProperty("bundle").GetString());
        }
        Assert.Equal("stopped", JsonDocument.Parse(lines[3][(lines[3].IndexOf(' ') + 1)..]).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void AFailingPrestartHookFailsCreateAndLeavesNothing()
    {
        WriteBundle("exit 0", new HooksSpec { Prestart = [new HookSpec { Path = "/bin/sh", Args = ["sh", "-c", "echo no way >&2; exit 2"] }] });

        var result = _ctrun.Run("create", "--bundle", _bundle.BundlePath, _id);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("prestart hook /bin/sh failed: exit status 2: no way", result.Stderr);
        Assert.Equal(1, _ctrun.Run("state", _id).ExitCode);
        Assert.False(Directory.Exists(MemoryCgroupDirectory));
    }

    [Fact]
    public void WhatItCannotDoIsRefusedClearly()
    {
        WriteBundle("exit 0");
        var systemd = _ctrun.Run("--systemd-cgroup", "create", "--bundle", _bundle.BundlePath, _id);
        Assert.Equal(1, systemd.ExitCode);
        Assert.Contains("--systemd-cgroup is not supported", systemd.Stderr);

        var log = Path.Combine(_bundle.Root, "log.json");
        var missing = _ctrun.Run("--log", log, "--log-format", "json", "state", "nope");
        Assert.Equal(1, missing.ExitCode);
        using var entry = JsonDocument.Parse(File.ReadAllLines(log).Single());
        Assert.Equal("error", entry.RootElement.GetProperty("level").GetString());
        Assert.Contains("does not exist", entry.RootElement.GetProperty("msg").GetString());
    }

    private static IReadOnlyList<int> ReadPids(string file) =>
        File.ReadAllLines(file).Where(l => l.Length > 0).Select(int.Parse).ToList();

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the container");
            Thread.Sleep(20);
        }
    }
}

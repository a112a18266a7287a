using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Runs a new process in a running container: its namespaces, cgroup, capabilities, no_new_privs, and by default
    /// its user, environment and working directory (docs/exec.md). Returns once the program runs; the caller reads its
    /// output and reaps it (<see cref="ExecProcess.WaitForExit"/>).
    /// </summary>
    public ExecProcess Exec(string idOrName, ExecOptions options)
    {
        if (options.Tty) return ExecOnTerminal(idOrName, options);
        var (stdinRead, stdinWrite) = options.OpenStandardInput ? FileDescriptors.Pipe() : (-1, -1);
        var (stdoutRead, stdoutWrite) = FileDescriptors.Pipe();
        var (stderrRead, stderrWrite) = FileDescriptors.Pipe();
        var devNull = options.OpenStandardInput ? -1 : FileDescriptors.Open("/dev/null", FileDescriptors.ReadOnly);
        try
        {
            var (id, pid, _) = Launch(idOrName, options, options.OpenStandardInput ? stdinRead : devNull, stdoutWrite, stderrWrite);
            return new ExecProcess(id, pid, options.Command, stdinWrite, stdoutRead, stderrRead);
        }
        catch
        {
            foreach (var fd in new[] { stdinWrite, stdoutRead, stderrRead }) if (fd >= 0) FileDescriptors.Close(fd);
            throw;
        }
        finally
        {
            foreach (var fd in new[] { stdinRead, stdoutWrite, stderrWrite, devNull }) if (fd >= 0) FileDescriptors.Close(fd);
        }
    }

    /// <summary>ctinit makes the pty in the container's devpts and hands the master back; ctinit's stdio until then is /dev/null.</summary>
    private ExecProcess ExecOnTerminal(string idOrName, ExecOptions options)
    {
        var devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
        try
        {
            var (id, pid, master) = Launch(idOrName, options, devNull, devNull, devNull, options.TerminalSize ?? TerminalSize.Default);
            return new ExecProcess(id, pid, options.Command, new ExecTerminal(master));
        }
        finally { FileDescriptors.Close(devNull); }
    }

    /// <summary>
    /// Starts a process in a running container and leaves it running, its stdio on /dev/null (docker exec -d). A
    /// background thread of this process reaps it; should this process end first, the container's PID 1 inherits it.
    /// </summary>
    public ExecStarted ExecDetached(string idOrName, ExecOptions options)
    {
        var devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
        int pid;
        string id;
        try { (id, pid, _) = Launch(idOrName, options with { Tty = false }, devNull, devNull, devNull); }
        finally { FileDescriptors.Close(devNull); }
        new Thread(() => ProcessWait.Wait(pid)) { IsBackground = true, Name = $"ContainerTools exec reaper {pid}" }.Start();
        return new ExecStarted(id, pid, options.Command);
    }

    private (string Id, int Pid, int TerminalMaster) Launch(string idOrName, ExecOptions options, int stdin, int stdout, int stderr, TerminalSize? terminal = null)
    {
        if (options.Command.Count == 0)
            throw new ContainerToolsException(ErrorIds.NoCommand, "Give a command to run in the container.", idOrName);
        if (options.WorkingDirectory is { Length: > 0 } cwd && !cwd.StartsWith('/'))
            throw new ContainerToolsException(ErrorIds.InvalidWorkingDirectory, $"The working directory '{cwd}' is not absolute.", cwd);
        var id = IdOf(idOrName);
        var early = SpawnEarlyJoin(id, stdin, stdout, stderr, terminal);
        try
        {
            // Under the lock: a stop or pause cannot slip in between the status check and the join, and the container's
            // one exec bundle is this call's until ctinit has read it. The early ctinit is let go before waiting for
            // the lock: its holder may be waiting for the container's end, which waits until ctinit, in its pid
            // namespace, has been reaped.
            return WithLock(id, container => LaunchLocked(container, options, stdin, stdout, stderr, terminal, early),
                beforeWaiting: () => { early?.Dispose(); early = null; });
        }
        finally { early?.Dispose(); }
    }

    private (string Id, int Pid, int TerminalMaster) LaunchLocked(Container container, ExecOptions options, int stdin, int stdout, int stderr, TerminalSize? terminal, EarlyJoin? early)
    {
        ContainerTransitions.RequireRunning(container);
        if (container.State.Pid <= 0 || container.State.Cgroup is null)
            throw new ContainerToolsException(ErrorIds.ContainerNotRunning, $"The container '{container.Name}' is not running.", container.Name);

        var spec = ExecSpec.Build(container, options);
        // The spec goes to ctinit over its gate: nothing of the exec is written to disk. Only a container in a user
        // namespace needs a file, which ctinit's user namespace stage opens before its Main.
        var specOnGate = !spec.Linux.Namespaces.Any(ns => ns.Type == "user");
        var bundle = specOnGate ? container.Paths.BundleDirectory : container.Paths.ExecBundleDirectory;
        var config = Path.Combine(bundle, BundleWriter.ConfigFileName);
        try
        {
            if (!specOnGate)
            {
                Directory.CreateDirectory(bundle);
                // Read once by ctinit before it reports ready, and only by this call (the lock): neither an fsync nor
                // BundleWriter's atomic replace is worth its cost here.
                File.WriteAllBytes(config, JsonSerializer.SerializeToUtf8Bytes(spec, RuntimeSpecJsonContext.Default.RuntimeSpec));
                ContainerTools.OciRuntime.Seccomp.CompiledSeccomp.ShareInto(container.Paths.BundleDirectory, bundle);
            }
            var launched = ContainerLauncher.Start(ExecLaunchRequest(bundle, stdin, stdout, stderr, terminal, container.State.Cgroup) with { Spec = spec, SpecOnGate = specOnGate }, early);
            Events.Append(ContainerEventFactory.For(container, ContainerEventActions.Exec,
                new Dictionary<string, string> { ["execCommand"] = string.Join(' ', options.Command), ["execPid"] = launched.Pid.ToString() }));
            return (container.Id, launched.Pid, launched.TerminalMaster);
        }
        catch (ContainerToolsException ex) when (ex.Id.Name == ErrorIds.ContainerStartFailed.Name)
        {
            // docker exec: 127 when the program is not found, 126 when it cannot run or the exec could not be set up.
            var exitCode = ex.ExitCode == ExitCodes.EngineError ? ExitCodes.CannotInvoke : ex.ExitCode;
            throw new ContainerToolsException(ErrorIds.ContainerExecFailed with { Kind = ex.Kind, ExitCode = exitCode },
                $"Could not run '{options.Command[0]}' in the container '{container.Name}': {ex.Reason}", container.Name, ex, reason: ex.Reason);
        }
        finally
        {
            // Only config.json goes (no command line or environment stays on disk): the directory and its seccomp
            // link serve the next exec. Deleted, not truncated: ext4 starts writing back a file rewritten after a
            // truncate when it is closed, and a truncate then waits for that write (milliseconds on a busy disk).
            if (!specOnGate) try { File.Delete(config); } catch (IOException) { }
        }
    }

    private LaunchRequest ExecLaunchRequest(string bundle, int stdin, int stdout, int stderr, TerminalSize? terminal, CgroupHandle cgroup) => new()
    {
        BundlePath = bundle,
        StdinFd = stdin,
        StdoutFd = stdout,
        StderrFd = stderr,
        CgroupJoinFiles = Cgroup.Open(cgroup).JoinFiles,
        InitPath = Options.InitPath,
        JoinExisting = true,
        Terminal = terminal,
    };

    /// <summary>
    /// ctinit, spawned before the lock on what an unlocked read says (the container runs as PID P): its runtime starts
    /// while the lock is taken and the spec and bundle are written (docs/exec.md, Speed). The launcher continues it only
    /// if the spec built under the lock wants exactly what it joined; otherwise (the container stopped, another pid, a
    /// bad option) disposing it closes its gate and reaps it. Null when the read already says the exec cannot run.
    /// </summary>
    private EarlyJoin? SpawnEarlyJoin(string id, int stdin, int stdout, int stderr, TerminalSize? terminal)
    {
        var container = TryGet(id);
        if (container is not { Status: ContainerStatus.Running } || container.State.Pid <= 0 || container.State.Cgroup is not { } cgroup) return null;
        // The container's own bundle, for its seccomp.bpf: the spec itself comes over the gate (a container in a user
        // namespace, whose spec is a file in the exec bundle, does not get this ctinit: its stage must come first).
        try { return ContainerLauncher.SpawnEarlyJoin(ExecLaunchRequest(container.Paths.BundleDirectory, stdin, stdout, stderr, terminal, cgroup), container.State.Pid); }
        // The container may have ended since the read (its namespaces gone): the launch under the lock says what is wrong.
        catch (Exception ex) when (ex is ContainerToolsException or SystemCallException) { return null; }
    }
}

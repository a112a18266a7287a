using System.Runtime.InteropServices;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Hooks;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Ctrun.Commands;

/// <summary>create, start, run, kill, delete, pause and resume: the container's life, one state transition per call.</summary>
internal static class LifecycleCommands
{
    private static readonly OptionSet CreateOptions = new(
        "bundle|b=", "console-socket=", "pid-file=", "preserve-fds=", "pidfd-socket=", "no-pivot", "no-new-keyring");
    private static readonly OptionSet RunOptions = new(
        "bundle|b=", "console-socket=", "pid-file=", "preserve-fds=", "pidfd-socket=", "no-pivot", "no-new-keyring",
        "detach|d", "keep", "no-subreaper");

    public static int Create(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, CreateOptions, out _, stopAtFirstPositional: false);
        var id = SingleId("create", line);
        ContainerCreation.Create(context, id, CreationOptions(line, detached: true));
        return 0;
    }

    public static int Start(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, new OptionSet(), out _, stopAtFirstPositional: false);
        var directory = context.Container(SingleId("start", line));
        var record = directory.Load();
        StartCreated(context, directory, record, RuntimeSpecReader.Read(File.ReadAllBytes(directory.Config)));
        return 0;
    }

    public static int Run(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, RunOptions, out _, stopAtFirstPositional: false);
        var id = SingleId("run", line);
        var detached = line.Flag("detach");
        // The spec as create read it serves start and delete too: one read of config.json per run.
        var (directory, record, spec) = ContainerCreation.Create(context, id, CreationOptions(line, detached));
        try { StartCreated(context, directory, record, spec); }
        catch
        {
            Destroy(context, directory, record, spec);
            throw;
        }
        if (detached) return 0;

        // The container's init is this process's child: forward the usual signals, reap it, clean up like runc run.
        using var forwarders = new SignalForwarders(record.Pid);
        var status = ProcessWait.Wait(record.Pid);
        if (!line.Flag("keep")) Destroy(context, directory, record, spec, reaped: true);
        return status.ShellCode;
    }

    public static int Kill(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, new OptionSet("all|a"), out _, stopAtFirstPositional: false);
        if (line.Positionals.Count is < 1 or > 2) throw new CtrunError("\"kill\" requires a minimum of 1 and a maximum of 2 arguments");
        var directory = context.Container(line.Positionals[0]);
        var record = directory.Load();
        var signal = SignalNames.Parse(line.Positionals.Count == 2 ? line.Positionals[1] : "SIGTERM");
        var status = directory.Status(record);
        if (status == ContainerStatus.Stopped) throw new CtrunError("container not running");
        if (line.Flag("all") && record.Cgroup is { } handle)
        {
            foreach (var pid in Cgroup.Open(handle).Pids()) ProcessSignals.TrySend(pid, signal);
            return 0;
        }
        Signals.Send(record.Pid, signal);
        return 0;
    }

    public static int Delete(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, new OptionSet("force|f"), out _, stopAtFirstPositional: false);
        var force = line.Flag("force");
        if (line.Positionals.Count == 0) throw new CtrunError("\"delete\" requires a minimum of 1 argument");
        foreach (var id in line.Positionals)
        {
            var directory = context.Container(id);
            if (!directory.Exists)
            {
                if (force) { RemoveLeftovers(directory); continue; }
                throw new CtrunError($"container {id} does not exist");
            }
            var record = directory.Load();
            var status = directory.Status(record);
            if (status is ContainerStatus.Running or ContainerStatus.Paused && !force)
                throw new CtrunError($"cannot delete container {id} that is not stopped: {status.Text()}");
            Destroy(context, directory, record);
        }
        return 0;
    }

    public static int Pause(CommandContext context, string[] args, bool freeze)
    {
        var verb = freeze ? "pause" : "resume";
        var line = CommandLine.Parse(args, 0, new OptionSet(), out _, stopAtFirstPositional: false);
        var directory = context.Container(SingleId(verb, line));
        var record = directory.Load();
        var status = directory.Status(record);
        if (freeze && status != ContainerStatus.Running) throw new CtrunError($"container not running");
        if (!freeze && status != ContainerStatus.Paused) throw new CtrunError($"container not paused");
        var cgroup = Cgroup.Open(record.Cgroup ?? throw new CtrunError("the container has no cgroup"));
        if (freeze) cgroup.Freeze(); else cgroup.Thaw();
        return 0;
    }

    /// <summary>Opens the gate ctinit waits on (it then execs), runs the start hooks around it.</summary>
    private static void StartCreated(CommandContext context, ContainerDirectory directory, ContainerRecord record, RuntimeSpec spec)
    {
        var status = directory.Status(record);
        if (status != ContainerStatus.Created)
            throw new CtrunError(status == ContainerStatus.Stopped ? "cannot start a container that has stopped" : "cannot start an already running container");
        ContainerCreation.RunHooks("startContainer", spec.Hooks?.StartContainer, directory, record, ContainerStatus.Created);
        var gate = Fifos.TryOpenWriter(directory.Fifo) ?? throw new CtrunError("cannot start a container that has stopped");
        try
        {
            // Gone first: from the byte on, the container counts as running.
            File.Delete(directory.Fifo);
            FileDescriptors.WriteAll(gate, [OciRuntime.Launch.InitProtocol.Go]);
        }
        finally { FileDescriptors.Close(gate); }
        try { ContainerCreation.RunHooks("poststart", spec.Hooks?.Poststart, directory, record, ContainerStatus.Running); }
        catch (ContainerToolsException ex) { context.Log.Warning(ex.Message); }
    }

    /// <summary>
    /// Kills what is left (the whole cgroup, paused or not), removes the cgroup, runs the poststop hooks and forgets the
    /// container. A poststop hook that fails is a warning: the container is gone either way.
    /// </summary>
    /// <param name="spec">The container's spec when the caller has it; otherwise it is read from ROOT/ID/config.json.</param>
    /// <param name="reaped">run reaped the container's init itself: with a pid namespace of its own, the kernel has
    /// killed every other process in it, so there is nothing left to freeze, thaw or kill (Delete waits out exiting ones).</param>
    public static void Destroy(CommandContext context, ContainerDirectory directory, ContainerRecord record, RuntimeSpec? spec = null, bool reaped = false)
    {
        var emptied = reaped && spec is not null && spec.Linux.Namespaces.Any(ns => ns.Type == "pid" && string.IsNullOrEmpty(ns.Path));
        if (!reaped && directory.Status(record) != ContainerStatus.Stopped) ProcessSignals.TrySend(record.Pid, ProcessSignals.SIGKILL);
        if (record.Cgroup is { } handle)
        {
            var cgroup = Cgroup.Open(handle);
            if (!emptied)
            {
                try { if (cgroup.IsFrozen) cgroup.Thaw(); } catch (ContainerToolsException) { }
                cgroup.KillAll();
            }
            cgroup.Delete();
        }
        // Not this process's child (except under run): wait until it is gone or a zombie its parent will reap.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!reaped && ProcStat.IsSameProcessAlive(record.Pid, record.StartTime) && DateTime.UtcNow < deadline) Thread.Sleep(2);
        ContainerCreation.DetachSharedMounts(record.Rootfs, record.SharedMountsBase);
        if (spec is not null || File.Exists(directory.Config))
        {
            try
            {
                spec ??= RuntimeSpecReader.Read(File.ReadAllBytes(directory.Config));
                ContainerCreation.RunHooks("poststop", spec.Hooks?.Poststop, directory, record, ContainerStatus.Stopped);
            }
            catch (Exception ex) when (ex is ContainerToolsException or System.Text.Json.JsonException or RuntimeSpecFieldNotSupportedException)
            {
                context.Log.Warning(ex.Message);
            }
        }
        RemoveLeftovers(directory);
    }

    private static void RemoveLeftovers(ContainerDirectory directory)
    {
        try { Directory.Delete(directory.Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    private static ContainerCreation.Options CreationOptions(CommandLine line, bool detached)
    {
        if (line.Int("preserve-fds", 0) > 0)
            throw new CtrunError("--preserve-fds is not supported yet: ctinit hands the container only its stdio");
        if (line.Value("pidfd-socket") is not null)
            throw new CtrunError("--pidfd-socket is not supported");
        // --no-pivot: ctinit's pivot_root(".", ".") needs no put_old directory and works wherever runc's would;
        // --no-new-keyring: ctinit never makes a session keyring. Both are accepted as no-ops.
        return new ContainerCreation.Options(
            Path.GetFullPath(line.Value("bundle") ?? Directory.GetCurrentDirectory()),
            line.Value("console-socket"),
            line.Value("pid-file"),
            detached);
    }

    internal static string SingleId(string command, CommandLine line)
    {
        if (line.Positionals.Count != 1) throw new CtrunError($"\"{command}\" requires exactly 1 argument(s)");
        return line.Positionals[0];
    }

    /// <summary>runc run forwards the signals it gets to the container's init.</summary>
    private sealed class SignalForwarders : IDisposable
    {
        private readonly List<PosixSignalRegistration> _registrations = new();

        public SignalForwarders(int pid)
        {
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true;
                    ProcessSignals.TrySend(pid, SignalNames.Number(context.Signal));
                }));
            }
        }

        public void Dispose()
        {
            foreach (var registration in _registrations) registration.Dispose();
        }
    }
}

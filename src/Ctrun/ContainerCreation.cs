using System.Text;
using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Files;
using ContainerTools.OciRuntime.Hooks;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Ctrun;

/// <summary>
/// create: the container's cgroup, then ctinit through the same launcher the engine uses, gated on ROOT/ID/exec.fifo
/// instead of a pipe so that it waits for `ctrun start` after this process has exited (runc's exec.fifo).
/// </summary>
internal static class ContainerCreation
{
    public sealed record Options(string Bundle, string? ConsoleSocket, string? PidFile, bool Detached);

    public static (ContainerDirectory Directory, ContainerRecord Record, RuntimeSpec Spec) Create(CommandContext context, string id, Options options)
    {
        var directory = context.Container(id);
        if (directory.Exists) throw new CtrunError($"container with id exists: {id}");
        var spec = BundleReader.Read(options.Bundle);
        if (spec.Process.Args.Count == 0) throw new CtrunError("args must not be empty");
        // Where SELinux is off (no selinuxfs) a label has nothing to apply to, and crun and runc ignore it there too.
        if (!string.IsNullOrEmpty(spec.Linux.MountLabel) && Directory.Exists("/sys/fs/selinux/class"))
            throw new CtrunError("linux.mountLabel is not supported: ctrun does not apply SELinux labels");
        if (spec.Process.Capabilities is { } caps
            && Capabilities.Unknown(caps.Bounding, caps.Effective, caps.Permitted, caps.Inheritable, caps.Ambient) is { Count: > 0 } unknown)
            context.Log.Warning($"ignoring unknown or unavailable capabilities: [{string.Join(' ', unknown)}]");
        if (spec.Process.Terminal && options.ConsoleSocket is null && options.Detached)
            throw new CtrunError("cannot allocate tty if ctrun will detach without setting console socket");
        if (!spec.Process.Terminal && options.ConsoleSocket is not null)
            throw new CtrunError("cannot use console socket if ctrun will not detach or allocate tty");

        Directory.CreateDirectory(context.Root);
        if (Directories.TryMake(directory.Path) is var made and not 0)
            throw made == 17 /* EEXIST */ ? new CtrunError($"container with id exists: {id}") : new SystemCallException("mkdir", made, directory.Path);
        Cgroup? cgroup = null;
        CreatedContainer? created = null;
        var rootfs = Path.GetFullPath(Path.Combine(options.Bundle, spec.Root.Path));
        int? sharedMountsBase = spec.Linux.Namespaces.Any(ns => ns.Type == "mount") ? null : Mounts.CountAt(rootfs);
        var gate = -1;
        try
        {
            File.Copy(Path.Combine(options.Bundle, BundleReader.ConfigFileName), directory.Config);
            cgroup = ContainerCgroups.Create(spec, id);
            Fifos.Make(directory.Fifo);
            gate = Fifos.OpenReadWrite(directory.Fifo);
            created = ContainerLauncher.Create(new LaunchRequest
            {
                BundlePath = options.Bundle,
                Spec = spec,
                StdinFd = 0,
                StdoutFd = 1,
                StderrFd = 2,
                CgroupJoinFiles = cgroup.JoinFiles,
                StartGateFd = gate,
                Terminal = spec.Process.Terminal && options.ConsoleSocket is not null ? ConsoleSize(spec.Process) : null,
            });
            if (options.ConsoleSocket is not null) SendConsole(options.ConsoleSocket, created.TerminalMaster);
            var record = new ContainerRecord
            {
                Id = id,
                Pid = created.Pid,
                StartTime = ProcStat.StartTime(created.Pid) ?? 0,
                Bundle = options.Bundle,
                Rootfs = rootfs,
                SharedMountsBase = sharedMountsBase,
                Created = DateTime.UtcNow,
                OciVersion = spec.OciVersion,
                Annotations = spec.Annotations?.ToDictionary(),
                Cgroup = cgroup.Handle,
            };
            directory.Save(record);
            // "created" for all three, as crun and the validation suite's hooks_stdin expect.
            RunHooks("prestart", spec.Hooks?.Prestart, directory, record, ContainerStatus.Created);
            RunHooks("createRuntime", spec.Hooks?.CreateRuntime, directory, record, ContainerStatus.Created);
            RunHooks("createContainer", spec.Hooks?.CreateContainer, directory, record, ContainerStatus.Created);
            if (options.PidFile is not null) WritePidFile(options.PidFile, created.Pid);
            created.Release();
            return (directory, record, spec);
        }
        catch
        {
            created?.Dispose();
            try { cgroup?.KillAll(); cgroup?.Delete(); } catch (ContainerToolsException) { }
            DetachSharedMounts(rootfs, sharedMountsBase);
            try { Directory.Delete(directory.Path, recursive: true); } catch (IOException) { }
            throw;
        }
        finally
        {
            FileDescriptors.Close(gate);
        }
    }

    /// <summary>
    /// A container without a mount namespace mounted its root filesystem in the caller's namespace, all of it beneath one
    /// bind of the rootfs onto itself: detaching the mounts above those that were there before takes everything
    /// (crun and runc leave them behind).
    /// </summary>
    public static void DetachSharedMounts(string rootfs, int? sharedMountsBase)
    {
        if (sharedMountsBase is not { } before) return;
        for (var extra = Mounts.CountAt(rootfs) - before; extra > 0; extra--)
        {
            try { Mounts.Unmount(rootfs, detach: true); }
            catch (SystemCallException) { return; }
        }
    }

    /// <summary>
    /// Runs one stage's hooks with the state document on their stdin, made only when the stage has hooks: describing the
    /// container reads /proc and the cgroup, and a spec without hooks (the usual case) should not pay for it.
    /// </summary>
    public static void RunHooks(string stage, IReadOnlyList<HookSpec>? hooks, ContainerDirectory directory, ContainerRecord record, ContainerStatus status)
    {
        if (hooks is { Count: > 0 }) HookRunner.Run(stage, hooks, HookState(directory, record, status));
    }

    /// <summary>The state document a hook reads on its stdin.</summary>
    private static byte[] HookState(ContainerDirectory directory, ContainerRecord record, ContainerStatus status)
    {
        var document = directory.Describe(record) with { Status = status.Text(), Pid = status == ContainerStatus.Stopped ? 0 : record.Pid };
        return JsonSerializer.SerializeToUtf8Bytes(document, CtrunJsonContext.Compact.ContainerStateDocument);
    }

    /// <summary>process.consoleSize for the pty ctinit makes (80x24 without one), set on it before the program starts.</summary>
    public static TerminalSize ConsoleSize(ProcessSpec process) =>
        process.ConsoleSize is { Width: > 0 and <= ushort.MaxValue, Height: > 0 and <= ushort.MaxValue } size
            ? new TerminalSize((ushort)size.Width, (ushort)size.Height)
            : TerminalSize.Default;

    /// <summary>runc's pid file: the number alone, written atomically (conmon reads it as soon as create returns).</summary>
    public static void WritePidFile(string path, int pid) => AtomicFile.WriteAllBytes(Path.GetFullPath(path), Encoding.ASCII.GetBytes(pid.ToString()), durable: false);

    /// <summary>Hands the pty master to whoever listens on the console socket (conmon, podman), as runc does.</summary>
    public static void SendConsole(string socketPath, int master)
    {
        if (master < 0) throw new CtrunError("the container's init sent no terminal");
        var socket = UnixSockets.ConnectStream(socketPath);
        try { UnixSockets.SendDescriptor(socket, master); }
        finally { FileDescriptors.Close(socket); }
    }
}

using System.Text;
using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Ctrun.Commands;

/// <summary>
/// exec: a new process in a running container, through the launcher's join (ctinit --exec): the container's config
/// with the given process and every namespace as /proc/PID/ns/*, the container's cgroups joined before execve.
/// </summary>
internal static class ExecCommand
{
    private static readonly OptionSet Options = new(
        "console-socket=", "pid-file=", "process|p=", "cwd=", "env|e=", "user|u=", "additional-gids|g=", "process-label=",
        "apparmor=", "cap|c=", "preserve-fds=", "cgroup=", "pidfd-socket=", "tty|t", "detach|d", "no-new-privs", "ignore-paused");

    public static int Run(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, Options, out var end, stopAtFirstPositional: true);
        if (end >= args.Length) throw new CtrunError("\"exec\" requires a minimum of 1 argument");
        var directory = context.Container(args[end]);
        var command = args[(end + 1)..];
        var record = directory.Load();
        var status = directory.Status(record);
        if (status == ContainerStatus.Stopped)
            throw new CtrunError("cannot exec in a stopped container");
        if (status == ContainerStatus.Paused && !line.Flag("ignore-paused"))
            throw new CtrunError("cannot exec in a paused container (use --ignore-paused to override)");
        if (!string.IsNullOrEmpty(line.Value("apparmor"))) throw new CtrunError("--apparmor is not supported: this host has no AppArmor");
        if (!string.IsNullOrEmpty(line.Value("process-label"))) throw new CtrunError("--process-label is not supported: this host has no SELinux");
        if (line.Int("preserve-fds", 0) > 0) throw new CtrunError("--preserve-fds is not supported yet: ctinit hands the process only its stdio");
        if (line.Value("pidfd-socket") is not null) throw new CtrunError("--pidfd-socket is not supported");

        if (record.SharedMountsBase is not null)
            throw new CtrunError("exec into a container without a mount namespace of its own is not supported: there is no namespace to join for its root filesystem");
        var spec = ExecSpec(directory, record, line, command);
        var consoleSocket = line.Value("console-socket");
        if (spec.Process.Terminal && consoleSocket is null && line.Flag("detach"))
            throw new CtrunError("cannot allocate tty if ctrun will detach without setting console socket");

        var bundle = Path.Combine(directory.Path, $"exec-{Guid.NewGuid():N}");
        LaunchedContainer launched;
        try
        {
            Directory.CreateDirectory(bundle);
            File.WriteAllBytes(Path.Combine(bundle, BundleReader.ConfigFileName), JsonSerializer.SerializeToUtf8Bytes(spec, RuntimeSpecJsonContext.Default.RuntimeSpec));
            launched = ContainerLauncher.Start(new LaunchRequest
            {
                BundlePath = bundle,
                StdinFd = 0,
                StdoutFd = 1,
                StderrFd = 2,
                CgroupJoinFiles = record.Cgroup is { } handle ? Cgroup.Open(handle).JoinFiles : [],
                JoinExisting = true,
                Terminal = spec.Process.Terminal && consoleSocket is not null ? ContainerCreation.ConsoleSize(spec.Process) : null,
            });
        }
        finally
        {
            try { Directory.Delete(bundle, recursive: true); } catch (IOException) { }
        }
        try
        {
            if (consoleSocket is not null) ContainerCreation.SendConsole(consoleSocket, launched.TerminalMaster);
        }
        finally { FileDescriptors.Close(launched.TerminalMaster); }
        if (line.Value("pid-file") is { } pidFile) ContainerCreation.WritePidFile(pidFile, launched.Pid);
        if (line.Flag("detach")) return 0;
        return ProcessWait.Wait(launched.Pid).ShellCode;
    }

    private static RuntimeSpec ExecSpec(ContainerDirectory directory, ContainerRecord record, CommandLine line, string[] command)
    {
        var container = RuntimeSpecReader.Read(File.ReadAllBytes(directory.Config));
        ProcessSpec process;
        if (line.Value("process") is { } processFile)
        {
            // The one reader, on a document that holds only this process.
            var json = File.ReadAllText(processFile);
            try { process = RuntimeSpecReader.Read(Encoding.UTF8.GetBytes($"{{\"process\":{json}}}")).Process; }
            catch (RuntimeSpecFieldNotSupportedException ex) { throw new CtrunError($"{processFile}: {ex.Message}"); }
            catch (JsonException ex) { throw new CtrunError($"{processFile}: {ex.Message}"); }
        }
        else
        {
            if (command.Length == 0) throw new CtrunError("exec args cannot be empty");
            process = container.Process with { Args = command, Terminal = line.Flag("tty") };
        }
        if (process.Args.Count == 0) throw new CtrunError("args must not be empty");
        if (line.Value("cwd") is { } cwd) process = process with { Cwd = cwd };
        if (line.Values("env") is { Count: > 0 } env) process = process with { Env = MergeEnv(process.Env, env) };
        if (line.Value("user") is { } user) process = process with { User = ParseUser(user, process.User) };
        if (line.Values("additional-gids") is { Count: > 0 } gids)
            process = process with { User = process.User with { AdditionalGids = gids.Select(g => uint.TryParse(g, out var n) ? n : throw new CtrunError($"invalid additional gid: {g}")).ToList() } };
        if (line.Flag("no-new-privs")) process = process with { NoNewPrivileges = true };
        if (line.Values("cap") is { Count: > 0 } caps && process.Capabilities is { } set)
        {
            process = process with
            {
                Capabilities = set with
                {
                    Bounding = [.. set.Bounding, .. caps],
                    Effective = [.. set.Effective, .. caps],
                    Permitted = [.. set.Permitted, .. caps],
                },
            };
        }
        var namespaces = container.Linux.Namespaces
            .Select(ns => Namespaces.FromSpecName(ns.Type) is { } kind ? ns with { Path = $"/proc/{record.Pid}/ns/{Namespaces.ProcName(kind)}" } : ns)
            .ToList();
        return container with { Process = process, Linux = container.Linux with { Namespaces = namespaces }, Hooks = null };
    }

    private static IReadOnlyList<string> MergeEnv(IReadOnlyList<string> env, IReadOnlyList<string> extra)
    {
        var merged = env.ToList();
        foreach (var item in extra)
        {
            var name = item.Split('=')[0] + "=";
            merged.RemoveAll(e => e.StartsWith(name, StringComparison.Ordinal));
            merged.Add(item);
        }
        return merged;
    }

    /// <summary>runc's --user: UID[:GID], numbers only.</summary>
    private static UserSpec ParseUser(string text, UserSpec current)
    {
        var parts = text.Split(':');
        if (parts.Length > 2 || !uint.TryParse(parts[0], out var uid) || parts.Length == 2 && !uint.TryParse(parts[1], out _))
            throw new CtrunError($"invalid --user \"{text}\": expected UID[:GID] (numbers)");
        return current with { Uid = uid, Gid = parts.Length == 2 ? uint.Parse(parts[1]) : current.Gid };
    }
}

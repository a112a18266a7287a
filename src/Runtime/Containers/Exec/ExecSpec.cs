using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>
/// The runtime spec ctinit gets for an exec: the container's own config.json (capabilities, no_new_privs, rlimits,
/// user, env, cwd) with the exec's process and every namespace given as /proc/PID/ns/* of the container's PID 1.
/// </summary>
internal static class ExecSpec
{
    public static RuntimeSpec Build(Container container, ExecOptions options)
    {
        var spec = BundleReader.Read(container.Paths.BundleDirectory);
        var process = spec.Process;
        var user = process.User;
        if (!string.IsNullOrEmpty(options.User))
        {
            var (uid, gid) = ContainerUser.Resolve(options.User, File.ReadAllLines(container.Paths.LayersFile).Where(l => l.Length > 0).ToList());
            user = new UserSpec { Uid = uid, Gid = gid };
        }
        var pid = container.State.Pid;
        var namespaces = spec.Linux.Namespaces
            .Select(ns => Namespaces.FromSpecName(ns.Type) is { } kind
                ? ns with { Path = $"/proc/{pid}/ns/{Namespaces.ProcName(kind)}" }
                : ns)
            .ToList();
        return spec with
        {
            Process = process with
            {
                Args = options.Command,
                Env = ContainerStore.MergeEnv(process.Env, options.Tty ? ["TERM=xterm", .. options.Environment ?? []] : options.Environment ?? []),
                Cwd = string.IsNullOrEmpty(options.WorkingDirectory) ? process.Cwd : options.WorkingDirectory,
                User = user,
                Terminal = options.Tty,
            },
            Linux = spec.Linux with { Namespaces = namespaces },
        };
    }
}

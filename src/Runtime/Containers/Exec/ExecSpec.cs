using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Launch;
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
            var layers = File.ReadAllLines(container.Paths.LayersFile).Where(l => l.Length > 0).ToList();
            var (uid, gid) = ContainerUser.Resolve(options.User, layers);
            user = ContainerUser.WithGroups(uid, gid, layers);
        }
        return JoinedProcessSpec.For(spec, container.State.Pid, process with
        {
            Args = options.Command,
            Env = ContainerStore.MergeEnv(process.Env, options.Tty ? ["TERM=xterm", .. options.Environment ?? []] : options.Environment ?? []),
            Cwd = string.IsNullOrEmpty(options.WorkingDirectory) ? process.Cwd : options.WorkingDirectory,
            User = user,
            Terminal = options.Tty,
        });
    }
}

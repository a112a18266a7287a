using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>
/// The runtime spec ctinit gets for an exec: the container's own config.json (capabilities, no_new_privs, rlimits,
/// user, env, cwd) with the exec's process and every namespace given as /proc/PID/ns/* of the container's PID 1.
/// </summary>
internal static class ExecSpec
{
    /// <summary>
    /// The containers' config.json as last parsed, for the whole process (a session's execs each get a new store): an
    /// exec in a warm session stats the file instead of reading and parsing its 18 kB (docs/exec.md, Speed). The file
    /// is written once, at create, and replaced whole by rename when it is written again, which the stat sees.
    /// </summary>
    private static readonly StateFileCache<RuntimeSpec> ContainerSpecs = new(BundleReader.Parse);

    public static RuntimeSpec Build(Container container, ExecOptions options)
    {
        var spec = ContainerSpec(container.Paths.BundleDirectory);
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

    private static RuntimeSpec ContainerSpec(string bundle)
    {
        return ContainerSpecs.Read(Path.Combine(bundle, BundleWriter.ConfigFileName))
            ?? throw new ContainerToolsException(ErrorIds.BundleNotFound, $"The bundle '{bundle}' has no {BundleWriter.ConfigFileName}.", bundle);
    }
}

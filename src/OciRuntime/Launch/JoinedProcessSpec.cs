using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// The spec ctinit gets to run one more process in a running container (an exec, a health probe): the container's own
/// config.json with that process, every namespace given as /proc/PID/ns/* of the container's PID 1.
/// </summary>
public static class JoinedProcessSpec
{
    /// <summary>Stands for the pid in a spec written before the pid is known (the health probe's, which ctmon completes).</summary>
    public const string PidPlaceholder = "CTMON_PID";

    public static RuntimeSpec For(RuntimeSpec containerSpec, int pid, ProcessSpec process) =>
        For(containerSpec, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), process);

    public static RuntimeSpec For(RuntimeSpec containerSpec, string pid, ProcessSpec process) => containerSpec with
    {
        Process = process,
        Linux = containerSpec.Linux with
        {
            Namespaces = containerSpec.Linux.Namespaces
                .Select(ns => Namespaces.FromSpecName(ns.Type) is { } kind ? ns with { Path = $"/proc/{pid}/ns/{Namespaces.ProcName(kind)}" } : ns)
                .ToList(),
        },
    };
}

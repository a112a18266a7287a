using System.Text.Json;
using ContainerTools.OciRuntime.Files;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers.Services;

/// <summary>
/// health-probe.json: the runtime spec ctinit gets for each health probe, written by the engine at Start (the
/// container's own spec with the probe's argv, as an exec's), with a placeholder where the pid of the container's
/// current run goes. ctmon only puts the pid in: it neither reads nor writes runtime specs (its size is what every
/// container pays).
/// </summary>
internal static class HealthProbeTemplate
{
    public static void Write(ContainerPaths paths, HealthCheck check)
    {
        var spec = BundleReader.Read(paths.BundleDirectory);
        var probe = JoinedProcessSpec.For(spec, JoinedProcessSpec.PidPlaceholder, spec.Process with { Args = check.Argv, Terminal = false });
        AtomicFile.WriteAllBytes(paths.HealthProbeTemplateFile, JsonSerializer.SerializeToUtf8Bytes(probe, RuntimeSpecJsonContext.Default.RuntimeSpec));
    }
}

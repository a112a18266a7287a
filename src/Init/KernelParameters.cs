using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>
/// linux.sysctl, written under the container's own /proc/sys after the pivot and before readonlyPaths makes it
/// read-only. The engine lets through only namespaced parameters (Docker's list), so the host never sees a write.
/// </summary>
internal static class KernelParameters
{
    public static void Apply(RuntimeSpec spec)
    {
        foreach (var (name, value) in spec.Linux.Sysctl ?? new Dictionary<string, string>())
        {
            if (name.Length == 0 || name.Contains("..") || name.StartsWith('/') || name.StartsWith('.'))
            {
                throw new InitFailure(InitFailure.EINVAL, $"sysctl \"{name}\": not a parameter name");
            }
            var path = "/proc/sys/" + name.Replace('.', '/');
            try { File.WriteAllText(path, value); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InitFailure(InitFailure.EINVAL, $"sysctl \"{name}\" = \"{value}\": {ex.Message}");
            }
        }
    }
}

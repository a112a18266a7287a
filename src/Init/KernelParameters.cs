using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>
/// linux.sysctl, written under the container's own /proc/sys after the pivot and before readonlyPaths makes it
/// read-only: only parameters of an ipc or network namespace the container has of its own, new or joined by path (runc's
/// rule), so the host never sees a write.
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
            // Whoever wrote the spec (the engine refuses these already, another front end may not): only a parameter of a
            // namespace the container has of its own, never the host's.
            var dotted = name.Replace('/', '.');
            // A namespace joined by path counts: the launcher has refused one that is its own (NamespacePlan).
            if (NamespacedSysctls.NamespaceOf(dotted) is not { } type || !spec.Linux.Namespaces.Any(ns => ns.Type == type))
            {
                throw new InitFailure(InitFailure.EINVAL, $"sysctl \"{name}\" is not in a namespace of the container's own: it would change the host");
            }
            var path = "/proc/sys/" + dotted.Replace('.', '/');
            try { File.WriteAllText(path, value); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InitFailure(InitFailure.EINVAL, $"sysctl \"{name}\" = \"{value}\": {ex.Message}");
            }
        }
    }
}

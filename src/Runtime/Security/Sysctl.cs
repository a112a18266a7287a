using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Containers;

namespace ContainerTools.Runtime.Security;

/// <summary>
/// -Sysctl NAME=VALUE, allowed as Docker allows it: only parameters the kernel keeps per namespace
/// (<see cref="NamespacedSysctls"/>; net.* not when the container shares the host's network); anything else would
/// change the host and is refused.
/// </summary>
public static class Sysctl
{
    public static IReadOnlyDictionary<string, string> ParseAll(IReadOnlyList<string> entries, string network)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0) throw Invalid(entry, "expected NAME=VALUE, such as net.ipv4.ip_unprivileged_port_start=0");
            var name = entry[..eq].Trim().Replace('/', '.');
            if (name.Contains("..") || name.StartsWith('.') || name.EndsWith('.')) throw Invalid(entry, $"'{name}' is not a parameter name");
            if (!IsNamespaced(name)) throw Invalid(entry, $"'{name}' is not a namespaced kernel parameter, so setting it would change the host");
            if (name.StartsWith("net.", StringComparison.Ordinal) && network == NetworkModes.Host)
            {
                throw Invalid(entry, "net.* parameters cannot be set on a container that shares the host's network");
            }
            values[name] = entry[(eq + 1)..];
        }
        return values;
    }

    public static bool IsNamespaced(string name) => NamespacedSysctls.NamespaceOf(name) is not null;

    private static ContainerToolsException Invalid(string entry, string reason) =>
        new(ErrorIds.InvalidSysctl, $"The sysctl '{entry}' is not allowed: {reason}.", entry, reason: reason);
}

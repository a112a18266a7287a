using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// Which namespaces the launching thread creates (unshare) or joins (setns) before spawning ctinit.
/// The cgroup namespace is not here: ctinit unshares it itself, after joining the container's cgroups. When joining a
/// running container the mount namespace is not here either: ctinit must still be found on the host's filesystem, so it
/// enters the container's mount namespace itself.
/// </summary>
internal sealed record NamespacePlan(int UnshareFlags, IReadOnlyList<(NamespaceKind Kind, string Path)> Joins)
{
    public IEnumerable<NamespaceKind> Affected =>
        Namespaces.All.Where(kind => (UnshareFlags & Namespaces.CloneFlag(kind)) != 0).Concat(Joins.Select(join => join.Kind)).Distinct();

    public static NamespacePlan From(RuntimeSpec spec, string bundlePath, bool joinExisting = false)
    {
        var flags = 0;
        var joins = new List<(NamespaceKind, string)>();
        foreach (var entry in spec.Linux.Namespaces)
        {
            // ctinit makes it: its clock offsets must be written before anything enters it.
            if (entry.Type == "time") continue;
            var kind = Namespaces.FromSpecName(entry.Type)
                ?? throw new ContainerToolsException(ErrorIds.UnknownNamespace, $"The bundle asks for an unknown namespace type '{entry.Type}'.", bundlePath);
            if (kind == NamespaceKind.User)
                throw new ContainerToolsException(ErrorIds.UserNamespaceNotSupported, "User namespaces are not supported yet.", bundlePath);
            if (kind == NamespaceKind.Cgroup) continue;
            if (joinExisting && kind == NamespaceKind.Mount) continue;
            if (string.IsNullOrEmpty(entry.Path)) flags |= Namespaces.CloneFlag(kind);
            else joins.Add((kind, entry.Path));
        }
        return new NamespacePlan(flags, joins);
    }
}

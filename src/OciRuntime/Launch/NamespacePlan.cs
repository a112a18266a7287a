using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// Which namespaces the launching thread creates (unshare) or joins (setns) before spawning ctinit.
/// The cgroup namespace is not here: ctinit unshares it itself, after joining the container's cgroups. When joining a
/// running container the mount namespace is not here either: ctinit must still be found on the host's filesystem, so it
/// enters the container's mount namespace itself.
/// With a user namespace (<see cref="User"/>: "-" for a new one, else the path of one to join) the thread creates
/// nothing: the namespaces to create must belong to the user namespace, which only a single-threaded process can
/// enter, so ctinit's user namespace stage unshares <see cref="UnshareAfterUser"/> once it is inside.
/// </summary>
internal sealed record NamespacePlan(int UnshareFlags, IReadOnlyList<(NamespaceKind Kind, string Path)> Joins)
{
    public const string NewUserNamespace = "-";

    public string? User { get; init; }
    public int UnshareAfterUser { get; init; }

    public IEnumerable<NamespaceKind> Affected =>
        Namespaces.All.Where(kind => (UnshareFlags & Namespaces.CloneFlag(kind)) != 0).Concat(Joins.Select(join => join.Kind)).Distinct();

    public static NamespacePlan From(RuntimeSpec spec, string bundlePath, bool joinExisting = false)
    {
        var flags = 0;
        string? user = null;
        var joins = new List<(NamespaceKind, string)>();
        foreach (var entry in spec.Linux.Namespaces)
        {
            // ctinit makes it: its clock offsets must be written before anything enters it.
            if (entry.Type == "time") continue;
            var kind = Namespaces.FromSpecName(entry.Type)
                ?? throw new ContainerToolsException(ErrorIds.UnknownNamespace, $"The bundle asks for an unknown namespace type '{entry.Type}'.", bundlePath);
            if (kind == NamespaceKind.User) user = string.IsNullOrEmpty(entry.Path) ? NewUserNamespace : entry.Path;
            else if (kind == NamespaceKind.Cgroup) continue;
            else if (joinExisting && kind == NamespaceKind.Mount) continue;
            else if (string.IsNullOrEmpty(entry.Path)) flags |= Namespaces.CloneFlag(kind);
            else joins.Add((kind, entry.Path));
        }
        CheckMappings(spec, user, bundlePath);
        CheckSysctls(spec, joins, bundlePath);
        return user is null ? new NamespacePlan(flags, joins) : new NamespacePlan(0, joins) { User = user, UnshareAfterUser = flags };
    }

    /// <summary>
    /// runc's rule for linux.sysctl in a namespace joined by path: it must not be the caller's own (a container sharing
    /// the host's network namespace through /proc/1/ns/net, say), or the write would change the host. ctinit, which
    /// cannot tell after its pivot, relies on this check for joined namespaces.
    /// </summary>
    private static void CheckSysctls(RuntimeSpec spec, List<(NamespaceKind Kind, string Path)> joins, string bundlePath)
    {
        // One look per namespace, however many of its parameters the spec sets.
        var firstByType = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in spec.Linux.Sysctl?.Keys ?? Enumerable.Empty<string>())
        {
            if (NamespacedSysctls.NamespaceOf(name.Replace('/', '.')) is { } type) firstByType.TryAdd(type, name);
        }
        foreach (var (type, name) in firstByType)
        {
            if (Namespaces.FromSpecName(type) is not { } kind) continue;
            foreach (var (_, path) in joins.Where(join => join.Kind == kind))
            {
                bool own;
                try { own = Namespaces.IsOwn(kind, path); }
                catch (SystemCallException ex)
                {
                    throw new ContainerToolsException(ErrorIds.InvalidRuntimeSpec, $"The {type} namespace '{path}' cannot be opened: {ex.Message}", bundlePath, ex);
                }
                if (own)
                {
                    throw new ContainerToolsException(ErrorIds.InvalidRuntimeSpec,
                        $"sysctl \"{name}\" is not in a namespace of the container's own: '{path}' is the caller's {type} namespace, and the write would change the host.", bundlePath);
                }
            }
        }
    }

    /// <summary>runc's rules: a new user namespace needs both maps, and maps need a user namespace (an exec joins the container's, maps and all).</summary>
    private static void CheckMappings(RuntimeSpec spec, string? user, string bundlePath)
    {
        bool uids = spec.Linux.UidMappings is { Count: > 0 }, gids = spec.Linux.GidMappings is { Count: > 0 };
        if (user == NewUserNamespace && !(uids && gids))
            throw new ContainerToolsException(ErrorIds.InvalidRuntimeSpec, "A new user namespace needs both linux.uidMappings and linux.gidMappings.", bundlePath);
        if (user is null && (uids || gids))
            throw new ContainerToolsException(ErrorIds.InvalidRuntimeSpec, "linux.uidMappings and linux.gidMappings need a new user namespace in linux.namespaces.", bundlePath);
    }
}

using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// A ctinit spawned for a process joining a running container before the caller has written its bundle
/// (<see cref="ContainerLauncher.SpawnEarlyJoin"/>, ctinit --exec --await-bundle): it sits in the container's uts, ipc,
/// net and pid namespaces (ctinit must be born in the pid one) and nowhere else: not in its cgroups, so a pause cannot
/// freeze it. Its go is <see cref="InitProtocol.BundleWritten"/>, or the spec itself (<see cref="InitProtocol.SpecFollows"/>).
/// See <see cref="EarlyInit"/>.
/// </summary>
public sealed class EarlyJoin : EarlyInit
{
    /// <summary>The namespaces joined at spawn; a spec that joins others (or fewer) gets a ctinit of its own.</summary>
    internal static readonly NamespaceKind[] JoinedKinds = [NamespaceKind.Uts, NamespaceKind.Ipc, NamespaceKind.Network, NamespaceKind.Pid];

    private readonly IReadOnlyList<(NamespaceKind Kind, string Path)> _joins;

    internal EarlyJoin(int pid, int reportFd, int gateFd, int console, LaunchRequest request,
        IReadOnlyList<(NamespaceKind Kind, string Path)> joins, string bundlePath, string initPath)
        : base(pid, reportFd, gateFd, console, request, bundlePath, initPath)
    {
        _joins = joins;
    }

    internal override bool Fits(LaunchRequest request, NamespacePlan plan, string bundlePath, string initPath) =>
        SpawnedLike(request, bundlePath, initPath) && request.JoinExisting && plan.UnshareFlags == 0 && plan.User is null
        && request.CgroupJoinFiles.SequenceEqual(SpawnRequest.CgroupJoinFiles)
        && plan.Joins.Count == _joins.Count && plan.Joins.All(_joins.Contains);

    /// <summary>Its cgroup files were arguments at spawn: the bundle's word is all it waits for.</summary>
    private protected override byte[] Go(LaunchRequest request, NamespacePlan plan) => [InitProtocol.BundleWritten];
}

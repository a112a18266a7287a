using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// A new container's ctinit spawned before its bundle, root mount and cgroup exist
/// (<see cref="ContainerLauncher.SpawnEarlyCreate"/>, ctinit --await-bundle): born in a new pid namespace (the one
/// namespace that must be set at spawn: CLONE_NEWPID applies to children only) and otherwise in its caller's. On the go
/// (<see cref="CreateGo"/>) its main thread enters the spec's other namespaces itself, as the launch thread would have
/// before the spawn, then joins the cgroups and goes on as any ctinit. See <see cref="EarlyInit"/>.
/// </summary>
public sealed class EarlyCreate : EarlyInit
{
    internal EarlyCreate(int pid, int reportFd, int gateFd, int console, LaunchRequest request, string bundlePath, string initPath)
        : base(pid, reportFd, gateFd, console, request, bundlePath, initPath)
    {
    }

    /// <summary>
    /// A new container with a new pid namespace and no user namespace (whose stage must run before the runtime's threads
    /// exist, so it has no early form). Which other namespaces it makes or joins, and its cgroups, are told on the go.
    /// </summary>
    internal override bool Fits(LaunchRequest request, NamespacePlan plan, string bundlePath, string initPath) =>
        SpawnedLike(request, bundlePath, initPath) && !request.JoinExisting && plan.User is null
        && (plan.UnshareFlags & Namespaces.CloneFlag(NamespaceKind.Pid)) != 0;

    private protected override byte[] Go(LaunchRequest request, NamespacePlan plan) =>
        new CreateGo(plan.UnshareFlags & ~Namespaces.CloneFlag(NamespaceKind.Pid), plan.Joins, request.CgroupJoinFiles).Encode();
}

using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>
/// linux.rootfsPropagation: the container's root mount gets the asked propagation once it is "/" (private, as ctinit
/// left everything at step 4, otherwise). On a mount of the container's own namespace, so "shared" makes a peer group
/// inside the container; nothing propagates to the host, whose mounts ctinit made private first.
/// </summary>
internal static class RootPropagation
{
    public static void Apply(RuntimeSpec spec)
    {
        if (string.IsNullOrEmpty(spec.Linux.RootfsPropagation)) return;
        var propagation = MountOptions.Parse([spec.Linux.RootfsPropagation]).Propagation;
        if (propagation == 0) throw new InitFailure(InitFailure.EINVAL, $"linux.rootfsPropagation: unknown propagation '{spec.Linux.RootfsPropagation}'");
        Mounts.SetPropagation("/", propagation);
    }
}

using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Security.UserNamespaces;

/// <summary>
/// A container's user namespace as its definition records it: the uid and gid maps, null for the host's namespace.
/// Recorded at create (under the store's names lock) so that two auto containers never get the same host ids.
/// </summary>
public sealed record ContainerIdMaps(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("uidMappings")] IReadOnlyList<IdMappingSpec> Uids,
    [property: JsonPropertyName("gidMappings")] IReadOnlyList<IdMappingSpec> Gids)
{
    public const string ExplicitMode = "private";

    /// <summary>The host uid and gid of the container's root (what owns its upper directory).</summary>
    [JsonIgnore] public (uint Uid, uint Gid) HostRoot => (IdMappingSpec.HostIdOf(Uids, 0) ?? 0, IdMappingSpec.HostIdOf(Gids, 0) ?? 0);

    /// <summary>A container's uid and gid as the host's; an id the maps leave out is the overflow id, 65534 (nobody).</summary>
    public (int Uid, int Gid) HostIds(int uid, int gid) =>
        ((int)(IdMappingSpec.HostIdOf(Uids, (uint)uid) ?? 65534), (int)(IdMappingSpec.HostIdOf(Gids, (uint)gid) ?? 65534));

    /// <summary>Host ids back to the container's (what an export or a commit records); an id outside the maps is 65534.</summary>
    public (int Uid, int Gid) ContainerIds(int hostUid, int hostGid) => (Back(Uids, hostUid), Back(Gids, hostGid));

    private static int Back(IReadOnlyList<IdMappingSpec> mappings, int hostId) =>
        mappings.FirstOrDefault(m => (uint)hostId >= m.HostId && (uint)hostId - m.HostId < m.Size) is { } m ? (int)(m.ContainerId + ((uint)hostId - m.HostId)) : 65534;

    /// <summary>
    /// -UserNamespace, -UidMap and -GidMap into maps (null: the host's namespace). -GidMap defaults to -UidMap's lines, as
    /// Podman does. <paramref name="taken"/>: every other container's maps in the store, for auto.
    /// </summary>
    public static ContainerIdMaps? Resolve(string? userNamespace, IReadOnlyList<string> uidMap, IReadOnlyList<string> gidMap,
        IEnumerable<ContainerIdMaps> taken, string subuidFile = "/etc/subuid", string subgidFile = "/etc/subgid")
    {
        var mode = UserNamespaceMode.Parse(userNamespace);
        if (uidMap.Count > 0 || gidMap.Count > 0)
        {
            if (mode.Auto || (userNamespace is not null && userNamespace != "host" && userNamespace != ExplicitMode))
                throw new ContainerToolsException(ErrorIds.InvalidUserNamespace, $"-UserNamespace '{userNamespace}' cannot be combined with -UidMap or -GidMap.", userNamespace);
            var uids = IdMapArgument.ParseAll(uidMap.Count > 0 ? uidMap : gidMap, "-UidMap");
            var gids = gidMap.Count > 0 ? IdMapArgument.ParseAll(gidMap, "-GidMap") : uids;
            if (IdMappingSpec.HostIdOf(uids, 0) is null || IdMappingSpec.HostIdOf(gids, 0) is null)
                throw new ContainerToolsException(ErrorIds.InvalidIdMapping, "The id maps must map the container's root (container id 0) in both -UidMap and -GidMap.", string.Join(",", uidMap));
            return new ContainerIdMaps(ExplicitMode, uids, gids);
        }
        if (!mode.Auto) return null;
        var takenList = taken.ToList();
        var uid = SubordinateIds.FirstFree(SubordinateIds.Ranges(subuidFile), takenList.SelectMany(t => t.Uids), mode.Size);
        var gid = SubordinateIds.FirstFree(SubordinateIds.Ranges(subgidFile), takenList.SelectMany(t => t.Gids), mode.Size);
        if (uid is null || gid is null)
        {
            throw new ContainerToolsException(ErrorIds.UserNamespaceRangeExhausted,
                $"No free range of {mode.Size} host ids is left for -UserNamespace auto in {subuidFile} and {subgidFile} (user '{SubordinateIds.User}'): remove containers or widen the ranges.", userNamespace);
        }
        return new ContainerIdMaps(userNamespace!,
            [new IdMappingSpec { ContainerId = 0, HostId = uid.Value, Size = mode.Size }],
            [new IdMappingSpec { ContainerId = 0, HostId = gid.Value, Size = mode.Size }]);
    }
}

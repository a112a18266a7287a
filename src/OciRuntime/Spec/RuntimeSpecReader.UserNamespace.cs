using System.Text.Json;

namespace ContainerTools.OciRuntime.Spec;

/// <summary>linux.uidMappings and linux.gidMappings.</summary>
public static partial class RuntimeSpecReader
{
    private static IReadOnlyList<IdMappingSpec>? IdMappings(JsonElement linux, string name) =>
        Array(linux, name, m => new IdMappingSpec { ContainerId = UInt(m, "containerID"), HostId = UInt(m, "hostID"), Size = UInt(m, "size") });
}

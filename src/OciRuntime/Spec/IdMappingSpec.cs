using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.Spec;

/// <summary>
/// One line of a user namespace's uid_map or gid_map (linux.uidMappings[], linux.gidMappings[]): <see cref="Size"/> ids
/// from <see cref="ContainerId"/> inside are <see cref="HostId"/> onwards outside.
/// </summary>
public sealed record IdMappingSpec
{
    [JsonPropertyName("containerID")] public uint ContainerId { get; init; }
    [JsonPropertyName("hostID")] public uint HostId { get; init; }
    [JsonPropertyName("size")] public uint Size { get; init; }

    /// <summary>The text the kernel takes in /proc/PID/uid_map (one write, one line per mapping).</summary>
    public static string MapText(IEnumerable<IdMappingSpec> mappings) =>
        string.Concat(mappings.Select(m => $"{m.ContainerId} {m.HostId} {m.Size}\n"));

    /// <summary>The host id of <paramref name="containerId"/>, null when no mapping covers it.</summary>
    public static uint? HostIdOf(IEnumerable<IdMappingSpec> mappings, uint containerId) =>
        mappings.FirstOrDefault(m => containerId >= m.ContainerId && containerId - m.ContainerId < m.Size) is { } m
            ? m.HostId + (containerId - m.ContainerId) : null;
}

namespace ContainerTools.Runtime.Network;

/// <summary>
/// What the container lifecycle hands to <see cref="NetworkStore.Attach"/>. NetnsPath is /proc/PID/ns/net of the
/// container's init or a bind-mounted namespace file; InterfaceName defaults to the next free ethN of the container.
/// </summary>
public sealed record AttachRequest
{
    public required string ContainerId { get; init; }
    public required string NetnsPath { get; init; }
    public string NetworkName { get; init; } = ContainerNetwork.DefaultName;
    /// <summary>The name peers resolve the container by; defaults to the container id's first 12 characters.</summary>
    public string? ContainerName { get; init; }
    public string? Hostname { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public IReadOnlyList<PortMapping> PortMappings { get; init; } = [];
    public string? HostsFilePath { get; init; }
    public string? InterfaceName { get; init; }
}

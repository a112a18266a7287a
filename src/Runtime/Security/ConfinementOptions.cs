namespace ContainerTools.Runtime.Security;

/// <summary>
/// Docker's confinement switches as a user gives them to create (docker run --cap-add, --security-opt, --ulimit, ...);
/// <see cref="ContainerConfinement.From"/> checks and normalizes them into what the container keeps.
/// </summary>
public sealed record ConfinementOptions
{
    /// <summary>Capability names with or without CAP_, any case, or ALL.</summary>
    public IReadOnlyList<string> CapabilityAdd { get; init; } = [];
    public IReadOnlyList<string> CapabilityDrop { get; init; } = [];
    /// <summary>"seccomp=unconfined", "seccomp=PROFILE.json", "no-new-privileges[=true|false]" ("=" or ":").</summary>
    public IReadOnlyList<string> SecurityOptions { get; init; } = [];
    /// <summary>"nofile=1024:2048", "nproc=512" (soft = hard), -1 for unlimited.</summary>
    public IReadOnlyList<string> Ulimits { get; init; } = [];
    /// <summary>"net.ipv4.ip_unprivileged_port_start=0": namespaced parameters only.</summary>
    public IReadOnlyList<string> Sysctls { get; init; } = [];
    /// <summary>-1000 .. 1000.</summary>
    public int? OomScoreAdjust { get; init; }
    /// <summary>Bytes of /dev/shm (Docker's default 64 MiB).</summary>
    public long? ShmSize { get; init; }
    /// <summary>More groups for the container's process: gids or names from the image's /etc/group.</summary>
    public IReadOnlyList<string> GroupAdd { get; init; } = [];
}

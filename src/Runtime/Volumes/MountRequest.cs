namespace ContainerTools.Runtime.Volumes;

/// <summary>
/// A mount as the user asked for it, before the store is consulted: parsed from -Volume, -Tmpfs or -Mount by
/// <see cref="MountArguments"/>, turned into an OCI entry by <see cref="MountResolver"/>.
/// </summary>
public sealed record MountRequest
{
    public required MountKind Kind { get; init; }
    /// <summary>Bind: an absolute host path. Volume: a volume name, or null for a new anonymous volume. Tmpfs: null.</summary>
    public string? Source { get; init; }
    /// <summary>Absolute and normalized; resolved inside the rootfs (never through its symlinks) only at mount time.</summary>
    public required string Destination { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary>rprivate unless asked otherwise (bind and volume only).</summary>
    public string Propagation { get; init; } = "rprivate";
    /// <summary>tmpfs options beyond the defaults, such as size=64m and mode=1777.</summary>
    public IReadOnlyList<string> TmpfsOptions { get; init; } = [];
    /// <summary>-Volume creates a missing host directory, as docker -v does; -Mount type=bind refuses one.</summary>
    public bool CreateMissingSource { get; init; }
}

namespace ContainerTools.Runtime.Files;

/// <summary>
/// Choices for <see cref="ContainerFileCopy"/>. <paramref name="KeepOwners"/> keeps numeric uid/gid (docker cp -a);
/// when false, new entries belong to the calling process, as plain docker cp does.
/// </summary>
public sealed record FileCopyOptions(bool KeepOwners = true)
{
    /// <summary>Every copied node gets this owner instead (a Dockerfile COPY --chown).</summary>
    public (int Uid, int Gid)? Owner { get; init; }

    /// <summary>
    /// Owners as the target's container sees them into the ids on disk (a container with a user namespace: uid 0 is its
    /// root's host uid); a node copied without <see cref="KeepOwners"/> is then the container root's.
    /// </summary>
    public Func<int, int, (int Uid, int Gid)>? MapOwner { get; init; }

    /// <summary>Every copied file and directory gets these permission bits instead of its own (COPY --chmod).</summary>
    public uint? Mode { get; init; }

    /// <summary>Entries to leave out, by their path below the copy's source root ("dir/file"), as a .dockerignore does.</summary>
    public Func<string, bool>? SkipSource { get; init; }

    public static FileCopyOptions Default { get; } = new();
}

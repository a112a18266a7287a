namespace ContainerTools.Runtime.Files;

/// <summary>
/// Choices for <see cref="ContainerFileCopy"/>. <paramref name="KeepOwners"/> keeps numeric uid/gid (docker cp -a);
/// when false, new entries belong to the calling process, as plain docker cp does.
/// </summary>
public sealed record FileCopyOptions(bool KeepOwners = true)
{
    public static FileCopyOptions Default { get; } = new();
}

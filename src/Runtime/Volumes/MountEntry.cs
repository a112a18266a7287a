namespace ContainerTools.Runtime.Volumes;

/// <summary>
/// One entry of an OCI runtime-spec "mounts" array, field for field (destination, type, source, options), so the
/// lifecycle copies it into the bundle's config.json as it is.
/// </summary>
public sealed record MountEntry(string Destination, string Type, string Source, IReadOnlyList<string> Options)
{
    public bool ReadOnly => Options.Contains("ro");
}

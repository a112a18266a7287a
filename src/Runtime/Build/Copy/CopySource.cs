namespace ContainerTools.Runtime.Build.Copy;

/// <summary>
/// One resolved COPY/ADD source: a path below <see cref="Root"/> (the context, or another stage's or image's root) with
/// no symlink left in it, and whether it is a directory (whose contents are copied, never the directory itself).
/// <see cref="FromArchive"/>: the unpacked contents of an ADD archive, whose owners are kept unless --chown says otherwise.
/// </summary>
public sealed record CopySource(string Root, string RelativePath, bool IsDirectory, bool FromArchive = false)
{
    public string FullPath => RelativePath.Length == 0 ? Root : Path.Combine(Root, RelativePath);

    public string Name => RelativePath.Length == 0 ? "" : RelativePath[(RelativePath.LastIndexOf('/') + 1)..];
}

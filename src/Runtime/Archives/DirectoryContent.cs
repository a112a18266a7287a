using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Archives;

/// <summary>Files of a layout directory (an OCI image layout), opened by normalized relative name only.</summary>
public sealed class DirectoryContent : IArchiveContent
{
    private readonly string _root;

    public DirectoryContent(string root) => _root = Path.GetFullPath(root);

    public string Source => _root;

    public bool Contains(string name) => PathOf(name) is { } path && File.Exists(path);

    public Stream Open(string name)
    {
        var path = PathOf(name);
        if (path is null || !File.Exists(path))
        {
            throw new ContainerToolsException(ErrorIds.MissingArchiveEntry, $"The layout '{_root}' has no file '{name}'.", _root);
        }
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    /// <summary>The file for a member name; a symlink is only followed while it stays inside the layout.</summary>
    private string? PathOf(string name)
    {
        if (MemberName.Normalize(name) is not { } normalized)
        {
            return null;
        }
        var path = Path.Combine(_root, normalized);
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
        {
            return path;
        }
        var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        return target is not null && target.StartsWith(_root + "/", StringComparison.Ordinal) ? target : null;
    }
}

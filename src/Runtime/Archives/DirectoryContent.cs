using ContainerTools.Runtime.Errors;

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
            throw new ContainerToolsException(ErrorKind.InvalidData, "MissingArchiveEntry", $"The layout '{_root}' has no file '{name}'.", _root);
        }
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    private string? PathOf(string name) => MemberName.Normalize(name) is { } normalized ? Path.Combine(_root, normalized) : null;
}

using ContainerTools.OciRuntime.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Files;

/// <summary>
/// docker cp between the host and a container's root file system (any directory standing for the container's "/").
/// Container paths are resolved by <see cref="RootfsPath"/>, so symlinks in the container resolve inside it and can
/// never lead a read or a write onto the host. Modes, numeric owners, mtimes and xattrs are kept; symlinks are copied
/// as symlinks, never followed; hard links among the copied files stay hard links.
/// </summary>
/// <remarks>
/// The docker cp rules, for a source S and destination D:
/// S a file: D missing -> created as that file (D ending in "/" is an error: the directory must exist);
/// D an existing file -> overwritten; D an existing directory -> copied into it under S's name.
/// S a directory: D missing -> created as a copy of S; D a file -> error; D an existing directory -> S copied into
/// it under its name, or with S ending in "/." its contents merged into D.
/// A symlink as the last component of S is copied as the link. As the last component of D it is followed (inside
/// the root) when it leads to a directory; otherwise the link itself is replaced, as tar extraction would.
/// </remarks>
public static class ContainerFileCopy
{
    /// <summary>Copies <paramref name="containerPath"/> out of <paramref name="rootfs"/> to <paramref name="hostDestination"/>.</summary>
    /// <exception cref="Errors.ContainerToolsException">NotFound "ContainerPathNotFound" (source), "PathNotFound"
    /// (destination's directory), "RootfsNotFound"; InvalidOperation "CannotCopyDirectoryOntoFile",
    /// "CannotOverwriteDirectoryWithNonDirectory", "CannotOverwriteNonDirectoryWithDirectory".</exception>
    public static void CopyOut(string rootfs, string containerPath, string hostDestination,
        FileCopyOptions? options = null, CancellationToken cancellationToken = default) =>
        CopyOut(rootfs, containerPath, hostDestination, options, cancellationToken, ResolveMode.Auto);

    /// <summary>Copies <paramref name="hostSource"/> into <paramref name="rootfs"/> at <paramref name="containerPath"/>.</summary>
    /// <exception cref="Errors.ContainerToolsException">NotFound "PathNotFound" (source), "ContainerPathNotFound"
    /// (destination's directory), "RootfsNotFound"; InvalidOperation as for <see cref="CopyOut(string,string,string,FileCopyOptions?,CancellationToken)"/>.</exception>
    public static void CopyIn(string hostSource, string rootfs, string containerPath,
        FileCopyOptions? options = null, CancellationToken cancellationToken = default) =>
        CopyIn(hostSource, rootfs, containerPath, options, cancellationToken, ResolveMode.Auto);

    /// <summary>
    /// docker cp to "-": <paramref name="containerPath"/> as a PAX tar (the stream docker's archive API sends).
    /// Entries are named from the source's own name ("etc/", "etc/passwd"); a path ending in "/." gives the
    /// directory's contents with no prefix. A symlink as the last component is archived as the link.
    /// </summary>
    /// <exception cref="Errors.ContainerToolsException">NotFound "ContainerPathNotFound", "RootfsNotFound".</exception>
    public static void CopyOutAsTar(string rootfs, string containerPath, Stream output, CancellationToken cancellationToken = default) =>
        CopyOutAsTar(rootfs, containerPath, output, cancellationToken, ResolveMode.Auto);

    internal static void CopyOutAsTar(string rootfs, string containerPath, Stream output, CancellationToken cancellationToken, ResolveMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerPath);
        ArgumentNullException.ThrowIfNull(output);
        using var from = new RootfsScope(rootfs, mode);
        using var src = SourceNode.Open(from, containerPath);
        using var writer = new TarTreeWriter(output, cancellationToken);
        if (src.ContentsOnly)
        {
            writer.WriteChildren(src.OpenDirectory(), "");
        }
        else
        {
            writer.WriteNode(src.ParentFd, src.Leaf, src.Name);
        }
    }

    internal static void CopyOut(string rootfs, string containerPath, string hostDestination, FileCopyOptions? options,
        CancellationToken cancellationToken, ResolveMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerPath);
        ArgumentException.ThrowIfNullOrEmpty(hostDestination);
        using var from = new RootfsScope(rootfs, mode);
        using var to = new HostScope();
        Copy(from, containerPath, to, hostDestination, options ?? FileCopyOptions.Default, cancellationToken);
    }

    internal static void CopyIn(string hostSource, string rootfs, string containerPath, FileCopyOptions? options,
        CancellationToken cancellationToken, ResolveMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostSource);
        ArgumentException.ThrowIfNullOrEmpty(containerPath);
        using var to = new RootfsScope(rootfs, mode);
        using var from = new HostScope();
        Copy(from, hostSource, to, containerPath, options ?? FileCopyOptions.Default, cancellationToken);
    }

    private static void Copy(PathScope from, string source, PathScope to, string destination, FileCopyOptions options,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var src = SourceNode.Open(from, source);
        using var copy = new TreeCopy(options, cancellationToken);

        var destinationDir = to.TryOpen(destination, O_PATH | O_DIRECTORY, out var error);
        if (destinationDir >= 0)
        {
            try
            {
                if (src.ContentsOnly)
                {
                    copy.CopyChildren(src.OpenDirectory(), destinationDir, destination);
                }
                else
                {
                    copy.CopyNode(src.ParentFd, src.Leaf, destinationDir, src.Name, Combine(destination, src.Name));
                }
            }
            finally
            {
                FileDescriptors.Close(destinationDir);
            }
            return;
        }
        if (error == ENOTDIR && src.IsDirectory)
        {
            throw FileErrors.DirectoryOntoFile(destination);
        }
        if (error != ENOENT && error != ENOTDIR && error != ELOOP)
        {
            throw FileErrors.FromResolve(error, destination, to.InContainer);
        }
        if (ContainerPathText.MeansDirectory(destination) && !src.IsDirectory)
        {
            throw FileErrors.DestinationDirectoryMissing(destination, to.InContainer);
        }
        // D is missing, a file, or a symlink that does not lead to a directory: the entry D names is (re)placed.
        var (parent, leaf) = ContainerPathText.SplitLeaf(destination);
        if (leaf is null)
        {
            throw FileErrors.InvalidPath(destination, "it does not end in a name");
        }
        var parentFd = to.TryOpen(parent, O_PATH | O_DIRECTORY, out error);
        if (parentFd < 0)
        {
            throw error == ENOENT ? FileErrors.DestinationDirectoryMissing(parent, to.InContainer)
                : FileErrors.FromResolve(error, parent, to.InContainer);
        }
        try
        {
            copy.CopyNode(src.ParentFd, src.Leaf, parentFd, leaf, destination);
        }
        finally
        {
            FileDescriptors.Close(parentFd);
        }
    }

    private static string Combine(string path, string name) => path.EndsWith('/') ? path + name : path + "/" + name;

    /// <summary>
    /// The source as (directory fd, entry name): the directory is resolved with symlinks followed, the entry itself
    /// is not, so a symlink source is copied as a link. A path ending in "." or ".." (or the root) stands for a
    /// directory by position and is held as (that directory, ".").
    /// </summary>
    private sealed class SourceNode : IDisposable
    {
        private int _directoryFd = -1;

        private SourceNode(int parentFd, string leaf, string name, bool contentsOnly, bool isDirectory)
        {
            ParentFd = parentFd;
            Leaf = leaf;
            Name = name;
            ContentsOnly = contentsOnly;
            IsDirectory = isDirectory;
        }

        public int ParentFd { get; }
        public string Leaf { get; }
        public string Name { get; }
        public bool ContentsOnly { get; }
        public bool IsDirectory { get; }

        public static SourceNode Open(PathScope scope, string path)
        {
            var (parent, leaf) = ContainerPathText.SplitLeaf(path);
            var name = ContainerPathText.NameOf(path);
            var contents = ContainerPathText.MeansContents(path) || name is null;
            var parentFd = scope.OpenDirectory(leaf is null ? path : parent);
            try
            {
                var kind = FileNodes.Kind(parentFd, leaf ?? ".");
                if (kind == FileNodeKind.Missing)
                {
                    throw FileErrors.FromResolve(ENOENT, path, scope.InContainer);
                }
                if (path.EndsWith('/') && kind != FileNodeKind.Directory)
                {
                    // "link/" means the directory the link leads to.
                    if (kind != FileNodeKind.Symlink)
                    {
                        throw FileErrors.FromResolve(ENOTDIR, path, scope.InContainer);
                    }
                    FileDescriptors.Close(parentFd);
                    parentFd = scope.OpenDirectory(path);
                    return new SourceNode(parentFd, ".", name!, contents, isDirectory: true);
                }
                return new SourceNode(parentFd, leaf ?? ".", name ?? ".", contents, kind == FileNodeKind.Directory);
            }
            catch
            {
                FileDescriptors.Close(parentFd);
                throw;
            }
        }

        /// <summary>The source directory itself, for copying its contents.</summary>
        public int OpenDirectory()
        {
            if (_directoryFd < 0)
            {
                _directoryFd = FileDescriptors.TryOpenDirectoryNoFollow(ParentFd, Leaf, out var error);
                if (_directoryFd < 0)
                {
                    throw LinuxError.ToException(error, "open", Leaf);
                }
            }
            return _directoryFd;
        }

        public void Dispose()
        {
            FileDescriptors.Close(_directoryFd);
            FileDescriptors.Close(ParentFd);
        }
    }
}

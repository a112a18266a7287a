using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.Runtime.Files;
using ContainerTools.OciRuntime.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Build.Copy;

/// <summary>
/// Places COPY/ADD sources in a root file system by Docker's rules. A directory source has its contents copied into
/// the destination (created as needed). A file goes into the destination when that ends in '/', is an existing
/// directory, or there are several sources (or a wildcard); otherwise it becomes the destination. Missing parent
/// directories are created (0755, owned as --chown says). The destination is resolved inside the root, so a symlink
/// in the image cannot lead the copy out of it.
/// </summary>
public static class CopyPlacement
{
    /// <param name="options">The owner (--chown, else root) and mode (--chmod) of what is copied; an ADD archive's
    /// contents keep their own owners when <see cref="FileCopyOptions.Owner"/> is null.</param>
    public static void Place(string rootfs, IReadOnlyList<CopySource> sources, string destination, bool destinationIsDirectory,
        FileCopyOptions options, DockerfileLine line, CancellationToken cancellationToken)
    {
        var rootFd = RootfsPath.OpenRoot(rootfs);
        try
        {
            foreach (var source in sources)
            {
                var sourceOptions = source.FromArchive && options.Owner is null ? options with { KeepOwners = true }
                    : options with { Owner = options.Owner ?? (0, 0) };
                using var copy = new TreeCopy(sourceOptions, cancellationToken);
                var sourceRoot = RootfsPath.OpenRoot(source.Root);
                try
                {
                    if (source.IsDirectory)
                    {
                        var sourceDir = OpenDirectory(sourceRoot, source.RelativePath, source.FullPath);
                        var targetDir = MakeDirectories(rootFd, destination, options.Owner, line);
                        try
                        {
                            copy.SourcePrefix = source.RelativePath.Length == 0 ? "" : source.RelativePath + "/";
                            copy.CopyChildren(sourceDir, targetDir, destination);
                        }
                        finally
                        {
                            FileDescriptors.Close(sourceDir);
                            FileDescriptors.Close(targetDir);
                        }
                        continue;
                    }
                    var (parent, leaf) = Split(source.RelativePath);
                    var sourceParent = OpenDirectory(sourceRoot, parent, source.FullPath);
                    try
                    {
                        var intoDirectory = destinationIsDirectory || destination.EndsWith('/') || IsDirectory(rootFd, destination);
                        if (intoDirectory)
                        {
                            var targetDir = MakeDirectories(rootFd, destination, options.Owner, line);
                            try
                            {
                                copy.CopyNode(sourceParent, leaf, targetDir, leaf, Combine(destination, leaf));
                            }
                            finally
                            {
                                FileDescriptors.Close(targetDir);
                            }
                        }
                        else
                        {
                            var (targetParent, targetLeaf) = Split(destination.TrimStart('/'));
                            var targetDir = MakeDirectories(rootFd, targetParent, options.Owner, line);
                            try
                            {
                                copy.CopyNode(sourceParent, leaf, targetDir, targetLeaf, destination);
                            }
                            finally
                            {
                                FileDescriptors.Close(targetDir);
                            }
                        }
                    }
                    finally
                    {
                        FileDescriptors.Close(sourceParent);
                    }
                }
                finally
                {
                    FileDescriptors.Close(sourceRoot);
                }
            }
        }
        finally
        {
            FileDescriptors.Close(rootFd);
        }
    }

    /// <summary>mkdir -p inside the root: each missing component created 0755 (and given <paramref name="owner"/>); returns the directory's fd.</summary>
    public static int MakeDirectories(int rootFd, string path, (int Uid, int Gid)? owner, DockerfileLine line)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = FileDescriptors.TryOpen(rootFd, ".", O_PATH | O_DIRECTORY, out var error);
        if (current < 0)
        {
            throw LinuxError.ToException(error, "open", "/");
        }
        var walked = "";
        foreach (var part in parts)
        {
            walked += "/" + part;
            var next = RootfsPath.TryOpen(rootFd, walked, O_PATH | O_DIRECTORY, ResolveMode.Auto, out error);
            if (next < 0 && error == ENOENT)
            {
                var made = FileNodes.TryMakeDirectory(current, part, 0b111_101_101);
                if (made != 0 && made != EEXIST)
                {
                    FileDescriptors.Close(current);
                    throw LinuxError.ToException(made, "mkdir", walked);
                }
                if (made == 0)
                {
                    FileNodes.SetMode(current, part, 0b111_101_101);
                    if (owner is { } o)
                    {
                        FileNodes.SetOwner(current, part, o.Uid, o.Gid);
                    }
                }
                next = RootfsPath.TryOpen(rootFd, walked, O_PATH | O_DIRECTORY, ResolveMode.Auto, out error);
            }
            FileDescriptors.Close(current);
            if (next < 0)
            {
                throw error == ENOTDIR
                    ? DockerfileError.At(line, $"cannot copy to '{path}': '{walked}' is not a directory", "DestinationNotDirectory")
                    : LinuxError.ToException(error, "open", walked);
            }
            current = next;
        }
        return current;
    }

    private static bool IsDirectory(int rootFd, string path)
    {
        var fd = RootfsPath.TryOpen(rootFd, path, O_PATH | O_DIRECTORY, ResolveMode.Auto, out _);
        if (fd < 0)
        {
            return false;
        }
        FileDescriptors.Close(fd);
        return true;
    }

    private static int OpenDirectory(int rootFd, string relative, string forErrors)
    {
        var fd = RootfsPath.TryOpen(rootFd, relative, O_RDONLY | O_DIRECTORY, ResolveMode.Auto, out var error);
        if (fd < 0)
        {
            throw LinuxError.ToException(error, "open", forErrors);
        }
        return fd;
    }

    private static (string Parent, string Leaf) Split(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? ("", trimmed) : (trimmed[..slash], trimmed[(slash + 1)..]);
    }

    private static string Combine(string path, string name) => path.EndsWith('/') ? path + name : path + "/" + name;
}

using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Files;

/// <summary>The failures a user can cause when naming paths inside a container or on the host.</summary>
internal static class FileErrors
{
    public static ContainerToolsException ContainerPathNotFound(string containerPath) =>
        new(ErrorIds.ContainerPathNotFound, $"The path '{containerPath}' does not exist in the container.", containerPath);

    public static ContainerToolsException PathNotFound(string hostPath) =>
        new(ErrorIds.PathNotFound, $"The path '{hostPath}' does not exist.", hostPath);

    public static ContainerToolsException InvalidPath(string path, string reason) =>
        new(ErrorIds.InvalidPath, $"The path '{path}' cannot be used: {reason}.", path);

    public static ContainerToolsException DirectoryOntoFile(string destination) =>
        new(ErrorIds.CannotCopyDirectoryOntoFile,
            $"Cannot copy a directory onto '{destination}', which is not a directory.", destination);

    public static ContainerToolsException DestinationDirectoryMissing(string destination, bool inContainer) =>
        new(ErrorKind.NotFound, inContainer ? "ContainerPathNotFound" : "PathNotFound",
            $"The destination directory '{destination}' does not exist.", destination);

    public static ContainerToolsException OverwriteDirectory(string path, bool withDirectory) =>
        withDirectory
            ? new(ErrorIds.CannotOverwriteNonDirectoryWithDirectory,
                $"Cannot overwrite '{path}', which is not a directory, with a directory.", path)
            : new(ErrorIds.CannotOverwriteDirectoryWithNonDirectory,
                $"Cannot overwrite the directory '{path}' with a non-directory.", path);

    public static ContainerToolsException RootfsNotFound(string rootfs) =>
        new(ErrorIds.RootfsNotFound, $"The root file system directory '{rootfs}' does not exist.", rootfs);

    /// <summary>An errno from resolving <paramref name="path"/>, in the user's terms where the user could cause it.</summary>
    public static Exception FromResolve(int errno, string path, bool inContainer)
    {
        if (errno == ENOENT)
        {
            return inContainer ? ContainerPathNotFound(path) : PathNotFound(path);
        }
        if (errno == ENOTDIR)
        {
            return new ContainerToolsException(ErrorIds.NotADirectory, $"A component of the path '{path}' is not a directory.", path);
        }
        if (errno == ELOOP)
        {
            return new ContainerToolsException(ErrorIds.TooManySymlinks, $"The path '{path}' runs through too many symlinks, or ends in a symlink where a file was needed.", path);
        }
        if (errno == EACCES || errno == EPERM)
        {
            return new ContainerToolsException(ErrorIds.PermissionDenied, $"Permission denied resolving '{path}'.", path, LinuxError.ToException(errno, "open", path));
        }
        return LinuxError.ToException(errno, "open", path);
    }
}

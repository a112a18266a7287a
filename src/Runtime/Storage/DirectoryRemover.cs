namespace ContainerTools.Runtime.Storage;

/// <summary>
/// Deletes a directory tree that an image layer or a container left behind: read-only directories,
/// whiteout device nodes, sockets and symlinks (never followed) included.
/// </summary>
public static class DirectoryRemover
{
    public static void Remove(string path)
    {
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            return;
        }
        try
        {
            Directory.Delete(path, recursive: true);
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only directory stops unprivileged unlinks of its entries: make every directory writable, then retry.
        }
        MakeDirectoriesWritable(path);
        Directory.Delete(path, recursive: true);
    }

    /// <summary>Removes <paramref name="path"/> without throwing; for cleanup paths where a failure must not hide the original error.</summary>
    public static void TryRemove(string path)
    {
        try
        {
            Remove(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void MakeDirectoriesWritable(string path)
    {
        var dir = new DirectoryInfo(path);
        if (dir.LinkTarget is not null || OperatingSystem.IsWindows())
        {
            return;
        }
        try
        {
            dir.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        foreach (var child in dir.EnumerateDirectories("*", new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            if (child.LinkTarget is null)
            {
                MakeDirectoriesWritable(child.FullName);
            }
        }
    }
}

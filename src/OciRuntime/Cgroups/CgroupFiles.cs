using System.Text;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>Reading and writing cgroup control files: one write per value, never creating a file.</summary>
internal static class CgroupFiles
{
    /// <summary>Writes the value to an existing control file (a missing one is a controller not enabled for this cgroup).</summary>
    public static void Write(string directory, string file, string value) => WriteEach(directory, [(file, value)]);

    /// <summary>
    /// Each value with a write of its own, in order, to existing control files; a file is opened once for a run of values
    /// that go to it (the v1 devices controller takes one rule per write: a start writes a dozen).
    /// </summary>
    public static void WriteEach(string directory, IEnumerable<(string File, string Value)> writes)
    {
        string? openFile = null;
        string path = "", value = "";
        var fd = -1;
        try
        {
            foreach (var write in writes)
            {
                var file = write.File;
                value = write.Value;
                if (file != openFile)
                {
                    FileDescriptors.Close(fd);
                    fd = -1;
                    path = Path.Combine(directory, file);
                    fd = FileDescriptors.TryOpen(FileDescriptors.CurrentDirectory, path, Tmds.Linux.LibC.O_WRONLY | Tmds.Linux.LibC.O_TRUNC, 0, out var error);
                    if (fd < 0)
                    {
                        if (error == Errno.ENOENT) throw Missing(path);
                        throw WholeFiles.ToException(error, "open", path);
                    }
                    openFile = file;
                }
                FileDescriptors.WriteAll(fd, System.Text.Encoding.ASCII.GetBytes(value), path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ContainerToolsException(ErrorIds.CgroupWriteFailed, $"Could not write '{value}' to '{path}': {ex.Message}", path, ex);
        }
        finally
        {
            FileDescriptors.Close(fd);
        }
    }

    private static ContainerToolsException Missing(string path) => new(ErrorIds.CgroupControllerUnavailable,
        $"The cgroup file '{path}' does not exist; the controller it belongs to is not enabled for this cgroup.", path);

    /// <summary>The file's text (open, read and close alone: no FileStream and StreamReader); null when it is missing.</summary>
    public static string? TryRead(string directory, string file)
    {
        try
        {
            return WholeFiles.TryRead(Path.Combine(directory, file)) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
        }
        catch (IOException) { return null; } // ENODEV from a cgroup being removed
    }

    public static long? TryReadNumber(string directory, string file)
    {
        var text = TryRead(directory, file)?.Trim();
        return long.TryParse(text, out var value) ? value : null;
    }

    /// <summary>A "key value" line from a flat keyed file such as memory.events or cgroup.events.</summary>
    public static long? TryReadKey(string directory, string file, string key)
    {
        var text = TryRead(directory, file);
        if (text is null) return null;
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], out var value)) return value;
        }
        return null;
    }

    public static IReadOnlyList<int> ReadPids(string procsFile)
    {
        string text;
        // A cgroup being removed answers ENODEV: it holds nothing any more.
        try { text = File.ReadAllText(procsFile); }
        catch (IOException) { return []; }
        var pids = new List<int>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(line.Trim(), out var pid)) pids.Add(pid);
        }
        return pids;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; false on timeout.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 1;
        while (true)
        {
            if (condition()) return true;
            if (DateTime.UtcNow >= deadline) return false;
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 20);
        }
    }
}

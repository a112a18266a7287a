using System.Text;
using ContainerTools.OciRuntime.Linux;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Files;

/// <summary>Writes a file so that readers see either the old content or the new, never a torn one.</summary>
public static class AtomicFile
{
    /// <param name="durable">fsync before the rename, so that the new content survives a crash. Runtime state that a
    /// reboot forgets anyway (ctrun's --root, like runc's and crun's, which do not sync it) can skip the disk flush.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, bool durable = true) => Write(path, content, durable);

    /// <summary>
    /// Like <see cref="WriteAllBytes"/>, and returns the new file's stat as it is under its name (taken from the open
    /// file after the rename, so a later replacement by someone else cannot be mistaken for it).
    /// </summary>
    public static stat Write(string path, ReadOnlySpan<byte> content, bool durable = true)
    {
        var dir = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        // The directory is there on every write but the first.
        var fd = WholeFiles.TryCreateNew(temp, out var error);
        if (fd < 0) throw WholeFiles.ToException(error, "create", temp);
        try
        {
            FileDescriptors.WriteAll(fd, content, temp);
            if (durable && LibC.fsync(fd) != 0) throw WholeFiles.ToException(LibC.errno, "fsync", temp);
            WholeFiles.Rename(temp, path);
            var written = FileNodes.Stat(fd, out var errno);
            if (errno != 0) throw WholeFiles.ToException(errno, "fstat", path);
            return written;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            LibC.close(fd);
        }
    }

    public static void WriteAllText(string path, string content) => WriteAllBytes(path, Encoding.UTF8.GetBytes(content));

    private static void TryDelete(string path)
    {
        try { WholeFiles.TryDelete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

public static unsafe class Execution
{
    /// <summary>execve: replaces the calling process; returns only by throwing.</summary>
    public static void Replace(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp)
    {
        using var text = new NativeText();
        LibC.execve(text.String(path), text.Vector(argv), text.Vector(envp));
        throw new SystemCallException("exec", LibC.errno, path);
    }

    /// <summary>access(path, X_OK) for the calling process's real ids, and a regular file (directories pass X_OK).</summary>
    public static bool IsExecutableFile(string path)
    {
        var bytes = FileDescriptors.Zero(path);
        fixed (byte* p = bytes)
        {
            if (LibC.access(p, LibC.X_OK) != 0) return false;
        }
        return File.Exists(path);
    }
}

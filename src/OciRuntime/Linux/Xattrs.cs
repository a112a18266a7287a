using System.Runtime.InteropServices;
using System.Text;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>Extended attributes (Tmds.LibC has no *xattr calls). Path forms never follow a symlink in the last component.</summary>
internal static unsafe partial class Xattrs
{
    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int lsetxattr(byte* path, byte* name, byte* value, nuint size, int flags);

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int fsetxattr(int fd, byte* name, byte* value, nuint size, int flags);

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern nint lgetxattr(byte* path, byte* name, byte* value, nuint size);

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern nint llistxattr(byte* path, byte* list, nuint size);

    /// <summary>The attribute names of the path itself (a symlink's own, never its target's).</summary>
    public static List<string> ListNoFollow(string path)
    {
        Span<byte> pathScratch = stackalloc byte[NativeText.ScratchSize];
        var names = new List<string>();
        fixed (byte* p = NativeText.Terminate(path, pathScratch))
        {
            while (true)
            {
                var size = llistxattr(p, null, 0);
                if (size < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is 95 /* ENOTSUP */)
                    {
                        return names;
                    }
                    throw LinuxError.ToException(errno, "llistxattr", path);
                }
                if (size == 0)
                {
                    return names;
                }
                var buffer = new byte[size];
                fixed (byte* b = buffer)
                {
                    var got = llistxattr(p, b, (nuint)buffer.Length);
                    if (got < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == 34 /* ERANGE: grew since we asked */)
                        {
                            continue;
                        }
                        throw LinuxError.ToException(errno, "llistxattr", path);
                    }
                    foreach (var name in Encoding.UTF8.GetString(buffer, 0, (int)got).Split('\0', StringSplitOptions.RemoveEmptyEntries))
                    {
                        names.Add(name);
                    }
                    return names;
                }
            }
        }
    }

    public static void SetNoFollow(string path, string name, ReadOnlySpan<byte> value)
    {
        var errno = TrySetNoFollow(path, name, value);
        if (errno != 0)
        {
            throw LinuxError.ToException(errno, $"lsetxattr {name}", path);
        }
    }

    public static int TrySetNoFollow(string path, string name, ReadOnlySpan<byte> value)
    {
        Span<byte> pathScratch = stackalloc byte[NativeText.ScratchSize];
        Span<byte> nameScratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(path, pathScratch))
        fixed (byte* n = NativeText.Terminate(name, nameScratch))
        fixed (byte* v = value)
        {
            return lsetxattr(p, n, v, (nuint)value.Length, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    public static int TrySet(int fd, string name, ReadOnlySpan<byte> value)
    {
        Span<byte> nameScratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* n = NativeText.Terminate(name, nameScratch))
        fixed (byte* v = value)
        {
            return fsetxattr(fd, n, v, (nuint)value.Length, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>The value of one attribute, or null when the name has none.</summary>
    public static byte[]? GetNoFollow(string path, string name)
    {
        Span<byte> pathScratch = stackalloc byte[NativeText.ScratchSize];
        Span<byte> nameScratch = stackalloc byte[NativeText.ScratchSize];
        var buffer = new byte[64 * 1024];
        fixed (byte* p = NativeText.Terminate(path, pathScratch))
        fixed (byte* n = NativeText.Terminate(name, nameScratch))
        fixed (byte* v = buffer)
        {
            var size = lgetxattr(p, n, v, (nuint)buffer.Length);
            if (size < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == 61 /* ENODATA */)
                {
                    return null;
                }
                throw LinuxError.ToException(errno, $"lgetxattr {name}", path);
            }
            return buffer[..(int)size];
        }
    }

    public static string? GetTextNoFollow(string path, string name) =>
        GetNoFollow(path, name) is { } value ? Encoding.UTF8.GetString(value) : null;
}

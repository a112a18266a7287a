using Tmds.Linux;

namespace ContainerTools.Init;

/// <summary>What a path names, following symlinks as Directory.Exists and File.Exists do, with one stat instead of both.</summary>
internal enum PathKind { Missing, Directory, Other }

internal static unsafe class PathKinds
{
    private const uint TypeMask = 0xF000, DirectoryType = 0x4000;

    /// <summary>Missing on any error (no such path, no search permission), as Directory.Exists and File.Exists answer false.</summary>
    public static PathKind Of(string path)
    {
        Span<byte> name = stackalloc byte[System.Text.Encoding.UTF8.GetMaxByteCount(path.Length) + 1];
        name[System.Text.Encoding.UTF8.GetBytes(path, name)] = 0;
        stat st;
        fixed (byte* p = name)
        {
            if (LibC.stat(p, &st) != 0) return PathKind.Missing;
        }
        return ((uint)(ushort)st.st_mode & TypeMask) == DirectoryType ? PathKind.Directory : PathKind.Other;
    }
}

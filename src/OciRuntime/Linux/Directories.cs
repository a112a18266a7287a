using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>mkdir and rmdir that report errno instead of throwing: cgroupfs answers with EEXIST/EBUSY that callers act on.</summary>
public static unsafe class Directories
{
    /// <summary>0 on success, else errno.</summary>
    public static int TryMake(string path, uint mode = 0x1ed /* 0755 */)
    {
        fixed (byte* p = FileDescriptors.Zero(path))
        {
            return LibC.mkdir(p, (ushort)mode) == 0 ? 0 : LibC.errno;
        }
    }

    /// <summary>0 on success, else errno.</summary>
    public static int TryRemove(string path)
    {
        fixed (byte* p = FileDescriptors.Zero(path))
        {
            return LibC.rmdir(p) == 0 ? 0 : LibC.errno;
        }
    }
}

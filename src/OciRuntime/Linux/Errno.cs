using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>The errno values the engine reacts to, and the last one as an int.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int EROFS = 30;
    public const int ENOTEMPTY = 39;

    public static int Last => Marshal.GetLastPInvokeError();
}

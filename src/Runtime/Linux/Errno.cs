using System.Runtime.InteropServices;
using System.Text;
using ContainerTools.Runtime.Errors;

namespace ContainerTools.Runtime.Linux;

/// <summary>Turns a failed libc call into a readable message.</summary>
internal static class Errno
{
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int ENOTEMPTY = 39;

    public static int Last => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => new System.ComponentModel.Win32Exception(errno).Message;

    public static ContainerToolsException Exception(string errorId, string what, int errno, object? target = null, ErrorKind kind = ErrorKind.InvalidOperation)
        => new(kind, errorId, $"{what}: {Describe(errno)}.", target);

    public static byte[] Utf8z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}

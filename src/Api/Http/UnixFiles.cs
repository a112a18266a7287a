using System.Text;
using Tmds.Linux;

namespace ContainerTools.Api.Http;

/// <summary>The few file calls the socket set-up needs that .NET does not offer (umask, chown, is-a-socket).</summary>
internal static unsafe class UnixFiles
{
    public static uint SetUmask(uint mask) => (uint)LibC.umask((mode_t)mask);

    public static void SetOwner(string path, int uid, int gid)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            if (LibC.chown(p, (uint)uid, (uint)gid) != 0) throw new IOException($"chown {path} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    public static bool IsSocket(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        stat st;
        fixed (byte* p = bytes)
        {
            if (LibC.lstat(p, &st) != 0) return false;
        }
        return (st.st_mode & LibC.S_IFMT) == LibC.S_IFSOCK;
    }

    private static class Marshal
    {
        public static int GetLastPInvokeError() => LibC.errno;
    }
}

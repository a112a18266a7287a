using ContainerTools.OciRuntime.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Files;

/// <summary>
/// Which extended attributes travel with a file when it is copied or exported. overlayfs's own trusted.overlay.*
/// would steer a later overlay mount; security.* other than file capabilities (SELinux labels, IMA/EVM) belong to
/// the host's policy, not to the file.
/// </summary>
internal static class CarriedXattrs
{
    public static bool Carries(string name) =>
        !name.StartsWith("trusted.overlay.", StringComparison.Ordinal) &&
        (!name.StartsWith("security.", StringComparison.Ordinal) || name == "security.capability");

    /// <summary>The carried attributes of <paramref name="name"/> in <paramref name="dirFd"/> itself, sorted by name.</summary>
    public static List<(string Name, byte[] Value)> Read(int dirFd, string name)
    {
        var path = FileDescriptors.ProcPath(dirFd, name);
        var result = new List<(string, byte[])>();
        var names = Xattrs.ListNoFollow(path);
        names.Sort(StringComparer.Ordinal);
        foreach (var xattr in names)
        {
            if (Carries(xattr) && Xattrs.GetNoFollow(path, xattr) is { } value)
            {
                result.Add((xattr, value));
            }
        }
        return result;
    }

    /// <summary>
    /// Like docker, a file system that cannot hold an attribute (ENOTSUP) or will not let us (EPERM, e.g. user.* on
    /// a symlink) does not fail the copy; anything else does.
    /// </summary>
    public static void Check(int error, string xattr, string pathForErrors)
    {
        if (error != 0 && error != ENOTSUP && error != EOPNOTSUPP && error != EPERM)
        {
            throw LinuxError.ToException(error, $"set xattr {xattr}", pathForErrors);
        }
    }
}

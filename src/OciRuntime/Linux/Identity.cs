using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>User, groups and hostname of the calling process (glibc applies set*id to every thread).</summary>
public static unsafe class Identity
{
    public static void SetGroups(IReadOnlyList<uint> groups)
    {
        var list = stackalloc uint[Math.Max(groups.Count, 1)];
        for (var i = 0; i < groups.Count; i++) list[i] = groups[i];
        SystemCallException.Check(LibC.setgroups(groups.Count, (gid_t*)list), "setgroups");
    }

    public static void SetGroupId(uint gid) => SystemCallException.Check(LibC.setgid(gid), "setgid", gid.ToString());

    public static void SetUserId(uint uid) => SystemCallException.Check(LibC.setuid(uid), "setuid", uid.ToString());

    public static void SetHostname(string hostname)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(hostname);
        fixed (byte* p = bytes)
            SystemCallException.Check(LibC.sethostname(p, bytes.Length), "sethostname", hostname);
    }
}

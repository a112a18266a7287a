using System.Text;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Init;

/// <summary>
/// A "cgroup" mount: the container's view of the cgroup filesystems, laid out like the host's. On cgroup v2, one cgroup2
/// mount; on v1 (and hybrid), a tmpfs holding one mount per hierarchy the host has under /sys/fs/cgroup. Mounted inside
/// the container's cgroup namespace, each shows the container's own cgroup as its root.
/// </summary>
internal static class CgroupFilesystem
{
    private const string HostRoot = "/sys/fs/cgroup";

    private sealed record HostCgroupMount(string MountPoint, string Type, string SuperOptions);

    private static List<HostCgroupMount>? _hostMountsReadAhead;

    /// <summary>
    /// An early ctinit reads the host's layout while it waits for its go, off the container's start: from the mount
    /// table its new mount namespace will be a copy of (<see cref="ForgetReadAhead"/> when it joins another one instead).
    /// </summary>
    public static void ReadAhead()
    {
        // Whatever fails here fails again, and is reported, when a spec asks for the mount.
        try { _hostMountsReadAhead = ReadHostMounts(); }
        catch (Exception ex) when (ex is SystemCallException or IOException or UnauthorizedAccessException) { }
    }

    public static void ForgetReadAhead() => _hostMountsReadAhead = null;

    public static void Mount(string target, MountOptions options)
    {
        var readOnly = (options.Flags & MountFlags.ReadOnly) != 0;
        // Read-only per mount, set by the mount itself: for a superblock that already exists (the host's hierarchy)
        // MS_RDONLY marks only the new mount read-only, and the host's own mounts stay writable.
        var flags = options.Flags & ~(MountFlags.Remount | MountFlags.Bind | MountFlags.Recursive);
        var hostMounts = _hostMountsReadAhead ?? ReadHostMounts();

        if (hostMounts.Any(m => m.MountPoint == HostRoot && m.Type == "cgroup2"))
        {
            Mounts.Mount("cgroup2", target, "cgroup2", flags);
            return;
        }

        Mounts.Mount("tmpfs", target, "tmpfs", MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec, "mode=755");
        foreach (var hierarchy in hostMounts)
        {
            var name = hierarchy.MountPoint.StartsWith(HostRoot + "/") ? hierarchy.MountPoint[(HostRoot.Length + 1)..] : "";
            if (name.Length == 0 || name.Contains('/')) continue;
            var directory = Path.Combine(target, name);
            Directory.CreateDirectory(directory);
            // The super options name the hierarchy ("cpu,cpuacct", "name=systemd"); rw/ro are the host mount's own.
            var data = hierarchy.Type == "cgroup"
                ? string.Join(',', hierarchy.SuperOptions.Split(',').Where(option => option is not ("rw" or "ro")))
                : null;
            Mounts.Mount("cgroup", directory, hierarchy.Type, flags, data);
        }
        if (readOnly)
            Mounts.Mount(null, target, null, MountFlags.Remount | MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec, "mode=755");
    }

    /// <summary>cgroup and cgroup2 mounts at or right under /sys/fs/cgroup in ctinit's (still the host's) mount table.</summary>
    private static List<HostCgroupMount> ReadHostMounts()
    {
        var result = new List<HostCgroupMount>();
        // Bytes, line by line: only the few cgroup lines become strings (a host's table can hold hundreds of mounts).
        ReadOnlySpan<byte> table = WholeFiles.TryRead("/proc/self/mountinfo");
        while (!table.IsEmpty)
        {
            var end = table.IndexOf((byte)'\n');
            var line = end < 0 ? table : table[..end];
            table = end < 0 ? [] : table[(end + 1)..];
            // id parent major:minor root mount-point options [optional...] - type source super-options
            var separator = line.IndexOf(" - "u8);
            if (separator < 0) continue;
            var after = line[(separator + 3)..];
            var type = Field(after, 0);
            if (!type.SequenceEqual("cgroup"u8) && !type.SequenceEqual("cgroup2"u8)) continue;
            var mountPointBytes = Field(line[..separator], 4);
            var superOptions = Field(after, 2);
            if (mountPointBytes.IsEmpty || superOptions.IsEmpty) continue;
            var mountPoint = Encoding.UTF8.GetString(mountPointBytes);
            if (mountPoint != HostRoot && !mountPoint.StartsWith(HostRoot + "/")) continue;
            result.RemoveAll(m => m.MountPoint == mountPoint);
            result.Add(new HostCgroupMount(mountPoint, Encoding.UTF8.GetString(type), Encoding.UTF8.GetString(superOptions)));
        }
        return result;
    }

    /// <summary>The space-separated field at <paramref name="index"/>; empty when the line has fewer.</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, int index)
    {
        for (var i = 0; i < index; i++)
        {
            var space = line.IndexOf((byte)' ');
            if (space < 0) return [];
            line = line[(space + 1)..];
        }
        var next = line.IndexOf((byte)' ');
        return next < 0 ? line : line[..next];
    }
}

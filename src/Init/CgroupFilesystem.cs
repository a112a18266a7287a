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

    public static void Mount(string target, MountOptions options)
    {
        var readOnly = (options.Flags & MountFlags.ReadOnly) != 0;
        var flags = options.Flags & ~(MountFlags.ReadOnly | MountFlags.Remount | MountFlags.Bind | MountFlags.Recursive);
        var hostMounts = ReadHostMounts();

        if (hostMounts.Any(m => m.MountPoint == HostRoot && m.Type == "cgroup2"))
        {
            Mounts.Mount("cgroup2", target, "cgroup2", flags);
            if (readOnly) Mounts.RemountBind(target, MountFlags.ReadOnly);
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
            // Read-only per mount, not per superblock: the superblock is the host's, which stays writable.
            if (readOnly) Mounts.RemountBind(directory, MountFlags.ReadOnly);
        }
        if (readOnly)
            Mounts.Mount(null, target, null, MountFlags.Remount | MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec, "mode=755");
    }

    /// <summary>cgroup and cgroup2 mounts at or right under /sys/fs/cgroup in ctinit's (still the host's) mount table.</summary>
    private static List<HostCgroupMount> ReadHostMounts()
    {
        var result = new List<HostCgroupMount>();
        foreach (var line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mount-point options [optional...] - type source super-options
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0) continue;
            var before = line[..separator].Split(' ');
            var after = line[(separator + 3)..].Split(' ');
            if (before.Length < 5 || after.Length < 3 || after[0] is not ("cgroup" or "cgroup2")) continue;
            var mountPoint = before[4];
            if (mountPoint != HostRoot && !mountPoint.StartsWith(HostRoot + "/")) continue;
            result.RemoveAll(m => m.MountPoint == mountPoint);
            result.Add(new HostCgroupMount(mountPoint, after[0], after[2]));
        }
        return result;
    }
}

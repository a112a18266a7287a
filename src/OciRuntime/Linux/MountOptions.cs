namespace ContainerTools.OciRuntime.Linux;

/// <summary>fstab-style mount options split into mount(2) flags, propagation and the filesystem's data string.</summary>
public sealed record MountOptions(MountFlags Flags, MountFlags Propagation, string Data)
{
    public bool IsBind => (Flags & MountFlags.Bind) != 0;

    public static MountOptions Parse(IEnumerable<string>? options)
    {
        var flags = MountFlags.None;
        var propagation = MountFlags.None;
        var data = new List<string>();
        foreach (var option in options ?? [])
        {
            switch (option)
            {
                case "defaults": break;
                case "ro": flags |= MountFlags.ReadOnly; break;
                case "rw": flags &= ~MountFlags.ReadOnly; break;
                case "nosuid": flags |= MountFlags.NoSuid; break;
                case "suid": flags &= ~MountFlags.NoSuid; break;
                case "nodev": flags |= MountFlags.NoDev; break;
                case "dev": flags &= ~MountFlags.NoDev; break;
                case "noexec": flags |= MountFlags.NoExec; break;
                case "exec": flags &= ~MountFlags.NoExec; break;
                case "sync": flags |= MountFlags.Synchronous; break;
                case "async": flags &= ~MountFlags.Synchronous; break;
                case "dirsync": flags |= MountFlags.DirSync; break;
                case "remount": flags |= MountFlags.Remount; break;
                case "mand": flags |= MountFlags.MandatoryLock; break;
                case "nomand": flags &= ~MountFlags.MandatoryLock; break;
                case "noatime": flags |= MountFlags.NoAccessTime; break;
                case "atime": flags &= ~MountFlags.NoAccessTime; break;
                case "nodiratime": flags |= MountFlags.NoDirAccessTime; break;
                case "diratime": flags &= ~MountFlags.NoDirAccessTime; break;
                case "relatime": flags |= MountFlags.RelativeAccessTime; break;
                case "norelatime": flags &= ~MountFlags.RelativeAccessTime; break;
                case "strictatime": flags |= MountFlags.StrictAccessTime; break;
                case "nostrictatime": flags &= ~MountFlags.StrictAccessTime; break;
                case "bind": flags |= MountFlags.Bind; break;
                case "rbind": flags |= MountFlags.Bind | MountFlags.Recursive; break;
                case "private": propagation = MountFlags.Private; break;
                case "rprivate": propagation = MountFlags.Private | MountFlags.Recursive; break;
                case "slave": propagation = MountFlags.Slave; break;
                case "rslave": propagation = MountFlags.Slave | MountFlags.Recursive; break;
                case "shared": propagation = MountFlags.Shared; break;
                case "rshared": propagation = MountFlags.Shared | MountFlags.Recursive; break;
                case "unbindable": propagation = MountFlags.Unbindable; break;
                case "runbindable": propagation = MountFlags.Unbindable | MountFlags.Recursive; break;
                default: data.Add(option); break;
            }
        }
        return new MountOptions(flags, propagation, string.Join(',', data));
    }
}

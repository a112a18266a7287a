using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>The container's mount tree: spec mounts under the rootfs, pivot_root into it, then /dev, masks and read-only parts.</summary>
internal static class RootFilesystem
{
    private const int EPERM = 1, ENOENT = 2, EEXIST = 17;

    /// <summary>Before pivot_root: everything that needs host paths (the rootfs itself, bind sources).</summary>
    /// <param name="ownMountNamespace">false: the spec has no mount namespace, so everything is mounted in the caller's
    /// (beneath one bind of the rootfs onto itself, which ctrun's delete detaches) and keeps the caller's propagation,
    /// so that the detach reaches wherever the mounts propagated.</param>
    public static void Build(RuntimeSpec spec, string bundle, string rootfs, bool inUserNamespace = false, bool ownMountNamespace = true)
    {
        if (!Directory.Exists(rootfs)) throw new InitFailure(ENOENT, $"rootfs {rootfs} does not exist");
        // Nothing below may propagate back to the host's mount namespace (the launcher unshared it; it is still a copy).
        if (ownMountNamespace) Mounts.SetPropagation("/", MountFlags.Private | MountFlags.Recursive);
        // pivot_root needs the new root to be a mount point; without a namespace, it keeps every container mount under one.
        Mounts.Bind(rootfs, rootfs, recursive: true);

        foreach (var mount in spec.Mounts) MountOne(mount, bundle, rootfs);
        // No mknod in a user namespace: the host's nodes are bound instead (runc and crun do the same), while its /dev is in sight.
        if (inUserNamespace) ContainerDevices.BindFromHost(spec, rootfs, DevIsOurs(spec));
    }

    private static bool DevIsOurs(RuntimeSpec spec) => spec.Mounts.Any(m => m.Destination.TrimEnd('/') == "/dev" && m.Type == "tmpfs");

    private static void MountOne(MountSpec mount, string bundle, string rootfs)
    {
        if (!mount.Destination.StartsWith('/')) throw new InitFailure(InitFailure.EINVAL, $"mount destination must be absolute: {mount.Destination}");
        var options = MountOptions.Parse(mount.Options);
        var type = mount.Type ?? (options.IsBind ? "bind" : "none");
        var target = PathInRoot.Resolve(rootfs, mount.Destination);

        if (options.IsBind || type == "bind")
        {
            var source = Path.GetFullPath(Path.Combine(bundle, mount.Source ?? throw new InitFailure(InitFailure.EINVAL, $"bind mount on {mount.Destination} has no source")));
            var sourceKind = PathKinds.Of(source);
            if (sourceKind == PathKind.Directory) Directory.CreateDirectory(target);
            else if (sourceKind == PathKind.Other) CreateFile(target);
            else throw new InitFailure(ENOENT, $"bind mount source {source} does not exist");
            Mounts.Mount(source, target, null, MountFlags.Bind | (options.Flags & MountFlags.Recursive));
            var extra = options.Flags & ~(MountFlags.Bind | MountFlags.Recursive | MountFlags.Remount);
            if (extra != 0) Mounts.RemountBind(target, extra);
        }
        else if (type is "cgroup" or "cgroup2")
        {
            Directory.CreateDirectory(target);
            CgroupFilesystem.Mount(target, options);
        }
        else
        {
            Directory.CreateDirectory(target);
            try
            {
                Mounts.Mount(mount.Source ?? type, target, type, options.Flags, options.Data);
            }
            catch (SystemCallException ex) when (type == "sysfs" && ex.Errno == EPERM)
            {
                // Without its own network namespace a container may not mount sysfs; the host's, read-only, is what runc gives.
                Mounts.Bind("/sys", target, recursive: true);
                Mounts.RemountBind(target, MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec);
            }
        }
        if (options.Propagation != 0) Mounts.SetPropagation(target, options.Propagation);
    }

    /// <summary>
    /// pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves only the container's tree,
    /// with no directory for the old root inside the container.
    /// </summary>
    public static void PivotInto(string rootfs)
    {
        Directory.SetCurrentDirectory(rootfs);
        Mounts.PivotRoot(".", ".");
        Mounts.Unmount(".", detach: true);
        Directory.SetCurrentDirectory("/");
    }

    /// <summary>Without a mount namespace (runc and crun do the same): chroot, since pivot_root would move the caller's root.</summary>
    public static void ChrootInto(string rootfs)
    {
        Directory.SetCurrentDirectory(rootfs);
        Mounts.ChangeRoot(".");
        Directory.SetCurrentDirectory("/");
    }

    /// <summary>After pivot_root, where every path is the container's own.</summary>
    public static void FinishInside(RuntimeSpec spec, bool inUserNamespace = false)
    {
        var devIsOurs = DevIsOurs(spec);
        if (devIsOurs && !inUserNamespace) ContainerDevices.CreateDefaults();
        foreach (var device in inUserNamespace ? [] : spec.Linux.Devices ?? []) ContainerDevices.Create(device);
        if (devIsOurs) ContainerDevices.CreateLinks();

        foreach (var path in spec.Linux.MaskedPaths ?? []) Mask(path);
        foreach (var path in spec.Linux.ReadonlyPaths ?? []) MakeReadonly(path);
        if (spec.Root.Readonly) Mounts.RemountBind("/", MountFlags.ReadOnly);
    }

    /// <summary>Directories get an empty read-only tmpfs over them, files /dev/null.</summary>
    private static void Mask(string path)
    {
        try
        {
            var kind = PathKinds.Of(path);
            if (kind == PathKind.Directory) Mounts.Mount("tmpfs", path, "tmpfs", MountFlags.ReadOnly, null);
            else if (kind == PathKind.Other) Mounts.Bind("/dev/null", path, recursive: false);
        }
        catch (SystemCallException ex) when (ex.Errno == ENOENT) { }
    }

    private static void MakeReadonly(string path)
    {
        if (PathKinds.Of(path) == PathKind.Missing) return;
        Mounts.Bind(path, path, recursive: true);
        Mounts.RemountBind(path, MountFlags.ReadOnly);
    }

    /// <summary>An empty file to bind a file onto, unless something is there already (opening that would copy it up).</summary>
    private static void CreateFile(string path)
    {
        var fd = WholeFiles.TryCreateNew(path, out var error);
        if (fd >= 0) FileDescriptors.Close(fd);
        else if (error != EEXIST) throw new SystemCallException("create", error, path);
    }

    internal static bool IsExists(SystemCallException ex) => ex.Errno == EEXIST;
}

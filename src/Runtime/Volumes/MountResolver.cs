using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Volumes;

/// <summary>
/// Turns a container's mount requests into OCI mount entries: named volumes are created on demand and the
/// container recorded as their user; bind sources are checked (or created, for -Volume).
/// The destinations are still paths inside the rootfs: whoever mounts them must resolve them without following
/// symlinks out of the rootfs.
/// </summary>
public static class MountResolver
{
    /// <summary>The options Docker and podman give a tmpfs unless told otherwise.</summary>
    public static readonly IReadOnlyList<string> TmpfsDefaults = ["noexec", "nosuid", "nodev"];

    public static IReadOnlyList<MountEntry> Resolve(IEnumerable<MountRequest> requests, VolumeStore volumes, string containerId)
    {
        var list = requests.ToList();
        var duplicate = list.GroupBy(r => r.Destination).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ContainerToolsException(ErrorIds.DuplicateMountPoint, $"More than one mount targets '{duplicate.Key}'.", duplicate.Key);
        }
        // Parents before children, so /data is mounted before /data/cache whatever order they were given in.
        return list.OrderBy(r => r.Destination.Count(c => c == '/')).Select(r => Resolve(r, volumes, containerId)).ToList();
    }

    private static MountEntry Resolve(MountRequest request, VolumeStore volumes, string containerId)
    {
        switch (request.Kind)
        {
            case MountKind.Bind:
                var source = request.Source!;
                if (!File.Exists(source) && !Directory.Exists(source))
                {
                    if (!request.CreateMissingSource)
                    {
                        throw new ContainerToolsException(ErrorIds.BindSourceNotFound, $"The bind mount source '{source}' does not exist.", source);
                    }
                    Directory.CreateDirectory(source);
                }
                return new MountEntry(request.Destination, "bind", source, BindOptions(request));
            case MountKind.Volume:
                var volume = request.Source is null ? volumes.Create() : volumes.GetOrCreate(request.Source);
                volumes.AddUser(volume.Name, containerId);
                return new MountEntry(request.Destination, "bind", volume.Mountpoint, BindOptions(request));
            default:
                var options = new List<string> { request.ReadOnly ? "ro" : "rw" };
                options.AddRange(TmpfsDefaults.Where(d => !request.TmpfsOptions.Contains(d.Length > 2 ? d[2..] : d)));
                options.AddRange(request.TmpfsOptions);
                return new MountEntry(request.Destination, "tmpfs", "tmpfs", options.Distinct().ToList());
        }
    }

    private static IReadOnlyList<string> BindOptions(MountRequest request)
    {
        var options = new List<string> { "rbind", request.Propagation };
        if (request.ReadOnly)
        {
            options.Add("ro");
        }
        return options;
    }
}

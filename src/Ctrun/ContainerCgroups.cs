using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Ctrun;

/// <summary>
/// linux.cgroupsPath as runc's cgroupfs manager reads it: absolute from each hierarchy's root; relative, beneath the
/// caller's own cgroup (an existing directory is joined, as runc does); absent, ctrun's own group beneath the
/// caller's cgroup. The systemd form (slice:prefix:name) is
/// refused: there is no systemd here to ask.
/// </summary>
internal static class ContainerCgroups
{
    public static Cgroup Create(RuntimeSpec spec, string id)
    {
        var path = spec.Linux.CgroupsPath;
        Cgroup cgroup;
        var controllers = SpecResources.Controllers(spec.Linux.Resources);
        if (string.IsNullOrEmpty(path)) cgroup = Cgroup.Create(id, extraControllers: controllers);
        else
        {
            if (path.Contains(':') && !path.StartsWith('/'))
                throw new CtrunError($"cgroupsPath '{path}' is in systemd's slice:prefix:name form, which needs --systemd-cgroup; ctrun supports cgroupfs paths only");
            var trimmed = path.TrimEnd('/');
            var name = Path.GetFileName(trimmed);
            var parent = Path.GetDirectoryName(trimmed) ?? "/";
            if (!path.StartsWith('/'))
            {
                var own = CgroupHost.Default.OwnCgroup(CgroupHost.Default.Version == CgroupVersion.V2 ? "" : "memory");
                parent = Path.Combine(own, parent);
            }
            cgroup = Cgroup.Create(name, parent: parent, joinExisting: true, extraControllers: controllers);
        }
        try
        {
            if (spec.Linux.Resources is { } resources)
            {
                SpecResources.Apply(cgroup, resources);
                if (resources.Devices is { Count: > 0 } rules) cgroup.ApplyDeviceRules([.. rules, .. StandardDeviceRules.AlwaysAllowed]);
            }
            return cgroup;
        }
        catch
        {
            try { cgroup.Delete(); } catch (OciRuntime.Errors.ContainerToolsException) { }
            throw;
        }
    }
}

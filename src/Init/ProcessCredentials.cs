using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>User, groups and capabilities, in the only order that works (runc's): bounding set while still root, ids, then the sets.</summary>
internal static class ProcessCredentials
{
    public static void Apply(ProcessSpec process)
    {
        var caps = process.Capabilities ?? new CapabilitiesSpec();
        var bounding = Capabilities.Mask(caps.Bounding);
        var effective = Capabilities.Mask(caps.Effective);
        var permitted = Capabilities.Mask(caps.Permitted);
        var inheritable = Capabilities.Mask(caps.Inheritable);
        var ambient = Capabilities.Mask(caps.Ambient);

        Capabilities.LimitBoundingSet(bounding);
        // setuid away from root empties the permitted set unless told to keep it.
        Capabilities.KeepAcrossSetUid(true);
        Identity.SetGroups(process.User.AdditionalGids ?? []);
        Identity.SetGroupId(process.User.Gid);
        Identity.SetUserId(process.User.Uid);
        Capabilities.KeepAcrossSetUid(false);
        Capabilities.Set(effective, permitted, inheritable);
        Capabilities.SetAmbient(ambient);
    }
}

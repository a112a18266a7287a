namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>What a device rule grants or refuses; the values are the kernel's BPF_DEVCG_ACC_* bits.</summary>
[Flags]
public enum DeviceAccess
{
    None = 0,
    Mknod = 1,
    Read = 2,
    Write = 4,
    All = Mknod | Read | Write,
}

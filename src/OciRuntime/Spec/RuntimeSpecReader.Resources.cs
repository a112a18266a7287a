using System.Text.Json;

namespace ContainerTools.OciRuntime.Spec;

public static partial class RuntimeSpecReader
{
    private static MemoryResources MemoryResources(JsonElement e) => new()
    {
        Limit = Long(e, "limit"),
        Reservation = Long(e, "reservation"),
        Swap = Long(e, "swap"),
        Swappiness = Member(e, "swappiness")?.GetUInt64(),
        Kernel = Long(e, "kernel"),
        KernelTcp = Long(e, "kernelTCP"),
        DisableOomKiller = Member(e, "disableOOMKiller")?.GetBoolean(),
    };

    private static CpuResources CpuResources(JsonElement e) => new()
    {
        Quota = Long(e, "quota"),
        Period = Member(e, "period")?.GetUInt64(),
        Shares = Member(e, "shares")?.GetUInt64(),
        Cpus = String(e, "cpus"),
        Mems = String(e, "mems"),
        RealtimeRuntime = Long(e, "realtimeRuntime"),
        RealtimePeriod = Member(e, "realtimePeriod")?.GetUInt64(),
    };

    private static BlockIoResources BlockIoResources(JsonElement e) => new()
    {
        Weight = Member(e, "weight")?.GetUInt16(),
        LeafWeight = Member(e, "leafWeight")?.GetUInt16(),
        WeightDevice = Array(e, "weightDevice", BlockIoDevice),
        ThrottleReadBpsDevice = Array(e, "throttleReadBpsDevice", BlockIoDevice),
        ThrottleWriteBpsDevice = Array(e, "throttleWriteBpsDevice", BlockIoDevice),
        ThrottleReadIopsDevice = Array(e, "throttleReadIOPSDevice", BlockIoDevice),
        ThrottleWriteIopsDevice = Array(e, "throttleWriteIOPSDevice", BlockIoDevice),
    };

    private static BlockIoDeviceValue BlockIoDevice(JsonElement e) => new()
    {
        Major = Long(e, "major") ?? 0,
        Minor = Long(e, "minor") ?? 0,
        Weight = Member(e, "weight")?.GetUInt16(),
        LeafWeight = Member(e, "leafWeight")?.GetUInt16(),
        Rate = Member(e, "rate")?.GetUInt64(),
    };
}

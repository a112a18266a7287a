using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>
/// A "time" namespace in linux.namespaces, with linux.timeOffsets: ctinit unshares it itself (the launcher cannot: its
/// offsets must be written before anything enters it), and the program enters it at execve. An exec into such a
/// container gets a namespace of its own with the same offsets, so its clocks read as the container's do: joining the
/// container's by setns needs a single-threaded process.
/// </summary>
internal static class ContainerTime
{
    public static void Enter(RuntimeSpec spec)
    {
        var offsets = spec.Linux.TimeOffsets ?? new Dictionary<string, TimeOffsetSpec>();
        var entry = spec.Linux.Namespaces.FirstOrDefault(ns => ns.Type == "time");
        if (entry is null)
        {
            if (offsets.Count > 0) throw new InitFailure(InitFailure.EINVAL, "linux.timeOffsets needs a new time namespace: add {\"type\": \"time\"} to linux.namespaces");
            return;
        }
        if (!string.IsNullOrEmpty(entry.Path))
            throw new InitFailure(InitFailure.EINVAL, $"joining a time namespace by path ({entry.Path}) is not supported: setns into a time namespace needs a single-threaded process");
        foreach (var clock in offsets.Keys)
        {
            if (!TimeNamespace.Clocks.Contains(clock))
                throw new InitFailure(InitFailure.EINVAL, $"linux.timeOffsets: '{clock}' is not a clock a time namespace offsets (monotonic, boottime)");
        }
        TimeNamespace.Create(offsets.Select(offset => (offset.Key, offset.Value.Secs, offset.Value.Nanosecs)));
    }
}

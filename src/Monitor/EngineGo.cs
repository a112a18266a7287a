using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Monitor;

namespace ContainerTools.Monitor;

/// <summary>
/// The engine spawns the monitor before its own work for the start (mount, cgroup, state.json, network) and writes
/// one byte on fd <see cref="MonitorInvocation.GoFdNumber"/> once that is done. Until then the monitor reads no file
/// of the container and creates none. End of file without the byte means the engine's work failed (it cleans up
/// itself) or the engine died: the monitor then exits at once, having written nothing.
/// </summary>
internal static class EngineGo
{
    /// <summary>Blocks until the engine's go; false when it will never come.</summary>
    public static bool Wait()
    {
        Span<byte> go = stackalloc byte[1];
        try
        {
            return FileDescriptors.Read(MonitorInvocation.GoFdNumber, go) == 1;
        }
        catch (SystemCallException)
        {
            return false;
        }
        finally
        {
            FileDescriptors.Close(MonitorInvocation.GoFdNumber);
        }
    }
}

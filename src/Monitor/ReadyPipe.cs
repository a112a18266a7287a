using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Monitor;

namespace ContainerTools.Monitor;

/// <summary>
/// fd 3, the write end of the engine's readiness pipe: closing it empty means "started.json is written"; a
/// MonitorStartReport before the close means the start failed, and says why.
/// </summary>
internal static class ReadyPipe
{
    public static void Succeed() => FileDescriptors.Close(Program.ReadyFd);

    public static void Fail(Exception failure)
    {
        try { FileDescriptors.WriteAll(Program.ReadyFd, MonitorStartReport.Encode(failure)); }
        catch (SystemCallException) { }
        FileDescriptors.Close(Program.ReadyFd);
    }
}

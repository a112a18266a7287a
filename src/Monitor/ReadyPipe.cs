using System.Text;
using ContainerTools.Runtime.Linux;

namespace ContainerTools.Monitor;

/// <summary>
/// fd 3, the write end of the engine's readiness pipe: closing it empty means "started.json is written";
/// error text before the close means the start failed, and says why.
/// </summary>
internal static class ReadyPipe
{
    public static void Succeed() => FileDescriptors.Close(Program.ReadyFd);

    public static void Fail(string message)
    {
        try { FileDescriptors.WriteAll(Program.ReadyFd, Encoding.UTF8.GetBytes(message)); }
        catch (SystemCallException) { }
        FileDescriptors.Close(Program.ReadyFd);
    }
}

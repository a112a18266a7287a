using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Init;

/// <summary>
/// The container's terminal (runc's console socket): a pty from the container's own devpts, whose slave becomes
/// stdio and controlling terminal here and whose master goes back to the launcher's caller over fd 5.
/// </summary>
internal static class ContainerConsole
{
    public static void Create(uint uid)
    {
        // posix_openpt opens /dev/ptmx, which after pivot_root (or the join of the mount namespace) is the container's pts/ptmx.
        var terminal = PseudoTerminals.Open();
        try
        {
            // Opened while still root: the container's user must own its terminal, as login would arrange.
            PseudoTerminals.SetOwner(terminal.Slave, uid);
            for (var fd = 0; fd <= 2; fd++) FileDescriptors.DuplicateOnto(terminal.Slave, fd);
            Terminals.MakeControlling(0);
            UnixSockets.SendDescriptor(InitProtocol.ConsoleSocketFd, terminal.Master);
        }
        finally
        {
            FileDescriptors.Close(terminal.Master);
            FileDescriptors.Close(terminal.Slave);
            FileDescriptors.Close(InitProtocol.ConsoleSocketFd);
        }
    }
}

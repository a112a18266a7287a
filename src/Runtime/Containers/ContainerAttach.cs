using ContainerTools.Runtime.Containers.Attach;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Linux;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Connects to a running Tty or Interactive container's stdio through its monitor's attach socket (docker attach):
    /// read its output, write its stdin, resize its terminal. Run it with an InteractiveSession for a host terminal.
    /// </summary>
    public ContainerAttachment AttachTerminal(string idOrName) =>
        TryAttachTerminal(idOrName) ?? throw new ContainerToolsException(ErrorKind.InvalidOperation, "ContainerNotRunning",
            $"The container '{idOrName}' is not running.", idOrName);

    /// <summary>
    /// As <see cref="AttachTerminal"/>, but null when the container's run has already ended (it exited, or its output
    /// ended and it is exiting): what it wrote is then all in its log.
    /// </summary>
    public ContainerAttachment? TryAttachTerminal(string idOrName)
    {
        var container = Resolve(idOrName);
        if (!container.Definition.Tty && !container.Definition.Interactive)
            throw new ContainerToolsException(ErrorKind.InvalidOperation, "ContainerNotInteractive",
                $"The container '{container.Name}' was created without -Interactive or -Tty: it has no stdin or terminal to attach to (its output is in its log).", container.Name);
        if (container.Status is not (ContainerStatus.Running or ContainerStatus.Paused)) return null;
        int? socket;
        try { socket = UnixSockets.TryConnect(container.Paths.Directory, AttachProtocol.SocketName); }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorKind.InvalidOperation, "AttachFailed", $"Could not attach to the container '{container.Name}': {ex.Message}", container.Name, ex);
        }
        // No socket: its output ended between the status check and the connect, it is exiting.
        return socket is { } fd ? new ContainerAttachment(container.Id, fd, container.Definition.Tty) : null;
    }
}

using System.Text;
using ContainerTools.Runtime.Containers.Attach;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Attach;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Connects to a running Tty or Interactive container's stdio through its monitor's attach socket (docker attach):
    /// read its output, write its stdin, resize its terminal. Run it with an InteractiveSession for a host terminal.
    /// </summary>
    public ContainerAttachment AttachTerminal(string idOrName) =>
        TryAttachTerminal(idOrName) ?? throw new ContainerToolsException(ErrorIds.ContainerNotRunning,
            $"The container '{idOrName}' is not running.", idOrName);

    /// <summary>
    /// As <see cref="AttachTerminal"/>, but null when the container's run has already ended (it exited, or its output
    /// ended and it is exiting): what it wrote is then all in its log.
    /// </summary>
    public ContainerAttachment? TryAttachTerminal(string idOrName)
    {
        var container = Resolve(idOrName);
        if (!container.Definition.Tty && !container.Definition.Interactive)
            throw new ContainerToolsException(ErrorIds.ContainerNotInteractive,
                $"The container '{container.Name}' was created without -Interactive or -Tty: it has no stdin or terminal to attach to (its output is in its log).", container.Name);
        return TryConnectAttachment(container);
    }

    /// <summary>The output of an attached run as lines, as they arrive (its log when it was over before it could be attached); ends with the container's output.</summary>
    public IEnumerable<ContainerLogEntry> AttachedOutput(AttachedRun run, CancellationToken cancellationToken = default)
    {
        if (run.Attachment is null) return Attach(run.Container.Id, cancellationToken);
        return ReadLines(run.Attachment, cancellationToken);
    }

    private static IEnumerable<ContainerLogEntry> ReadLines(ContainerAttachment attachment, CancellationToken cancellationToken)
    {
        using var interrupt = cancellationToken.Register(attachment.Interrupt);
        var buffer = new byte[AttachProtocol.MaxPayload];
        var pending = new Dictionary<bool, List<byte>> { [false] = [], [true] = [] };
        while (true)
        {
            var n = attachment.Read(buffer, out var standardError);
            if (n == 0) break;
            var line = pending[standardError];
            var start = 0;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                line.AddRange(new ArraySegment<byte>(buffer, start, i + 1 - start));
                yield return Entry(line, standardError);
                line.Clear();
                start = i + 1;
            }
            line.AddRange(new ArraySegment<byte>(buffer, start, n - start));
        }
        foreach (var (standardError, rest) in pending)
        {
            if (rest.Count > 0) yield return Entry(rest, standardError);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static ContainerLogEntry Entry(List<byte> text, bool standardError) =>
        new(DateTimeOffset.UtcNow, standardError ? "stderr" : "stdout", Encoding.UTF8.GetString(text.ToArray()));

    /// <summary>A connection to the monitor's attach socket, claiming the exit; null when the run is over or ending.</summary>
    private static ContainerAttachment? TryConnectAttachment(Container container)
    {
        if (!ContainerTransitions.IsActive(container.Status)) return null;
        int? socket;
        try { socket = UnixSockets.TryConnect(container.Paths.Directory, AttachProtocol.SocketName); }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorIds.AttachFailed, $"Could not attach to the container '{container.Name}': {ex.Message}", container.Name, ex);
        }
        // No socket: its output ended between the status check and the connect, it is exiting.
        return socket is { } fd ? new ContainerAttachment(container.Id, fd, container.Definition.Tty) : null;
    }
}

using System.Management.Automation;
using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Terminals;

namespace ContainerTools.Cmdlets.Common;

/// <summary>What Enter-Container and Start-Container -Attach share: the host terminal check and running a session on fds 0-2.</summary>
internal static class TerminalSessions
{
    public const int HostInput = 0;

    /// <summary>Whether this process's stdin is a terminal (an interactive terminal session needs one).</summary>
    public static bool HostHasTerminal => InteractiveSession.IsTerminal(HostInput);

    /// <summary>NotATerminal: said instead of hanging on, or garbling, a stdin that is a file or pipe.</summary>
    public static ErrorRecord NotATerminal(string what, object target) =>
        ErrorRecords.From(new ContainerToolsException(ErrorIds.NotATerminal, $"{what} needs a terminal, but this session's standard input is not one (run it from an interactive terminal, or use Invoke-ContainerCommand for scripts).", target), target);

    /// <summary>
    /// Whether this cmdlet runs in a remoting session's pipeline on its host (Invoke-Command, a fleet run, Enter-PSSession):
    /// there the process's stdin and stdout carry the session, and a terminal session would garble it.
    /// </summary>
    public static bool InRemoteSession(System.Management.Automation.Host.PSHost host) => host.Name == "ServerRemoteHost";

    /// <summary>NeedsLocalTerminal: a terminal session asked for over -Session, or inside a remoting session on its host.</summary>
    public static ErrorRecord NotOverSession(string what, object target) =>
        new(new PSInvalidOperationException($"{what} needs the terminal of the machine it runs on and cannot run over PowerShell remoting (-Session, Invoke-Command, Enter-PSSession: the session's own input and output are no terminal). Open a terminal on the host (ssh -t HOST pwsh), or use Invoke-ContainerCommand for scripts."),
            "NeedsLocalTerminal", ErrorCategory.InvalidOperation, target);

    /// <summary>Runs the session on the host's own stdin, stdout and stderr, after whatever PowerShell still buffers.</summary>
    public static SessionEnd Run(InteractiveSession session, CancellationToken cancellation)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        return session.Run(cancellation);
    }

    /// <summary>Log entries written as they came out of the container: stdout to fd 1, stderr to fd 2, newlines as they were.</summary>
    public static void WriteRaw(IEnumerable<ContainerLogEntry> entries)
    {
        Console.Out.Flush();
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        foreach (var entry in entries)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(entry.Text);
            (entry.Stream == "stderr" ? stderr : stdout).Write(bytes, 0, bytes.Length);
        }
    }

    public static void WriteLineBreak()
    {
        using var stdout = Console.OpenStandardOutput();
        stdout.Write("\r\n"u8);
    }
}

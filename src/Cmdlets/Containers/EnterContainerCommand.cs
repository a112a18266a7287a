using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Terminals;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Opens a shell in a running container on this terminal (docker exec -it CONTAINER sh): a pty made inside the
/// container, this terminal in raw mode until the shell exits (Ctrl-C goes to the container's foreground process),
/// window resizes passed on. Sets $LASTEXITCODE to the shell's exit code. Needs a terminal: NotATerminal otherwise, and
/// NeedsLocalTerminal with -Session or inside a remoting session.
/// </summary>
[Cmdlet(VerbsCommon.Enter, "Container")]
[OutputType(typeof(void))]
public sealed class EnterContainerCommand : ContainerTargetCmdlet
{
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Shell { get; set; } = "/bin/sh";

    [Parameter]
    public string? User { get; set; }

    [Parameter]
    [Alias("WorkDir")]
    public string? WorkingDirectory { get; set; }

    protected override string? LocalTerminalUse => "Enter-Container";

    protected override void Act(EngineContainer container)
    {
        if (TerminalSessions.InRemoteSession(Host))
        {
            WriteError(TerminalSessions.NotOverSession("Enter-Container", container.Name));
            return;
        }
        if (!TerminalSessions.HostHasTerminal)
        {
            WriteError(TerminalSessions.NotATerminal("Enter-Container", container.Name));
            return;
        }
        var options = ExecOptionsBuilder.Build([Shell], User, WorkingDirectory, environment: null, openStandardInput: false) with
        {
            Tty = true,
            TerminalSize = InteractiveSession.WindowSize(TerminalSessions.HostInput),
        };
        using var process = TryEngine(() => Containers.Exec(container.Id, options), container.Name);
        if (process is null)
        {
            return;
        }
        WriteVerbose($"Entered {Describe(container)}: {Shell} (host pid {process.Pid})");
        process.EndTerminalOnExit();
        var end = TerminalSessions.Run(new InteractiveSession(process.Terminal!), Cancellation);
        if (end == SessionEnd.Cancelled)
        {
            throw new PipelineStoppedException(); // disposing the process kills the shell
        }
        SessionState.PSVariable.Set("global:LASTEXITCODE", process.WaitForExit());
    }
}

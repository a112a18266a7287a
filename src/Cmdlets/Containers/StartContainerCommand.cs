using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Starts created or exited containers, like `docker start`. With -Attach it writes the container's stdout to the
/// pipeline and its stderr as ContainerStderr errors until the container exits, then sets $LASTEXITCODE. A container
/// made with -Interactive or -Tty is attached to this terminal instead (docker start -ai): its output goes straight to
/// the host's stdout (and stderr), this session's stdin goes to it (with -Interactive; raw mode with -Tty too), and
/// Ctrl-P Ctrl-Q detaches, leaving it running.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "Container")]
[OutputType(typeof(ContainerTools.Container), typeof(string))]
public sealed class StartContainerCommand : ContainerTargetCmdlet
{
    [Parameter]
    public SwitchParameter Attach { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        var terminalSession = Attach && (container.Definition.Tty || container.Definition.Interactive);
        // Checked before starting: a container nobody can type into is no use started for an interactive session.
        if (terminalSession && TerminalSessions.InRemoteSession(Host))
        {
            WriteError(TerminalSessions.NotOverSession("Start-Container -Attach on a -Interactive or -Tty container", container.Name));
            return;
        }
        if (terminalSession && container.Definition is { Tty: true, Interactive: true } && !TerminalSessions.HostHasTerminal)
        {
            WriteError(TerminalSessions.NotATerminal("Start-Container -Attach on a -Interactive -Tty container", container.Name));
            return;
        }
        if (!Attach)
        {
            var started = TryEngine(() => Containers.Start(container.Id), container.Name);
            if (started is null)
            {
                return;
            }
            WriteVerbose($"Started {Describe(started)}");
            WritePassThru(started);
            return;
        }
        using var run = TryEngine(() => Containers.StartAttached(container.Id), container.Name);
        if (run is null)
        {
            return;
        }
        WriteVerbose($"Started {Describe(run.Container)}");
        var exitCode = terminalSession ? AttachTerminalSession(run, out _) : WriteAttachedRun(run);
        if (exitCode is not null)
        {
            SessionState.PSVariable.Set("global:LASTEXITCODE", exitCode.Value);
        }
        WritePassThru(run.Container);
    }

    private void WritePassThru(EngineContainer started)
    {
        if (PassThru)
        {
            var current = TryEngine(() => Containers.Resolve(started.Id), started.Name);
            if (current is not null)
            {
                WriteObject(ContainerTools.Container.From(current));
            }
        }
    }
}

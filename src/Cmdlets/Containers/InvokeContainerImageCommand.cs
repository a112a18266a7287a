using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Containers;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Creates and starts a container, like `docker run`. Without -Detach it writes the container's stdout to the
/// pipeline (stderr as ContainerStderr errors), waits for it to exit and sets $LASTEXITCODE to its exit code;
/// with -Detach it writes the running Container. With -Interactive or -Tty (docker run -it) the container is attached
/// to this terminal instead (see Start-Container -Attach); -Interactive -Tty needs a terminal (NotATerminal).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ContainerImage")]
[OutputType(typeof(string), typeof(ContainerTools.Container))]
public sealed class InvokeContainerImageCommand : ContainerCreateCmdlet
{
    // Short: a pipeline like `Invoke-ContainerImage ... | Select-Object -First 1` should not hang on a PID 1 that ignores SIGTERM.
    private static readonly TimeSpan StopOnInterrupt = TimeSpan.FromSeconds(1);

    /// <summary>$LASTEXITCODE when the container could not be created or started, as `docker run` exits.</summary>
    public const int RunFailedExitCode = OciRuntime.Errors.ExitCodes.EngineError;

    [Parameter]
    public SwitchParameter Detach { get; set; }

    /// <summary>Remove the container once it has exited (docker run --rm).</summary>
    [Parameter]
    [Alias("Rm")]
    public SwitchParameter RemoveAutomatically { get; set; }

    protected override string? LocalTerminalUse => !Detach && (Interactive || Tty) ? "Invoke-ContainerImage -Interactive or -Tty without -Detach" : null;

    protected override void ProcessRecordLocally()
    {
        var terminalSession = !Detach && (Interactive || Tty);
        if (terminalSession && TerminalSessions.InRemoteSession(Host))
        {
            WriteError(TerminalSessions.NotOverSession(LocalTerminalUse!, Name ?? Image));
            SetLastExitCode(RunFailedExitCode);
            return;
        }
        if (terminalSession && Interactive && Tty && !TerminalSessions.HostHasTerminal)
        {
            WriteError(TerminalSessions.NotATerminal("Invoke-ContainerImage -Interactive -Tty", Name ?? Image));
            SetLastExitCode(RunFailedExitCode);
            return;
        }
        if (Detach)
        {
            var created = TryEngine(() => Containers.Create(CreateOptions(RemoveAutomatically.IsPresent)), Name ?? Image);
            if (created is null)
            {
                SetLastExitCode(LastFailureExitCode);
                return;
            }
            var started = TryEngine(() => Containers.Start(created.Id), created.Name);
            if (started is null)
            {
                SetLastExitCode(LastFailureExitCode);
                RemoveIfAsked(created.Id, created.Name);
                return;
            }
            WriteObject(ContainerTools.Container.From(started));
            return;
        }
        // Attached before its program runs: output and exit code come from its monitor, and this call settles the exit.
        // A run that fails to start is removed by the engine if it is removed when it exits.
        using var run = TryEngine(() => Containers.RunAttached(CreateOptions(RemoveAutomatically.IsPresent)), Name ?? Image);
        if (run is null)
        {
            SetLastExitCode(LastFailureExitCode);
            return;
        }
        var finished = false;
        var detached = false;
        try
        {
            // Detached: it runs on, and its monitor's ctcleanup removes an AutoRemove container once it has exited.
            var code = terminalSession ? AttachTerminalSession(run, out detached) : WriteAttachedRun(run);
            if (code is not null)
            {
                SetLastExitCode(code.Value);
                finished = true;
            }
        }
        finally
        {
            if (!finished && !detached)
            {
                // Ctrl+C or a stopped pipeline ends the run as it ends `docker run`: the container stops too.
                try { Containers.Stop(run.Container.Id, StopOnInterrupt); } catch (Exception) { }
                RemoveIfAsked(run.Container.Id, run.Container.Name);
            }
        }
    }

    private void SetLastExitCode(int code) => SessionState.PSVariable.Set("global:LASTEXITCODE", code);

    private void RemoveIfAsked(string id, string name)
    {
        if (!RemoveAutomatically)
        {
            return;
        }
        try
        {
            Containers.Remove(id, force: true);
        }
        catch (OciRuntime.Errors.ContainerToolsException ex) when (ex.Kind == OciRuntime.Errors.ErrorKind.NotFound)
        {
            // Already gone.
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteWarning($"Could not remove the container '{name}': {ex.Message}");
        }
    }
}

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
    public const int RunFailedExitCode = 125;

    [Parameter]
    public SwitchParameter Detach { get; set; }

    /// <summary>Remove the container once it has exited (docker run --rm).</summary>
    [Parameter]
    [Alias("Rm")]
    public SwitchParameter RemoveAutomatically { get; set; }

    protected override void ProcessRecord()
    {
        var terminalSession = !Detach && (Interactive || Tty);
        if (terminalSession && Interactive && Tty && !TerminalSessions.HostHasTerminal)
        {
            WriteError(TerminalSessions.NotATerminal("Invoke-ContainerImage -Interactive -Tty", Name ?? Image));
            SetLastExitCode(RunFailedExitCode);
            return;
        }
        var created = TryEngine(() => Containers.Create(CreateOptions(RemoveAutomatically.IsPresent)), Name ?? Image);
        if (created is null)
        {
            SetLastExitCode(RunFailedExitCode);
            return;
        }
        var started = TryEngine(() => Containers.Start(created.Id), created.Name);
        if (started is null)
        {
            SetLastExitCode(RunFailedExitCode);
            RemoveIfAsked(created.Id, created.Name);
            return;
        }
        if (Detach)
        {
            WriteObject(ContainerTools.Container.From(started));
            return;
        }
        var finished = false;
        var detached = false;
        try
        {
            int? code;
            if (terminalSession)
            {
                // Detached: it runs on, and an AutoRemove container is removed by the engine once it has exited.
                code = AttachTerminalSession(started, out detached);
            }
            else
            {
                WriteContainerOutput(Containers.Attach(started.Id, Cancellation), started.Name);
                code = TryEngine(() => Containers.Wait(started.Id, cancellationToken: Cancellation), started.Name);
            }
            if (code is not null)
            {
                SetLastExitCode(code.Value);
            }
            finished = true;
        }
        finally
        {
            if (!finished)
            {
                // Ctrl+C or a stopped pipeline ends the run as it ends `docker run`: the container stops too.
                try { Containers.Stop(started.Id, StopOnInterrupt); } catch (Exception) { }
            }
            if (!detached)
            {
                RemoveIfAsked(started.Id, started.Name);
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
        catch (Runtime.Errors.ContainerToolsException ex) when (ex.Kind == Runtime.Errors.ErrorKind.NotFound)
        {
            // Already gone.
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteWarning($"Could not remove the container '{name}': {ex.Message}");
        }
    }
}

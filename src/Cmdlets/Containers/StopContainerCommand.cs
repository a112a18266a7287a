using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Stops running containers, like `docker stop`: the stop signal (the image's StopSignal, SIGTERM, or -Signal), then
/// after -Timeout seconds SIGKILL to everything in the container. -Force kills at once. Stopped containers are left as they are.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class StopContainerCommand : ContainerTargetCmdlet
{
    /// <summary>Seconds to wait after the stop signal before killing.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    [Alias("Time")]
    public int Timeout { get; set; } = (int)Runtime.Containers.ContainerStore.DefaultStopTimeout.TotalSeconds;

    /// <summary>Kill at once (SIGKILL), without waiting for a clean exit.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The signal to send first: a name (SIGINT, INT) or a number.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Signal { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        if (!ShouldProcess(Describe(container), Force ? "Kill container" : "Stop container"))
        {
            return;
        }
        var stopped = TryEngine(() => Force
            ? Containers.Stop(container.Id, TimeSpan.Zero, Signal ?? "SIGKILL")
            : Containers.Stop(container.Id, TimeSpan.FromSeconds(Timeout), Signal), container.Name);
        if (stopped is not null)
        {
            WriteVerbose($"Stopped {Describe(stopped)}: {Display.Status(ContainerTools.Container.From(stopped))}");
            if (PassThru)
            {
                WriteObject(ContainerTools.Container.From(stopped));
            }
        }
    }
}

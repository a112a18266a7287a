using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>Freezes every process of running containers (cgroup freezer), like `docker pause`.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class SuspendContainerCommand : ContainerTargetCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        if (!ShouldProcess(Describe(container), "Pause container"))
        {
            return;
        }
        var paused = TryEngine(() => Containers.Pause(container.Id), container.Name);
        if (paused is not null && PassThru)
        {
            WriteObject(ContainerTools.Container.From(paused));
        }
    }
}

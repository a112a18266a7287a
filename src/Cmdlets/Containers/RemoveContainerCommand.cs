using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Removes containers with their files, mounts and cgroups, like `docker rm`. A running or paused container is refused
/// (ContainerRunning, ResourceBusy) unless -Force, which kills it first.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerCommand : ContainerTargetCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Act(EngineContainer container)
    {
        if (!ShouldProcess(Describe(container), "Remove container"))
        {
            return;
        }
        if (TryEngine(() => Containers.Remove(container.Id, Force.IsPresent), container.Name))
        {
            WriteVerbose($"Removed {Describe(container)}");
        }
    }
}

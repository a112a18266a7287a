using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>Gives a container a new name, like `docker rename`; a name in use is ContainerNameInUse (ResourceExists).</summary>
[Cmdlet(VerbsCommon.Rename, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class RenameContainerCommand : ContainerTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        if (!ShouldProcess(Describe(container), $"Rename container to '{NewName}'"))
        {
            return;
        }
        var renamed = TryEngine(() => Containers.Rename(container.Id, NewName), container.Name);
        if (renamed is not null && PassThru)
        {
            WriteObject(ContainerTools.Container.From(renamed));
        }
    }
}

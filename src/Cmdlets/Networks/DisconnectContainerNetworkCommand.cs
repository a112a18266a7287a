using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Networks;

/// <summary>Takes containers off a network, like `docker network disconnect`: at once when they run.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "ContainerNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class DisconnectContainerNetworkCommand : ContainerTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Network { get; set; } = "";

    /// <summary>Writes the changed container.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        if (!ShouldProcess(Describe(container), "Disconnect from network '" + Network + "'"))
        {
            return;
        }
        var changed = TryEngine(() => Containers.Disconnect(container.Id, Network), container.Name);
        if (changed is not null && PassThru.IsPresent)
        {
            WriteObject(ContainerTools.Container.From(changed));
        }
    }
}

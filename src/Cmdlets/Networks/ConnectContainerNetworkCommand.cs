using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Networks;

/// <summary>Puts containers on one more network, like `docker network connect`: at once when they run, and at every start.</summary>
[Cmdlet(VerbsCommunications.Connect, "ContainerNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class ConnectContainerNetworkCommand : ContainerTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Network { get; set; } = "";

    /// <summary>More names peers on that network resolve the container by.</summary>
    [Parameter]
    public string[]? Alias { get; set; }

    /// <summary>Writes the changed container.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        if (!ShouldProcess(Describe(container), "Connect to network '" + Network + "'"))
        {
            return;
        }
        var changed = TryEngine(() => Containers.Connect(container.Id, Network, Alias ?? []), container.Name);
        if (changed is not null && PassThru.IsPresent)
        {
            WriteObject(ContainerTools.Container.From(changed));
        }
    }
}

using System.Management.Automation;
using ContainerTools.Cmdlets.Common;

namespace ContainerTools.Cmdlets.Networks;

/// <summary>
/// Removes networks with their bridge and leases, like `docker network rm`. A network with attached containers is refused
/// (NetworkInUse) unless -Force, which detaches them first.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ContainerNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerNetworkCommand : ContainerToolsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            if (ShouldProcess(name, "Remove network"))
            {
                TryEngine(() => Containers.Networks.Remove(name, Force.IsPresent), name);
            }
        }
    }
}

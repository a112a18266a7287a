using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Cmdlets.Networks;

/// <summary>Creates a bridge network, like `docker network create`: a free /24 of 10.89.0.0/16 unless -Subnet says otherwise.</summary>
[Cmdlet(VerbsCommon.New, "ContainerNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContainerNetwork))]
public sealed class NewContainerNetworkCommand : ContainerToolsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>CIDR, e.g. 10.90.0.0/24.</summary>
    [Parameter]
    public string? Subnet { get; set; }

    [Parameter]
    public string? Gateway { get; set; }

    [Parameter]
    public SwitchParameter Internal { get; set; }

    protected override void ProcessRecordLocally()
    {
        if (!ShouldProcess(Name, "Create network"))
        {
            return;
        }
        var network = TryEngine(() => Containers.Networks.Create(Name, Subnet, Gateway, Internal.IsPresent), Name);
        if (network is not null)
        {
            WriteObject(network);
        }
    }
}

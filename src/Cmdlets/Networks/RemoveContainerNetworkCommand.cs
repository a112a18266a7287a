using System.Management.Automation;
using ContainerTools.Cmdlets.Common;

namespace ContainerTools.Cmdlets.Networks;

/// <summary>
/// Removes networks with their bridge and leases, like `docker network rm`. A network with attached containers is refused
/// (NetworkInUse) unless -Force, which detaches them first.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ContainerNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerNetworkCommand : NamedRemovalCmdlet
{
    protected override string Action => "Remove network";

    protected override void Remove(string name, bool force) => Containers.Networks.Remove(name, force);
}

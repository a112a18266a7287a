using System.Management.Automation;
using ContainerTools.Cmdlets.Common;

namespace ContainerTools.Cmdlets.Volumes;

/// <summary>
/// Removes volumes and their data, like `docker volume rm`. A volume that a container mounts is refused (VolumeInUse)
/// unless -Force.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ContainerVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerVolumeCommand : NamedRemovalCmdlet
{
    protected override string Action => "Remove volume";

    protected override void Remove(string name, bool force) => Containers.Volumes.Remove(name, force);
}

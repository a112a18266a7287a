using System.Management.Automation;
using ContainerTools.Cmdlets.Common;

namespace ContainerTools.Cmdlets.Volumes;

/// <summary>
/// Removes volumes and their data, like `docker volume rm`. A volume that a container mounts is refused (VolumeInUse)
/// unless -Force.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ContainerVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerVolumeCommand : ContainerToolsCmdlet
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
            if (ShouldProcess(name, "Remove volume"))
            {
                TryEngine(() => Containers.Volumes.Remove(name, Force.IsPresent), name);
            }
        }
    }
}

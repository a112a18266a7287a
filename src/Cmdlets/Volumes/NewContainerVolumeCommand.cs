using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Volumes;

namespace ContainerTools.Cmdlets.Volumes;

/// <summary>Creates a named volume, like `docker volume create`; without -Name, an anonymous one.</summary>
[Cmdlet(VerbsCommon.New, "ContainerVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Volume))]
public sealed class NewContainerVolumeCommand : ContainerToolsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecordLocally()
    {
        if (!ShouldProcess(Name ?? "(anonymous)", "Create volume"))
        {
            return;
        }
        var volume = TryEngine(() => Containers.Volumes.Create(Name), Name);
        if (volume is not null)
        {
            WriteObject(volume);
        }
    }
}

using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>Lists the processes of running containers, like `docker top`: container and host pid, user, command line.</summary>
[Cmdlet(VerbsCommon.Get, "ContainerProcess")]
[OutputType(typeof(ContainerTools.ContainerProcess))]
public sealed class GetContainerProcessCommand : ContainerTargetCmdlet
{
    protected override void Act(EngineContainer container)
    {
        var processes = TryEngine(() => Containers.Processes(container.Id), container.Name);
        foreach (var process in processes ?? [])
        {
            WriteObject(ContainerTools.ContainerProcess.From(process, container.Name));
        }
    }
}

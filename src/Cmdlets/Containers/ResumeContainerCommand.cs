using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>Thaws paused containers, like `docker unpause`.</summary>
[Cmdlet(VerbsLifecycle.Resume, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class ResumeContainerCommand : ContainerTargetCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        if (!ShouldProcess(Describe(container), "Resume container"))
        {
            return;
        }
        var resumed = TryEngine(() => Containers.Resume(container.Id), container.Name);
        if (resumed is not null && PassThru)
        {
            WriteObject(ContainerTools.Container.From(resumed));
        }
    }
}

using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Containers;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Writes a container's output (stdout and stderr, in order) as strings, like `docker logs`. -Follow keeps writing new
/// lines until the container exits or Ctrl+C.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ContainerLog")]
[OutputType(typeof(string))]
public sealed class GetContainerLogCommand : ContainerTargetCmdlet
{
    /// <summary>Only the last N lines.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Tail { get; set; } = -1;

    [Parameter]
    public SwitchParameter Follow { get; set; }

    /// <summary>Only lines written at or after this time.</summary>
    [Parameter]
    public DateTime Since { get; set; }

    /// <summary>Prefix each line with its RFC 3339 time (UTC).</summary>
    [Parameter]
    public SwitchParameter Timestamps { get; set; }

    protected override void Act(EngineContainer container)
    {
        var options = new ContainerLogOptions
        {
            Tail = Tail < 0 ? null : Tail,
            Since = MyInvocation.BoundParameters.ContainsKey(nameof(Since)) ? new DateTimeOffset(Since.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(Since, DateTimeKind.Local) : Since) : null,
            Follow = Follow.IsPresent,
        };
        WriteContainerOutput(Containers.Logs(container.Id, options, Cancellation), container.Name, stderrToPipeline: true, timestamps: Timestamps.IsPresent);
    }
}

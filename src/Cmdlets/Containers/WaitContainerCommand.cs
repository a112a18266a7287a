using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Containers;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Waits for containers to exit and writes each one's exit code, like `docker wait`; -Condition as docker wait
/// --condition (NextExit, Removed) and Podman's healthy (which writes nothing: it returns once the container is healthy).
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "Container")]
[OutputType(typeof(int))]
public sealed class WaitContainerCommand : ContainerTargetCmdlet
{
    /// <summary>Seconds to wait at most; a container still running then is a WaitTimeout error.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; } = -1;

    [Parameter]
    public WaitCondition Condition { get; set; } = WaitCondition.NotRunning;

    protected override void Act(EngineContainer container)
    {
        TimeSpan? timeout = Timeout < 0 ? null : TimeSpan.FromSeconds(Timeout);
        var waited = TryEngine(() => new Box(Containers.Wait(container.Id, timeout, Cancellation, Condition)), container.Name);
        if (waited is null)
        {
            return;
        }
        if (waited.Code is { } code)
        {
            if (Condition == WaitCondition.Healthy) return;
            WriteObject(code);
            return;
        }
        var timedOut = new ContainerToolsException(ErrorIds.WaitTimeout, Condition == WaitCondition.Healthy ? $"The container '{container.Name}' was not healthy after {Timeout} seconds." : $"The container '{container.Name}' was still running after {Timeout} seconds.", container.Name);
        WriteError(new ErrorRecord(timedOut, timedOut.ErrorId, ErrorCategory.OperationTimeout, container.Name));
    }

    // Tells a finished wait without an exit code apart from a failed one.
    private sealed record Box(int? Code);
}

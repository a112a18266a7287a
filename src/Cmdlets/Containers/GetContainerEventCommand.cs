using System.Management.Automation;
using ContainerTools.Cmdlets.Common;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// What happened to the store's containers (create, start, die, oom, pause, unpause, stop, destroy, exec, rename),
/// oldest first, like `docker events --since`. -Wait keeps writing new events until Ctrl+C or -Until.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ContainerEvent")]
[OutputType(typeof(ContainerEvent))]
public sealed class GetContainerEventCommand : ContainerToolsCmdlet
{
    /// <summary>Only events at or after this time.</summary>
    [Parameter(Position = 0)]
    public DateTime Since { get; set; }

    /// <summary>Only events at or before this time; with -Wait, stop following then.</summary>
    [Parameter]
    public DateTime Until { get; set; }

    /// <summary>Keep writing new events as they happen.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void EndProcessing()
    {
        var since = Bound(nameof(Since), Since);
        var until = Bound(nameof(Until), Until);
        var events = Containers.Events;
        if (!Wait)
        {
            foreach (var e in TryEngine(() => events.Read(since, until), Root.Path) ?? [])
            {
                WriteObject(ContainerEvent.From(e));
            }
            return;
        }
        foreach (var e in events.Follow(since, until, Cancellation))
        {
            WriteObject(ContainerEvent.From(e));
        }
        if (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private DateTimeOffset? Bound(string parameter, DateTime value)
    {
        if (!MyInvocation.BoundParameters.ContainsKey(parameter))
        {
            return null;
        }
        return new DateTimeOffset(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Local) : value);
    }
}

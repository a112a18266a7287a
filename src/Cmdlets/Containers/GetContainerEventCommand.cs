using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.OciRuntime.Events;

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

    /// <summary>
    /// Only events of these containers: a full id or id prefix, or a name (wildcards allowed) as the container was
    /// called at the event, so removed containers still match.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias(ContainerParameter.IdAlias, ContainerParameter.NameAlias)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string[]? Container { get; set; }

    /// <summary>Only these actions (create, start, die, ...).</summary>
    [Parameter]
    [ValidateSet("create", "start", "die", "oom", "pause", "unpause", "stop", "destroy", "exec", "rename", IgnoreCase = true)]
    public string[]? Action { get; set; }

    /// <summary>Keep writing new events as they happen.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    private readonly List<string> containers = new();

    // Piped containers arrive one per ProcessRecord; the events are written once, at the end.
    protected override void ProcessRecordLocally() => containers.AddRange(Container ?? []);

    protected override void EndProcessingLocally()
    {
        var since = Bound(nameof(Since), Since);
        var until = Bound(nameof(Until), Until);
        var events = Containers.Events;
        if (!Wait)
        {
            foreach (var e in (TryEngine(() => events.Read(since, until), Root.Path) ?? []).Where(Selected))
            {
                WriteObject(ContainerEvent.From(e));
            }
            return;
        }
        foreach (var e in events.Follow(since, until, Cancellation).Where(Selected))
        {
            WriteObject(ContainerEvent.From(e));
        }
        if (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private bool Selected(ContainerTools.OciRuntime.Events.ContainerEvent e) =>
        (Action is null || Action.Length == 0 || Action.Contains(e.Action, StringComparer.OrdinalIgnoreCase))
        && (containers.Count == 0 || containers.Any(c => Matches(c, e)));

    private static bool Matches(string text, ContainerTools.OciRuntime.Events.ContainerEvent e)
    {
        if (WildcardPattern.ContainsWildcardCharacters(text))
        {
            return WildcardPattern.Get(text, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant).IsMatch(e.Name);
        }
        return e.Name == text || (text.Length >= 3 && e.Id.StartsWith(text.ToLowerInvariant(), StringComparison.Ordinal));
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

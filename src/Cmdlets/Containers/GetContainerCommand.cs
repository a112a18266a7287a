using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Containers.State;
using EngineContainer = ContainerTools.Runtime.Containers.Container;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>Lists every container, running or not (like `docker ps -a`), newest first, optionally filtered.</summary>
[Cmdlet(VerbsCommon.Get, "Container", DefaultParameterSetName = ByName)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class GetContainerCommand : ContainerToolsCmdlet
{
    private const string ByName = "Name";
    private const string ById = "Id";

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ById)]
    public string[]? Id { get; set; }

    [Parameter]
    public ContainerStatus[]? Status { get; set; }

    /// <summary>'key=value' (that value) or 'key' (any value); a container must carry every one given.</summary>
    [Parameter]
    public string[]? Label { get; set; }

    protected override void ProcessRecordLocally()
    {
        if (ParameterSetName == ById)
        {
            foreach (var id in Id ?? [])
            {
                var container = TryEngine(() => Containers.Resolve(id), id);
                if (container is not null && Selected(container))
                {
                    WriteObject(ContainerTools.Container.From(container));
                }
            }
            return;
        }

        var all = TryEngine(() => Containers.List(), Root.Path);
        if (all is null)
        {
            return;
        }
        if (Name is null || Name.Length == 0)
        {
            WriteAll(all);
            return;
        }
        foreach (var text in Name.Where(n => !string.IsNullOrEmpty(n)))
        {
            if (WildcardPattern.ContainsWildcardCharacters(text))
            {
                var pattern = WildcardPattern.Get(text, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                WriteAll(all.Where(c => pattern.IsMatch(c.Name)));
                continue;
            }
            // Not a pattern: a name, an id or an id prefix; unknown is ContainerNotFound.
            var container = all.FirstOrDefault(c => c.Name == text) ?? TryEngine(() => Containers.Resolve(text), text);
            if (container is not null)
            {
                WriteAll([container]);
            }
        }
    }

    private void WriteAll(IEnumerable<EngineContainer> containers)
    {
        foreach (var container in containers.Where(Selected))
        {
            WriteObject(ContainerTools.Container.From(container));
        }
    }

    private bool Selected(EngineContainer container) =>
        (Status is null || Status.Length == 0 || Status.Contains(container.Status))
        && (Label ?? []).All(filter => HasLabel(container, filter));

    private static bool HasLabel(EngineContainer container, string filter)
    {
        var eq = filter.IndexOf('=');
        if (eq < 0)
        {
            return container.Definition.Labels.ContainsKey(filter);
        }
        return container.Definition.Labels.TryGetValue(filter.Substring(0, eq), out var value) && value == filter.Substring(eq + 1);
    }
}

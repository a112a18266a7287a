using System.Management.Automation;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// The base of cmdlets that act on existing containers: binds -Container (see <see cref="ContainerParameter"/>),
/// resolves each name, id, prefix or wildcard, and calls <see cref="Act"/> once per container.
/// </summary>
public abstract class ContainerTargetCmdlet : ContainerToolsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(ContainerParameter.IdAlias, ContainerParameter.NameAlias)]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Container { get; set; } = [];

    protected override void ProcessRecordLocally()
    {
        foreach (var text in Container)
        {
            foreach (var container in ResolveContainers(text))
            {
                Act(container);
            }
        }
    }

    protected abstract void Act(EngineContainer container);

    /// <summary>
    /// A name pattern gives every container whose name matches (none is no error, as with Get-Process); anything else is
    /// one name, id or unique id prefix, or a ContainerNotFound error.
    /// </summary>
    protected IReadOnlyList<EngineContainer> ResolveContainers(string text)
    {
        if (WildcardPattern.ContainsWildcardCharacters(text))
        {
            var pattern = WildcardPattern.Get(text, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
            return TryEngine(() => Containers.List(), text)?.Where(c => pattern.IsMatch(c.Name)).ToList() ?? [];
        }
        var one = TryEngine(() => Containers.Resolve(text), text);
        return one is null ? [] : [one];
    }

    /// <summary>"web (3f2a1b4c5d6e)": how ShouldProcess and verbose messages name a container.</summary>
    protected static string Describe(EngineContainer container) => $"{container.Name} ({container.ShortId})";
}

using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Cmdlets.Common;

/// <summary>Tab completion of container parameters: the names of the current store's containers that start with what was typed.</summary>
public sealed class ContainerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        IReadOnlyList<Runtime.Containers.Container> containers;
        try
        {
            containers = new ContainerStore(StoreRoot.FromEnvironment()).List();
        }
        catch (Exception)
        {
            // Completion must never throw at the user: an unreadable store simply offers nothing.
            yield break;
        }
        var matches = containers
            .Where(c => c.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        foreach (var container in matches)
        {
            yield return new CompletionResult(container.Name, container.Name, CompletionResultType.ParameterValue,
                $"{container.Name} ({container.ShortId}, {container.Status})");
        }
    }
}

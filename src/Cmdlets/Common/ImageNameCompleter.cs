using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Cmdlets.Common;

/// <summary>Tab completion of image parameters: the familiar names in the current store that start with what was typed.</summary>
public sealed class ImageNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        IReadOnlyList<Image> images;
        try
        {
            images = new ImageStore(StoreRoot.FromEnvironment()).List();
        }
        catch (Exception)
        {
            // Completion must never throw at the user: an unreadable store simply offers nothing.
            yield break;
        }
        var names = images.SelectMany(i => i.Names.Select(n => n.FamiliarString))
            .Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
        }
    }
}

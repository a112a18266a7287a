using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Cmdlets.Common;

/// <summary>Tab completion of -RestartPolicy: Docker's policy names.</summary>
public sealed class RestartPolicyCompleter : IArgumentCompleter
{
    private static readonly string[] Names = [RestartPolicy.No, RestartPolicy.OnFailure, RestartPolicy.Always, RestartPolicy.UnlessStopped];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        return Names.Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).Select(n => new CompletionResult(n));
    }
}

using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ContainerTools.Runtime.Security;

namespace ContainerTools.Cmdlets.Common;

/// <summary>Tab completion of -CapabilityAdd/-CapabilityDrop: ALL and the kernel's capability names, without CAP_, as Docker users write them.</summary>
public sealed class CapabilityNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"').ToUpperInvariant();
        if (typed.StartsWith("CAP_", StringComparison.Ordinal)) typed = typed[4..];
        return new[] { CapabilityNames.All }.Concat(CapabilityNames.Supported().Select(c => c[4..]))
            .Where(name => name.StartsWith(typed, StringComparison.Ordinal))
            .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, name));
    }
}

using System.Collections;
using System.Management.Automation;
using ContainerTools.Runtime.Containers.Exec;

namespace ContainerTools.Cmdlets.Common;

/// <summary>-Command, -User, -WorkingDirectory and -Environment of the cmdlets that run a process in a container, as engine options.</summary>
internal static class ExecOptionsBuilder
{
    public static ExecOptions Build(string[] command, string? user, string? workingDirectory, Hashtable? environment, bool openStandardInput) => new()
    {
        Command = command,
        User = string.IsNullOrEmpty(user) ? null : user,
        WorkingDirectory = string.IsNullOrEmpty(workingDirectory) ? null : workingDirectory,
        Environment = environment?.Cast<DictionaryEntry>().Select(e => $"{e.Key}={LanguagePrimitives.ConvertTo<string>(e.Value)}").ToList(),
        OpenStandardInput = openStandardInput,
    };
}

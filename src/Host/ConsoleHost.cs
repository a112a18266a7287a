using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace ContainerTools.Host;

/// <summary>
/// The smallest host that lets the engine talk to the console: -WhatIf messages, warnings and verbose text from
/// cmdlets reach the terminal. It cannot prompt (-Confirm fails with a clear error instead of hanging).
/// </summary>
internal sealed class ConsoleHost : PSHost
{
    private readonly ConsoleUserInterface ui = new();

    public override string Name => "ctpwsh";
    public override Version Version { get; } = new(0, 1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public int ExitCode { get; private set; }

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    public override void EnterNestedPrompt() => throw new NotSupportedException("ctpwsh has no nested prompt.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("ctpwsh has no nested prompt.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

internal sealed class ConsoleUserInterface : PSHostUserInterface
{
    public override PSHostRawUserInterface? RawUI => null;

    public override void Write(string value) => Console.Write(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Write(value);
    public override void WriteLine(string value)
    {
        OutHostViewCommand.EndTable();
        Console.WriteLine(value);
    }
    public override void WriteErrorLine(string value) => Console.Error.WriteLine(value);
    public override void WriteDebugLine(string message) => Console.Error.WriteLine($"DEBUG: {message}");
    public override void WriteVerboseLine(string message) => Console.Error.WriteLine($"VERBOSE: {message}");
    public override void WriteWarningLine(string message) => Console.Error.WriteLine($"WARNING: {message}");
    public override void WriteProgress(long sourceId, ProgressRecord record) { }

    public override string ReadLine() => Console.ReadLine() ?? "";
    public override SecureString ReadLineAsSecureString() => throw NoPrompts();
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw NoPrompts();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NoPrompts();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoPrompts();
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => throw NoPrompts();

    private static PSNotSupportedException NoPrompts() => new("ctpwsh cannot prompt; pass -Confirm:$false or -Force.");
}

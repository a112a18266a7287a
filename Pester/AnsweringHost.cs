// A PowerShell host for tests that answers ShouldProcess's prompts from a queue (by the choice's label, "Yes", "No",
// "Yes to All", ...) and keeps what it was asked. Loaded by Pester/Fleet.Tests.ps1 with Add-Type.
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

public sealed class AnsweringHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();
    public AnsweringUserInterface Answers { get; } = new AnsweringUserInterface();
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId => _id;
    public override string Name => "AnsweringHost";
    public override PSHostUserInterface UI => Answers;
    public override Version Version => new Version(1, 0);
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}

public sealed class AnsweringUserInterface : PSHostUserInterface
{
    public Queue<string> Choices { get; } = new Queue<string>();
    public List<string> Asked { get; } = new List<string>();
    public override PSHostRawUserInterface RawUI => null;

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        Asked.Add(message);
        var answer = Choices.Count > 0 ? Choices.Dequeue() : throw new InvalidOperationException("Asked more than the test answers: " + message);
        for (var i = 0; i < choices.Count; i++)
        {
            if (choices[i].Label.Replace("&", "") == answer) return i;
        }
        throw new InvalidOperationException("No choice " + answer);
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
    public override string ReadLine() => throw new NotSupportedException();
    public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
    public override void Write(string value) { }
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
    public override void WriteDebugLine(string message) { }
    public override void WriteErrorLine(string value) { }
    public override void WriteLine(string value) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) { }
}

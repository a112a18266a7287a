using System.Collections;
using System.Management.Automation;
using System.Text;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.OciRuntime.Errors;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Runs a command in running containers and waits for it, like `docker exec -i`: stdout lines go to the pipeline,
/// stderr lines become ContainerStderr errors, $LASTEXITCODE is set, and a non-zero exit is a ContainerCommandFailed
/// error; when the command cannot run at all $LASTEXITCODE is 127 (not found), 126 (cannot run) or 125 (the container
/// is not running, not found...). Piped strings (and numbers) are the command's stdin; piped objects with an Id or Name are containers: each
/// one runs the command as it arrives. Strings are collected and the command runs once at the end of the pipeline.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ContainerCommand")]
[OutputType(typeof(string))]
public sealed class InvokeContainerCommandCommand : ContainerToolsCmdlet
{
    /// <summary>By property name only, so that a piped string is stdin rather than a container name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias(ContainerParameter.IdAlias, ContainerParameter.NameAlias)]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Container { get; set; } = [];

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Command { get; set; } = [];

    [Parameter]
    public string? User { get; set; }

    [Parameter]
    [Alias("WorkDir")]
    public string? WorkingDirectory { get; set; }

    [Parameter]
    [Alias("Env")]
    public Hashtable? Environment { get; set; }

    /// <summary>Lines for the command's stdin: piped strings, or given directly (-InputObject 'a','b').</summary>
    [Parameter(ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public object[]? InputObject { get; set; }

    private readonly List<string> input = [];
    private bool inputGiven;
    private bool ranForPipedContainers;

    protected override void BeginProcessingLocally()
    {
        inputGiven = MyInvocation.BoundParameters.ContainsKey(nameof(InputObject));
    }

    protected override void ProcessRecordLocally()
    {
        if (!MyInvocation.ExpectingInput)
        {
            return; // everything is on the command line: run once, in EndProcessing
        }
        if (inputGiven)
        {
            // -InputObject on the command line: what comes down the pipeline are containers.
            ranForPipedContainers = true;
            RunInEach(Lines(InputObject));
            return;
        }
        var items = InputObject ?? [];
        if (items.Length > 0 && items.All(IsLine))
        {
            input.AddRange(Lines(items));
            return;
        }
        ranForPipedContainers = true;
        RunInEach(null);
    }

    protected override void EndProcessingLocally()
    {
        if (ranForPipedContainers)
        {
            if (input.Count > 0)
            {
                WriteWarning($"{input.Count} piped line(s) were not sent: the pipeline also carried containers, which ran the command as they came. Give stdin with -InputObject instead.");
            }
            return;
        }
        RunInEach(inputGiven ? Lines(InputObject) : input.Count > 0 ? input : null);
    }

    private static bool IsLine(object? item)
    {
        var value = item is PSObject ps ? ps.BaseObject : item;
        return value is string or char || (value is not null && value.GetType().IsPrimitive) || value is decimal;
    }

    private static List<string> Lines(object[]? items) =>
        (items ?? []).Where(i => i is not null).Select(i => LanguagePrimitives.ConvertTo<string>(i)).ToList();

    private void RunInEach(IReadOnlyList<string>? stdin)
    {
        foreach (var text in Container)
        {
            foreach (var container in Resolve(text))
            {
                Run(container, stdin);
            }
        }
    }

    private IReadOnlyList<EngineContainer> Resolve(string text)
    {
        if (WildcardPattern.ContainsWildcardCharacters(text))
        {
            var pattern = WildcardPattern.Get(text, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
            return TryEngine(() => Containers.List(), text)?.Where(c => pattern.IsMatch(c.Name)).ToList() ?? [];
        }
        var one = TryEngine(() => Containers.Resolve(text), text);
        return one is null ? [] : [one];
    }

    private void Run(EngineContainer container, IReadOnlyList<string>? stdin)
    {
        var options = ExecOptionsBuilder.Build(Command, User, WorkingDirectory, Environment, openStandardInput: stdin is not null);
        ExecProcess process;
        try
        {
            process = Containers.Exec(container.Id, options);
        }
        catch (ContainerToolsException ex)
        {
            SessionState.PSVariable.Set("global:LASTEXITCODE", ExitCodeWhenNotRun(ex));
            WriteError(ErrorRecords.From(ex, container.Name));
            return;
        }
        using var started = process;
        var writer = stdin is null ? Task.CompletedTask : Task.Run(() => Feed(process, stdin));
        try
        {
            foreach (var line in process.ReadOutputLines(Cancellation))
            {
                if (line.IsError)
                {
                    WriteError(new ErrorRecord(new ContainerStderrException(line.Text), "ContainerStderr", ErrorCategory.NotSpecified, container.Name));
                }
                else
                {
                    WriteObject(line.Text);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: disposing the process kills it.
            throw new PipelineStoppedException();
        }
        writer.Wait();
        var code = process.WaitForExit();
        SessionState.PSVariable.Set("global:LASTEXITCODE", code);
        if (code != 0)
        {
            var failed = new ContainerCommandFailedException(container.Name, Command, code);
            WriteError(new ErrorRecord(failed, "ContainerCommandFailed", ErrorCategory.NotSpecified, container.Name));
        }
    }

    /// <summary>As `docker exec` exits: 127 for a program that is not found, 126 for one that cannot run, else 125 (the engine's mapping).</summary>
    private static int ExitCodeWhenNotRun(ContainerToolsException ex) => ex.ExitCode;

    private static void Feed(ExecProcess process, IReadOnlyList<string> stdin)
    {
        try
        {
            using var writer = new StreamWriter(process.StandardInput!, new UTF8Encoding(false)) { NewLine = "\n" };
            foreach (var line in stdin)
            {
                writer.WriteLine(line);
            }
        }
        catch (IOException)
        {
            // The command stopped reading (exited, or closed its stdin): the rest is not wanted.
        }
        finally
        {
            process.CloseStandardInput();
        }
    }
}

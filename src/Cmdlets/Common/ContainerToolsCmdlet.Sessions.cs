using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ContainerTools.Cmdlets.Common.Fleet;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// -Session and -ThrottleLimit, for every cmdlet: with -Session (given, or bound from a piped object that came from a
/// host) the same cmdlet runs on each session's host with the parameters bound here, and what the hosts write comes
/// back as the module's own types with their ComputerName (see docs/fleets.md). The lifecycle methods are sealed here:
/// a cmdlet implements <see cref="BeginProcessingLocally"/>, <see cref="ProcessRecordLocally"/> and
/// <see cref="EndProcessingLocally"/>, and new parameters work remotely without more code.
/// </summary>
public abstract partial class ContainerToolsCmdlet
{
    /// <summary>
    /// Hosts to run on (PowerShell remoting sessions with ContainerTools installed). Binds by property name, so an
    /// object a fleet run wrote goes back to its own host.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public PSSession[]? Session { get; set; }

    /// <summary>How many hosts run at once.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 32;

    private bool sessionGiven;
    private bool processedLocally;
    private FleetDispatch? fleet;

    protected sealed override void BeginProcessing()
    {
        sessionGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Session));
        if (!sessionGiven)
        {
            BeginProcessingLocally();
        }
    }

    protected sealed override void ProcessRecord()
    {
        if (Session is { Length: > 0 } sessions)
        {
            if (LocalTerminalUse is { } use)
            {
                WriteError(TerminalSessions.NotOverSession(use, (object?)PrimaryArgument() ?? string.Join(", ", sessions.Select(s => s.ComputerName))));
                return;
            }
            var confirmed = ConfirmedHere(sessions);
            if (confirmed.Length > 0)
            {
                (fleet ??= new FleetDispatch()).Queue(confirmed, RemoteCall.From(MyInvocation.MyCommand.Name, MyInvocation.BoundParameters, confirmedHere: AsksHere));
            }
            return;
        }
        processedLocally = true;
        ProcessRecordLocally();
    }

    protected sealed override void EndProcessing()
    {
        // A pipeline whose every object went to its host has nothing left to finish here.
        if (!sessionGiven && (processedLocally || fleet is null))
        {
            EndProcessingLocally();
        }
        fleet?.Run(ThrottleLimit, WriteFleetEvent, Cancellation);
    }

    /// <summary>
    /// What of this invocation needs this machine's terminal (Enter-Container, -Interactive/-Tty runs), or null. Such an
    /// invocation is refused with -Session: a remote pipeline has no terminal, and the host's stdin and stdout carry the
    /// session itself.
    /// </summary>
    protected virtual string? LocalTerminalUse => null;

    /// <summary>
    /// Whether ShouldProcess is asked here for a fleet run: the cmdlet supports it and -WhatIf is not given (-WhatIf
    /// travels: the host knows what matches and says what it would do).
    /// </summary>
    private bool AsksHere =>
        GetType().GetCustomAttributes(typeof(CmdletAttribute), inherit: true) is [CmdletAttribute { SupportsShouldProcess: true }]
        && !(MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) && whatIf is SwitchParameter { IsPresent: true });

    /// <summary>
    /// -Confirm and $ConfirmPreference with -Session: asked here, once per host and record, before anything is sent (as
    /// Stop-Computer -ComputerName and Remove-CimInstance -CimSession ask); the hosts approved then run with
    /// -Confirm:$false (they have no one to ask).
    /// </summary>
    private PSSession[] ConfirmedHere(PSSession[] sessions)
    {
        if (!AsksHere)
        {
            return sessions;
        }
        var what = PrimaryArgument();
        return sessions.Distinct().Where(s => ShouldProcess(what is null ? s.ComputerName : $"{what} on {s.ComputerName}", MyInvocation.MyCommand.Name)).ToArray();
    }

    /// <summary>The bound value of the parameter at position 0 of this parameter set (the container, image, ...), as text.</summary>
    private string? PrimaryArgument()
    {
        foreach (var (name, metadata) in MyInvocation.MyCommand.Parameters)
        {
            if (!MyInvocation.BoundParameters.TryGetValue(name, out var value) || value is null)
            {
                continue;
            }
            var atZero = metadata.ParameterSets.Any(p => p.Value.Position == 0 && (p.Key == ParameterSetName || p.Key == ParameterAttribute.AllParameterSets));
            if (atZero)
            {
                return value is System.Collections.IEnumerable items and not string
                    ? string.Join(", ", items.Cast<object?>().Select(i => (i as PSObject)?.BaseObject ?? i))
                    : ((value as PSObject)?.BaseObject ?? value).ToString();
            }
        }
        return null;
    }

    /// <summary>BeginProcessing on this machine (not called when -Session is given).</summary>
    protected virtual void BeginProcessingLocally()
    {
    }

    /// <summary>ProcessRecord for a record that stays on this machine.</summary>
    protected virtual void ProcessRecordLocally()
    {
    }

    /// <summary>EndProcessing on this machine (not called when every record went to a host).</summary>
    protected virtual void EndProcessingLocally()
    {
    }

    /// <summary>An object a host wrote (already the module's own type, with its ComputerName), before it is written here.</summary>
    protected virtual object? FromHost(PSObject written, string computerName) => written;

    private void WriteFleetEvent(FleetEvent item)
    {
        var host = item.Session.ComputerName;
        switch (item.Kind)
        {
            case FleetEventKind.Output:
                WriteObject(FromHost((PSObject)item.Payload!, host));
                break;
            case FleetEventKind.Error:
                WriteError(FleetErrors.FromHost((ErrorRecord)item.Payload!, host));
                break;
            case FleetEventKind.HostFailure:
                WriteError(FleetErrors.HostFailed((FleetHostException)item.Payload!, item.Session));
                break;
            case FleetEventKind.Warning:
                WriteWarning($"{host}: {item.Payload}");
                break;
            case FleetEventKind.Verbose:
                WriteVerbose($"{host}: {item.Payload}");
                break;
            case FleetEventKind.Debug:
                WriteDebug($"{host}: {item.Payload}");
                break;
            case FleetEventKind.Information:
                WriteInformation((InformationRecord)item.Payload!);
                break;
            case FleetEventKind.Progress:
                WriteProgress(FleetProgress.FromHost((ProgressRecord)item.Payload!, item.Session));
                break;
        }
    }
}

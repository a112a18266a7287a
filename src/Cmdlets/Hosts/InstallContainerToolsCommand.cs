using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ContainerTools.Cmdlets.Hosts;

/// <summary>
/// Puts this ContainerTools (the same version, ctinit, ctmon and ctcleanup with it) on each session's host, in
/// &lt;first module path&gt;/ContainerTools/&lt;version&gt; (or -Destination), with Copy-Item -ToSession, then checks that it
/// imports there. A version already there is kept unless -Force. A host that fails is an error naming it; the others go on.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "ContainerTools", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ContainerToolsInstallation))]
public sealed class InstallContainerToolsCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public PSSession[] Session { get; set; } = [];

    /// <summary>A modules folder on the host; the module goes in ContainerTools/&lt;version&gt; beneath it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>Copies even when the same version is already there.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private static readonly string[] HelperBinaries = ["ctinit", "ctmon", "ctcleanup"];

    protected override void ProcessRecord()
    {
        var module = MyInvocation.MyCommand.Module;
        var source = module?.ModuleBase ?? System.IO.Path.GetDirectoryName(typeof(InstallContainerToolsCommand).Assembly.Location)!;
        var version = module?.Version.ToString() ?? "0.0.0";
        foreach (var session in Session)
        {
            try
            {
                Install(session, source, version);
            }
            catch (Exception ex) when (ex is RuntimeException or System.Management.Automation.Remoting.PSRemotingTransportException or InvalidRunspaceStateException or PSInvalidOperationException)
            {
                WriteError(new ErrorRecord(
                    new Common.Fleet.FleetHostException(session.ComputerName, $"ContainerTools {version} could not be installed: {ex.Message}", ex),
                    "InstallContainerToolsFailed", ErrorCategory.InvalidOperation, session.ComputerName));
            }
        }
    }

    private void Install(PSSession session, string source, string version)
    {
        var modules = Destination ?? Remote(session, "($env:PSModulePath -split [IO.Path]::PathSeparator | Where-Object { $_ })[0]").FirstOrDefault()?.ToString()
            ?? throw new PSInvalidOperationException("the host has no module path; give -Destination");
        var target = Remote(session, "param($m, $v) Join-Path $m ContainerTools $v", modules, version).Single().ToString()!;
        var present = (bool)Remote(session, "param($t) Test-Path -LiteralPath (Join-Path $t ContainerTools.psd1)", target).Single().BaseObject;
        var copy = Force.IsPresent || !present;
        if (copy && !ShouldProcess($"{session.ComputerName}:{target}", $"Install ContainerTools {version}"))
        {
            return;
        }
        if (copy)
        {
            Remote(session, "param($t) $null = New-Item -ItemType Directory -Path $t -Force", target);
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand("Microsoft.PowerShell.Management\\Copy-Item")
                .AddParameter("Path", System.IO.Path.Combine(source, "*"))
                .AddParameter("Destination", target)
                .AddParameter("ToSession", session)
                .AddParameter("Recurse")
                .AddParameter("Force");
            shell.Invoke();
            if (shell.HadErrors)
            {
                throw new PSInvalidOperationException(string.Join("; ", shell.Streams.Error.Select(e => e.ToString())));
            }
            // Copy-Item does not carry Unix modes across a session: the helpers become executable again.
            Remote(session, "param($t, $names) foreach ($n in $names) { $f = Join-Path $t $n; if (Test-Path -LiteralPath $f) { & chmod 755 $f } }", target, HelperBinaries);
        }
        var imported = Remote(session, "param($v) Import-Module ContainerTools -RequiredVersion $v -Force -PassThru -ErrorAction Stop | Select-Object -First 1", version).SingleOrDefault()
            ?? throw new PSInvalidOperationException($"ContainerTools {version} does not import");
        WriteObject(new ContainerToolsInstallation
        {
            ComputerName = session.ComputerName,
            Version = imported.Properties["Version"]?.Value?.ToString() ?? "",
            Path = imported.Properties["ModuleBase"]?.Value?.ToString() ?? target,
            Copied = copy,
        });
    }

    private static IList<PSObject> Remote(PSSession session, string script, params object[] arguments)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = session.Runspace;
        shell.AddScript(script);
        foreach (var argument in arguments)
        {
            shell.AddArgument(argument);
        }
        var output = shell.Invoke(null, new PSInvocationSettings { Host = Common.Fleet.StreamsOnlyHost.Instance });
        if (shell.HadErrors)
        {
            throw new PSInvalidOperationException(string.Join("; ", shell.Streams.Error.Select(e => e.ToString())));
        }
        return output;
    }
}

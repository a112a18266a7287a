using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ContainerTools.Host;

// ctpwsh SCRIPT [ARGS...]: runs a PowerShell script in a hosted engine and prints its output streams,
// for machines where pwsh itself is not installed. Exit code: 1 when the script wrote an error, else 0.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: ctpwsh SCRIPT.ps1 [ARGS...]");
    return 2;
}

// The engine package has no Format-*/Out-String/Write-Host: the script's output goes through Out-HostView
// (OutHostViewCommand.cs), and Write-Host is a small stand-in (WriteHostCommand.cs).
var iss = InitialSessionState.CreateDefault2();
iss.Commands.Add(new SessionStateCmdletEntry(OutHostViewCommand.Name, typeof(OutHostViewCommand), null));
iss.Commands.Add(new SessionStateCmdletEntry("Write-Host", typeof(WriteHostCommand), null));
var host = new ConsoleHost();
using var runspace = RunspaceFactory.CreateRunspace(host, iss);
runspace.Open();
using var ps = PowerShell.Create(runspace);
var failed = false;
ps.Streams.Error.DataAdded += (_, e) => { failed = true; Console.Out.Flush(); Console.Error.WriteLine(Describe(ps.Streams.Error[e.Index])); };
ps.Streams.Information.DataAdded += (_, e) => Console.WriteLine(ps.Streams.Information[e.Index]);

ps.AddCommand(Path.GetFullPath(args[0]));
foreach (var arg in args.Skip(1))
{
    ps.AddArgument(arg);
}
ps.AddCommand(OutHostViewCommand.Name);
try
{
    ps.Invoke();
}
catch (RuntimeException ex)
{
    Console.Error.WriteLine(Describe(ex.ErrorRecord));
    return 1;
}
// Not ps.HadErrors: that also counts errors the script silenced with -ErrorAction SilentlyContinue.
return host.ExitCode != 0 ? host.ExitCode : failed ? 1 : 0;

static string Describe(ErrorRecord error) =>
    $"ERROR: {error} [{error.CategoryInfo.Category}: {error.FullyQualifiedErrorId}]"
    + (error.InvocationInfo?.ScriptLineNumber > 0 ? $" at {Path.GetFileName(error.InvocationInfo.ScriptName)}:{error.InvocationInfo.ScriptLineNumber}" : "");

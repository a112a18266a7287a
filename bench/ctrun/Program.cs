using System.Diagnostics;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;

// ctrun spec BUNDLE ARGS...: writes BUNDLE/config.json with the default spec (Docker's) running ARGS in BUNDLE/rootfs.
// ctrun [--repeat N] BUNDLE: starts the bundle's container with this process's stdio, waits, exits with its status.
// With --repeat, runs it N times in this warm process and prints the mean start-to-exit time on stderr.
if (args.Length >= 3 && args[0] == "spec")
{
    BundleWriter.Write(args[1], RuntimeSpecDefaults.Create(args[2..], hostname: "ctrun"));
    return 0;
}

var repeat = 1;
var rest = args.ToList();
if (rest.Count >= 2 && rest[0] == "--repeat")
{
    repeat = int.Parse(rest[1]);
    rest.RemoveRange(0, 2);
}
if (rest.Count != 1)
{
    Console.Error.WriteLine("usage: ctrun [--repeat N] BUNDLE");
    return 2;
}

var status = new ExitStatus(0, 0);
var clock = Stopwatch.StartNew();
for (var i = 0; i < repeat; i++)
{
    try
    {
        var container = ContainerLauncher.Start(new LaunchRequest { BundlePath = rest[0], StdinFd = 0, StdoutFd = 1, StderrFd = 2 });
        status = ProcessWait.Wait(container.Pid);
    }
    catch (ContainerToolsException ex)
    {
        Console.Error.WriteLine($"ctrun: {ex.Message} ({ex.ErrorId})");
        return 125;
    }
}
if (repeat > 1) Console.Error.WriteLine($"ctrun: {repeat} runs, {clock.Elapsed.TotalMilliseconds / repeat:F2} ms per run");
return status.ShellCode;

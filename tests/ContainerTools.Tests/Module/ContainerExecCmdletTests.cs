using System.Management.Automation;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Module;

/// <summary>Invoke-ContainerCommand, Start-ContainerProcess and Get-ContainerProcess through real pipelines on real busybox containers.</summary>
[Collection(ModuleCollection.Name)]
public sealed class ContainerExecCmdletTests : BusyboxModuleTest
{
    private void Box(string name, string extra = "") =>
        session.Run($"Invoke-ContainerImage busybox -Detach -Name {name} -Hostname {name}-host {extra} -Command sleep,300 | Out-Null").ThrowOnErrors();

    private IReadOnlyList<string> Lines(string script) => session.Run(script).ThrowOnErrors().Values<string>().ToList();

    private int LastExitCode => session.Run("$global:LASTEXITCODE").ThrowOnErrors().Values<int>().Single();

    [Fact]
    public void OutputComesFromInsideTheContainersNamespaces()
    {
        Box("web");

        var lines = Lines("Invoke-ContainerCommand web -Command sh,-c,'hostname; cat /proc/1/cmdline | tr \"\\0\" \" \"; echo; echo $$; grep -E \"^(CapEff|NoNewPrivs)\" /proc/self/status'");

        Assert.Equal("web-host", lines[0]);
        Assert.Equal("sleep 300 ", lines[1]);
        Assert.InRange(int.Parse(lines[2]), 2, 50);
        Assert.Equal("CapEff:\t00000000a80425fb", lines[3]);
        Assert.Equal("NoNewPrivs:\t1", lines[4]);
        Assert.Equal(0, LastExitCode);
    }

    [Fact]
    public void PipedStringsAreStdinAndPipedContainersFanOut()
    {
        Box("db1", "-Label @{ role = 'db' }");
        Box("db2", "-Label @{ role = 'db' }");
        Box("other");

        Assert.Equal(["b", "a", "1"], Lines("'a','b',1 | Invoke-ContainerCommand db1 -Command sort,-r"));
        Assert.Equal(["x", "y"], Lines("Invoke-ContainerCommand db1 -Command cat -InputObject x,y"));
        Assert.Equal(["db1-host", "db2-host"], Lines("Get-Container -Label role=db | Invoke-ContainerCommand -Command hostname").Order());
        // Containers in the pipeline with -InputObject: every one gets the same stdin.
        Assert.Equal(["z", "z"], Lines("Get-Container -Label role=db | Invoke-ContainerCommand -Command cat -InputObject z"));
    }

    [Fact]
    public void StderrAndNonZeroExitsAreErrorsAndSetLastExitCode()
    {
        Box("web");

        var result = session.Run("Invoke-ContainerCommand web -Command sh,-c,'echo out; echo err >&2; exit 5'");

        Assert.Equal(["out"], result.Values<string>());
        Assert.Equal(2, result.Errors.Count);
        Assert.Equal("ContainerStderr,ContainerTools.Cmdlets.Containers.InvokeContainerCommandCommand", result.Errors[0].FullyQualifiedErrorId);
        Assert.Equal("err", result.Errors[0].Exception.Message);
        var failed = result.Errors[1];
        Assert.StartsWith("ContainerCommandFailed,", failed.FullyQualifiedErrorId);
        Assert.Equal("ContainerCommandFailedException", failed.Exception.GetType().Name);
        Assert.Equal(5, failed.Exception.GetType().GetProperty("ExitCode")!.GetValue(failed.Exception));
        Assert.Equal(5, LastExitCode);

        var missing = session.Run("Invoke-ContainerCommand web -Command no-such-program");
        Assert.StartsWith("ContainerExecFailed,", Assert.Single(missing.Errors).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.Errors[0].CategoryInfo.Category);
        Assert.Equal(127, LastExitCode);
    }

    [Fact]
    public void UserWorkingDirectoryAndEnvironmentOptions()
    {
        Box("web", "-Environment @{ FROM_IMAGE_RUN = 'yes' }");

        Assert.Equal(["0", "/", "yes"], Lines("Invoke-ContainerCommand web -Command sh,-c,'id -u; pwd; echo $FROM_IMAGE_RUN'"));
        Assert.Equal(["65534", "/tmp", "yes 42"],
            Lines("Invoke-ContainerCommand web -User nobody -WorkingDirectory /tmp -Environment @{ ANSWER = 42 } -Command sh,-c,'id -u; pwd; echo $FROM_IMAGE_RUN $ANSWER'"));
    }

    [Fact]
    public void StoppedAndPausedContainersAreRefused()
    {
        session.Run("New-Container busybox -Name idle -Command true | Out-Null").ThrowOnErrors();
        Box("frozen");
        session.Run("Suspend-Container frozen").ThrowOnErrors();

        var stopped = session.Run("Invoke-ContainerCommand idle -Command true");
        Assert.StartsWith("ContainerNotRunning,", Assert.Single(stopped.Errors).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, stopped.Errors[0].CategoryInfo.Category);
        Assert.Equal(125, LastExitCode);
        var paused = session.Run("Start-ContainerProcess frozen -Command true");
        Assert.StartsWith("ContainerPaused,", Assert.Single(paused.Errors).FullyQualifiedErrorId);
        session.Run("Resume-Container frozen").ThrowOnErrors();
    }

    [Fact]
    public void StartedProcessesShowInGetContainerProcessWithBothPids()
    {
        Box("web");

        var started = session.Run("Start-ContainerProcess web -User nobody -Command sleep,301").ThrowOnErrors().Output.Single();
        var processes = session.Run("Get-ContainerProcess web").ThrowOnErrors().Output;

        Assert.Equal(2, processes.Count);
        Assert.Equal(1, (int)processes[0].Properties["ContainerPid"].Value);
        Assert.Equal("root", processes[0].Properties["User"].Value);
        var pid = (int)started.Properties["Pid"].Value;
        var second = processes[1];
        Assert.Equal(pid, (int)second.Properties["Pid"].Value);
        Assert.Equal(started.Properties["ContainerPid"].Value, second.Properties["ContainerPid"].Value);
        Assert.NotEqual(pid, (int)second.Properties["ContainerPid"].Value);
        Assert.Equal("nobody", second.Properties["User"].Value);
        Assert.Equal(["sleep", "301"], (string[])second.Properties["Command"].Value);
        Assert.Contains($"\t{pid}\t", File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("NSpid:")) + "\t");
    }
}

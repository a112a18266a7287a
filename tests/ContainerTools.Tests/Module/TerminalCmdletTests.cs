using ContainerTools.Runtime.Linux;

namespace ContainerTools.Tests.Module;

/// <summary>
/// Enter-Container and Start-Container -Attach in a session whose stdin is no terminal (the test host's): a clear
/// NotATerminal error, never a hang. The terminal path itself: Terminals/InteractiveSessionTests and EnterContainerTmuxTests.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class TerminalCmdletTests : BusyboxModuleTest
{
    [Fact]
    public void EnterContainerNeedsATerminal()
    {
        Assert.False(TerminalModes.IsTerminal(0), "this test needs a test host whose stdin is not a terminal");
        session.Run("Invoke-ContainerImage busybox -Detach -Name web -Command sleep,300 | Out-Null").ThrowOnErrors();

        var result = session.Run("Enter-Container web");

        var error = Assert.Single(result.Errors);
        Assert.Equal("NotATerminal,ContainerTools.Cmdlets.Containers.EnterContainerCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("standard input is not one", error.Exception.Message);
        // No shell was left behind in the container.
        Assert.Equal([1], session.Run("@(Get-ContainerProcess web).Count").ThrowOnErrors().Values<int>());
    }

    [Fact]
    public void StartContainerAttachDoesNotStartAnInteractiveTtyContainerWithoutATerminal()
    {
        session.Run("New-Container busybox -Name shell -Interactive -Tty -Command sh | Out-Null").ThrowOnErrors();

        var result = session.Run("Start-Container shell -Attach");

        Assert.Equal("NotATerminal,ContainerTools.Cmdlets.Containers.StartContainerCommand", Assert.Single(result.Errors).FullyQualifiedErrorId);
        Assert.Equal(["Created"], session.Run("(Get-Container shell).Status.ToString()").ThrowOnErrors().Values<string>());
    }

    [Fact]
    public void StartContainerAttachOnATtyContainerWithoutInteractiveStreamsItsTerminalOutput()
    {
        // No stdin to forward, so no terminal needed: the output comes through the attach socket, then $LASTEXITCODE.
        session.Run("New-Container busybox -Name talker -Tty -Command sh,-c,'tty; exit 3' | Out-Null").ThrowOnErrors();

        session.Run("Start-Container talker -Attach").ThrowOnErrors();

        Assert.Equal([3], session.Run("$global:LASTEXITCODE").ThrowOnErrors().Values<int>());
        Assert.Contains("/dev/pts/0", string.Join("\n", session.Run("Get-ContainerLog talker").ThrowOnErrors().Values<string>()));
    }

    [Fact]
    public void InvokeContainerImageInteractiveTtyNeedsATerminalAndCreatesNothingWithoutOne()
    {
        var result = session.Run("Invoke-ContainerImage busybox -Name it -Interactive -Tty -Command sh");

        Assert.Equal("NotATerminal,ContainerTools.Cmdlets.Containers.InvokeContainerImageCommand", Assert.Single(result.Errors).FullyQualifiedErrorId);
        Assert.Equal([125], session.Run("$global:LASTEXITCODE").ThrowOnErrors().Values<int>());
        Assert.Empty(session.Run("Get-Container").ThrowOnErrors().Output);
    }

    [Fact]
    public void InvokeContainerImageTtyRunsOnTheContainersPtyAndSetsTheExitCode()
    {
        session.Run("Invoke-ContainerImage busybox -Name talker -Tty -RemoveAutomatically -Command sh,-c,'tty; exit 5'").ThrowOnErrors();

        Assert.Equal([5], session.Run("$global:LASTEXITCODE").ThrowOnErrors().Values<int>());
        Assert.Empty(session.Run("Get-Container").ThrowOnErrors().Output);
    }
}

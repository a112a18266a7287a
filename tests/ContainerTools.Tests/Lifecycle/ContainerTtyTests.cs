using ContainerTools.Runtime.Containers;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>docker run -t -d: the monitor gives the container a pty and logs what comes out of its master.</summary>
public sealed class ContainerTtyTests : IDisposable
{
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void ATtyContainerRunsOnAPseudoTerminalAndItsOutputIsLogged()
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox",
            Tty = true,
            Command = ["sh", "-c", "test -t 0 && test -t 1 && test -t 2 && echo is-a-tty; echo tty_nr=$(cut -d' ' -f7 /proc/self/stat); stty size"],
        });

        Assert.Equal(0, _host.Store.Wait(container.Id, TimeSpan.FromSeconds(30)));
        var logs = _host.Store.Logs(container.Id).ToList();
        Assert.All(logs, e => Assert.Equal("stdout", e.Stream));
        var output = string.Concat(logs.Select(e => e.Text));
        // The pty is the host devpts instance's, so `tty` inside cannot name it (runc's console socket is not done yet).
        Assert.Contains("is-a-tty\r\n", output);
        Assert.Matches(@"tty_nr=[1-9]\d*\r\n", output);
        Assert.Contains("24 80\r\n", output);
    }
}

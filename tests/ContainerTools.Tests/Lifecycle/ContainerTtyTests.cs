using ContainerTools.Runtime.Containers;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>docker run -t -d: the container runs on a pty of its own devpts, and the monitor logs what comes out of its master.</summary>
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
            Command = ["sh", "-c", "test -t 0 && test -t 1 && test -t 2 && echo is-a-tty; echo tty_nr=$(cut -d' ' -f7 /proc/self/stat); stty size; tty; ls -l /dev/pts/0"],
        });

        Assert.Equal(0, _host.Store.Wait(container.Id, TimeSpan.FromSeconds(30)));
        var logs = _host.Store.Logs(container.Id).ToList();
        Assert.All(logs, e => Assert.Equal("stdout", e.Stream));
        var output = string.Concat(logs.Select(e => e.Text));
        Assert.Contains("is-a-tty\r\n", output);
        // The controlling terminal (tty_nr != 0), and one the container can name: ctinit made it in its own devpts.
        Assert.Matches(@"tty_nr=[1-9]\d*\r\n", output);
        Assert.Contains("24 80\r\n/dev/pts/0\r\n", output);
        Assert.Matches(@"crw--w---- +1 root +(tty|5) +136, +0 .* /dev/pts/0\r\n", output);
    }
}

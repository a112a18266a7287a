using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Terminals;
using ContainerTools.Tests.Lifecycle;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Terminals;

/// <summary>
/// docker exec -it and docker attach at the engine level, with a real pty pair as the user's terminal: raw mode and its
/// restoration, the container's own /dev/pts, window size and SIGWINCH, Ctrl-C, detach keys.
/// </summary>
public sealed class InteractiveSessionTests : IDisposable
{
    private const int SigWinch = 28;
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    private static BackgroundSession RunInBackground(InteractiveSession session) => new(session);

    /// <summary>A session on its own thread, as the user's terminal would run it while the test types.</summary>
    private sealed class BackgroundSession
    {
        private readonly Thread _thread;
        private SessionEnd _end;
        private Exception? _failure;

        public BackgroundSession(InteractiveSession session)
        {
            _thread = new Thread(() =>
            {
                try { _end = session.Run(); }
                catch (Exception ex) { _failure = ex; }
            }) { IsBackground = true };
            _thread.Start();
        }

        public SessionEnd Result => _failure is null ? _end : throw new InvalidOperationException("the session failed", _failure);

        public bool Wait(TimeSpan timeout) => _thread.Join(timeout);
    }

    [Fact]
    public void AShellExecutedOnATerminalHasTheContainersPtyTheWindowSizeAndCtrlC()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"], Hostname = "tty-box" });
        using var terminal = new HostTerminal(120, 40);
        var before = TerminalModes.Get(terminal.Slave);
        Assert.False(before.IsRaw);

        using var process = _host.Store.Exec(container.Id, new ExecOptions
        {
            Command = ["sh"],
            Tty = true,
            TerminalSize = InteractiveSession.WindowSize(terminal.Slave),
        });
        var session = new InteractiveSession(process.Terminal!, terminal.Slave, terminal.Slave, terminal.Slave);
        var run = RunInBackground(session);

        terminal.Type("tty; stty size; hostname; echo TERM=$TERM\r");
        terminal.WaitFor(@"\n/dev/pts/\d+\r\n40 120\r\ntty-box\r\nTERM=xterm\r\n");
        Assert.True(TerminalModes.Get(terminal.Slave).IsRaw);

        // The user resizes the window: SIGWINCH, and the session gives the container's pty the new size.
        terminal.Resize(90, 33);
        Signals.Send(Environment.ProcessId, SigWinch);
        WaitUntil(() => PseudoTerminals.GetWindowSize(process.Terminal!.MasterFd) == (90, 33));
        var mark = terminal.Screen.Length;
        terminal.Type("stty size\r");
        terminal.WaitFor(@"\n33 90\r\n", mark);

        // Ctrl-C is a byte in raw mode; the container's line discipline makes it SIGINT for the foreground sleep.
        terminal.Type("sleep 100\r");
        WaitUntil(() => _host.Store.Processes(container.Id).Any(p => p.CommandLine.SequenceEqual(["sleep", "100"])));
        terminal.Type(0x03);
        WaitUntil(() => !_host.Store.Processes(container.Id).Any(p => p.CommandLine.SequenceEqual(["sleep", "100"])));
        mark = terminal.Screen.Length;
        terminal.Type("echo rc=$? alive-$((6*7))\r");
        terminal.WaitFor(@"rc=130 alive-42\r\n", mark);

        terminal.Type("exit 3\r");
        Assert.True(run.Wait(TimeSpan.FromSeconds(20)), "the session did not end after exit");
        Assert.Equal(SessionEnd.OutputEnded, run.Result);
        Assert.Equal(3, process.WaitForExit());
        Assert.True(TerminalModes.Get(terminal.Slave).SameAs(before), "the terminal's settings were not restored");
    }

    [Fact]
    public void AnExecSessionEndsWithItsProcessThoughABackgroundJobStillHoldsTheTerminal()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"] });
        using var terminal = new HostTerminal(80, 24);
        using var process = _host.Store.Exec(container.Id, new ExecOptions { Command = ["sh"], Tty = true });
        process.EndTerminalOnExit();
        var run = RunInBackground(new InteractiveSession(process.Terminal!, terminal.Slave, terminal.Slave, terminal.Slave));

        terminal.Type("sleep 1000 & echo started-$((2*4)); exit 6\r");

        terminal.WaitFor(@"started-8\r\n");
        Assert.True(run.Wait(TimeSpan.FromSeconds(20)), "the session waited for the background job");
        Assert.Equal(SessionEnd.OutputEnded, run.Result);
        Assert.Equal(6, process.WaitForExit());
        Assert.Contains(_host.Store.Processes(container.Id), p => p.CommandLine.SequenceEqual(["sleep", "1000"]));
    }

    [Fact]
    public void AnExecTerminalBelongsToTheExecsUser()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"] });
        using var process = _host.Store.Exec(container.Id, new ExecOptions
        {
            Command = ["sh", "-c", "id -u; tty; stat -c '%u %a' $(tty)"],
            User = "nobody",
            Tty = true,
        });

        var output = new System.Text.StringBuilder();
        var buffer = new byte[8192];
        int n;
        while ((n = process.Terminal!.Read(buffer, out _)) > 0) output.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));

        Assert.Equal(0, process.WaitForExit());
        Assert.Matches(@"^65534\r\n/dev/pts/\d+\r\n65534 620\r\n$", output.ToString());
    }

    [Fact]
    public void AttachingToAnInteractiveTtyContainerShowsItsPtyAndDetachKeysLeaveItRunning()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sh"], Interactive = true, Tty = true, Hostname = "attached" });
        using var terminal = new HostTerminal(100, 30);
        var before = TerminalModes.Get(terminal.Slave);

        using (var attachment = _host.Store.AttachTerminal(container.Id))
        {
            var session = new InteractiveSession(attachment, terminal.Slave, terminal.Slave, terminal.Slave) { DetachKeys = InteractiveSession.DockerDetachKeys };
            var run = RunInBackground(session);
            // The prompt was written before anyone attached: the first client gets it from the monitor's backlog.
            terminal.WaitFor(@"/ # ");
            terminal.Type("tty; stty size; hostname\r");
            terminal.WaitFor(@"\n/dev/pts/0\r\n30 100\r\nattached\r\n");

            terminal.Resize(132, 43);
            session.RefreshWindowSize();
            var mark = terminal.Screen.Length;
            terminal.Type("stty size\r");
            terminal.WaitFor(@"\n43 132\r\n", mark);

            // Ctrl-P alone is sent on; Ctrl-P Ctrl-Q detaches.
            terminal.Type(0x10, 0x11);
            Assert.True(run.Wait(TimeSpan.FromSeconds(20)), "detach keys did not end the session");
            Assert.Equal(SessionEnd.Detached, run.Result);
        }
        Assert.True(TerminalModes.Get(terminal.Slave).SameAs(before));
        Assert.Equal(ContainerStatus.Running, _host.Store.Resolve(container.Id).Status);

        using (var again = _host.Store.AttachTerminal(container.Id))
        {
            var run = RunInBackground(new InteractiveSession(again, terminal.Slave, terminal.Slave, terminal.Slave));
            var mark = terminal.Screen.Length;
            terminal.Type("echo second-$((20+1)); exit 4\r");
            terminal.WaitFor(@"second-21\r\n", mark);
            Assert.True(run.Wait(TimeSpan.FromSeconds(20)), "the session did not end when the container exited");
            Assert.Equal(SessionEnd.OutputEnded, run.Result);
        }
        Assert.Equal(4, _host.Store.Wait(container.Id, TimeSpan.FromSeconds(20)));
        Assert.Contains("second-21\r\n", _host.Output(container));
    }

    [Fact]
    public void AnInteractiveContainerWithoutATtyReadsItsStdinFromTheAttachSocket()
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox",
            Command = ["sh", "-c", "read line; echo got:$line; cat >&2; echo done"],
            Interactive = true,
        });
        using var attachment = _host.Store.AttachTerminal(container.Id);
        Assert.False(attachment.IsTerminal);

        attachment.Write("hello\n"u8);
        Assert.Equal(("got:hello\n", false), ReadMessage(attachment));
        attachment.Write("to stderr\n"u8);
        Assert.Equal(("to stderr\n", true), ReadMessage(attachment));
        attachment.CloseInput();
        Assert.Equal(("done\n", false), ReadMessage(attachment));
        Assert.Equal(0, attachment.Read(new byte[8192], out _));
        Assert.Equal(0, _host.Store.Wait(container.Id, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void AClientThatStopsReadingIsDroppedInsteadOfStallingTheContainer()
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox",
            // Far more than the socket and pty buffers hold; it waits for the attach so that the client is there to stall.
            Command = ["sh", "-c", "read go; yes 0123456789abcdef | head -c 4000000; echo; echo all-written"],
            Interactive = true,
            Tty = true,
        });
        using var attachment = _host.Store.AttachTerminal(container.Id);

        attachment.Write("go\r"u8);

        // Never reading: without the monitor's send timeout, the container would block on its full pty for ever.
        Assert.Equal(0, _host.Store.Wait(container.Id, TimeSpan.FromSeconds(60)));
        Assert.EndsWith("all-written\r\n", _host.Output(container));
    }

    [Fact]
    public void AContainerWithoutInteractiveOrTtyCannotBeAttachedTo()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"] });

        var error = Assert.Throws<ContainerToolsException>(() => _host.Store.AttachTerminal(container.Id));

        Assert.Equal("ContainerNotInteractive", error.ErrorId);
    }

    private static (string Text, bool StandardError) ReadMessage(InteractiveConnection connection)
    {
        var buffer = new byte[8192];
        var n = connection.Read(buffer, out var standardError);
        return (System.Text.Encoding.UTF8.GetString(buffer, 0, n), standardError);
    }

    private static void WaitUntil(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; Thread.Sleep(20))
        {
            if (condition()) return;
        }
        Assert.Fail("the condition never held");
    }
}

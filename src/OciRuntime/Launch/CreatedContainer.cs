using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// A container set up to the last step: namespaces, mounts, pivot_root, credentials are in place and ctinit (PID 1,
/// <see cref="Pid"/>) waits just before execve. In between the caller can, say, move a veth into /proc/PID/ns/net.
/// <see cref="Start"/> lets it exec; disposing an unstarted one kills and reaps it.
/// </summary>
public sealed class CreatedContainer : IDisposable
{
    private readonly string _bundlePath;
    private int _reportFd;
    private int _gateFd;
    private int _terminalMaster = -1;
    private bool _finished;
    private readonly bool _goSent;

    /// <param name="goSent">The launcher already wrote the go after the bundle (ContainerLauncher.Start): ctinit execs as soon as it is ready.</param>
    internal CreatedContainer(int pid, int reportFd, int gateFd, string bundlePath, bool goSent = false)
    {
        Pid = pid;
        _reportFd = reportFd;
        _gateFd = gateFd;
        _bundlePath = bundlePath;
        _goSent = goSent;
    }

    public int Pid { get; }

    /// <summary>The master of the pty ctinit made in the container (LaunchRequest.Terminal), else -1; still owned by this object until Start.</summary>
    public int TerminalMaster => _terminalMaster;

    internal void TakeTerminal(int master) => _terminalMaster = master;

    /// <summary>Execs the spec's program; returns once it runs, or throws ContainerStartFailed (ctinit is then reaped).</summary>
    public LaunchedContainer Start()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        try
        {
            if (!_goSent) FileDescriptors.WriteAll(_gateFd, [InitProtocol.Go]);
        }
        catch (SystemCallException)
        {
            // ctinit is gone (EPIPE); its report says why.
        }
        CloseFds(keepReport: true);
        var report = ReadReport();
        if (report.Length == 0) return new LaunchedContainer(Pid) { TerminalMaster = _terminalMaster };
        CloseTerminal();
        throw ContainerLauncher.StartFailure(Pid, report, _bundlePath);
    }

    private byte[] ReadReport()
    {
        try { return FileDescriptors.ReadToEnd(_reportFd); }
        finally { CloseFds(keepReport: false); }
    }

    private void CloseFds(bool keepReport)
    {
        FileDescriptors.Close(_gateFd);
        _gateFd = -1;
        if (keepReport) return;
        FileDescriptors.Close(_reportFd);
        _reportFd = -1;
    }

    private void CloseTerminal()
    {
        FileDescriptors.Close(_terminalMaster);
        _terminalMaster = -1;
    }

    /// <summary>
    /// Lets the created container live on without this object (ctrun create exits while ctinit waits on its FIFO gate):
    /// closes this side's fds, kills nothing. Whoever inherits ctinit (its parent's subreaper) reaps it.
    /// </summary>
    public int Release()
    {
        _finished = true;
        CloseFds(keepReport: false);
        CloseTerminal();
        return Pid;
    }

    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        CloseFds(keepReport: false);
        CloseTerminal();
        try { Signals.Send(Pid, Signals.SigKill); } catch (SystemCallException) { }
        ProcessWait.Wait(Pid);
    }
}

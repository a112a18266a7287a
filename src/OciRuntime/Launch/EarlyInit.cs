using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// A ctinit spawned before its bundle is written (ctinit --await-bundle), so that the NativeAOT runtime's own start,
/// most of ctinit's time, overlaps the caller's work: <see cref="EarlyJoin"/> for a process joining a running container,
/// <see cref="EarlyCreate"/> for a new container's init. It reads nothing until <see cref="InitProtocol.BundleWritten"/>.
/// <see cref="ContainerLauncher.Create"/> continues it when it is the ctinit the request would have spawned; disposing one
/// that was not continued closes its gate, and ctinit, on end-of-file, exits 0 and is reaped.
/// </summary>
public abstract class EarlyInit : IDisposable
{
    private readonly string _bundlePath;
    private readonly string _initPath;
    private int _reportFd, _gateFd, _console;
    private bool _finished;

    private protected EarlyInit(int pid, int reportFd, int gateFd, int console, LaunchRequest request, string bundlePath, string initPath)
    {
        Pid = pid;
        _reportFd = reportFd;
        _gateFd = gateFd;
        _console = console;
        SpawnRequest = request;
        _bundlePath = bundlePath;
        _initPath = initPath;
    }

    public int Pid { get; }

    /// <summary>The request it was spawned for: its stdio, terminal and (for a join) cgroup files are fixed at spawn.</summary>
    private protected LaunchRequest SpawnRequest { get; }

    /// <summary>Whether this ctinit is the one <paramref name="request"/> would have spawned (its arguments, fds and namespaces).</summary>
    internal abstract bool Fits(LaunchRequest request, NamespacePlan plan, string bundlePath, string initPath);

    /// <summary>What the gate says on the go: <see cref="InitProtocol.BundleWritten"/>, and whatever ctinit learns only then.</summary>
    private protected abstract byte[] Go(LaunchRequest request, NamespacePlan plan);

    /// <summary>Not yet continued or disposed, and spawned with the same binary, bundle, stdio and terminal as <paramref name="request"/>.</summary>
    private protected bool SpawnedLike(LaunchRequest request, string bundlePath, string initPath) =>
        !_finished && request.StartGateFd < 0 && bundlePath == _bundlePath && initPath == _initPath
        && request.StdinFd == SpawnRequest.StdinFd && request.StdoutFd == SpawnRequest.StdoutFd && request.StderrFd == SpawnRequest.StderrFd
        && request.Terminal.HasValue == SpawnRequest.Terminal.HasValue;

    /// <summary>
    /// Tells ctinit its bundle is written (or sends <paramref name="spec"/>, the spec itself, instead), then
    /// <paramref name="go"/> if the launcher lets it exec at once, and hands its fds over (pid, report, gate, console).
    /// </summary>
    internal (int Pid, int ReportFd, int GateFd, int Console) Continue(LaunchRequest request, NamespacePlan plan, byte[]? spec, byte[] go)
    {
        _finished = true;
        // ctinit gone (EPIPE): its report, read next, says why.
        try { FileDescriptors.WriteAll(_gateFd, [.. spec ?? Go(request, plan), .. go]); }
        catch (SystemCallException) { }
        return (Pid, _reportFd, _gateFd, _console);
    }

    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        FileDescriptors.Close(_gateFd);
        FileDescriptors.Close(_reportFd);
        FileDescriptors.Close(_console);
        _gateFd = _reportFd = _console = -1;
        // End-of-file on its gate: ctinit exits by itself (or, for an exec, the container's end killed it with its pid namespace).
        ProcessWait.Wait(Pid);
    }
}

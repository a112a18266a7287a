using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// A ctinit spawned for a process joining a running container before the caller has written its bundle
/// (<see cref="ContainerLauncher.SpawnEarlyJoin"/>, ctinit --await-bundle): the NativeAOT runtime's own start, most of
/// ctinit's time, overlaps the caller's work. It sits in the container's uts, ipc, net and pid namespaces (ctinit must be
/// born in the pid one) and nowhere else: not in its cgroups, so a pause cannot freeze it, and it reads nothing of the spec until
/// <see cref="InitProtocol.BundleWritten"/>. <see cref="ContainerLauncher.Create"/> continues it; disposing one that was
/// not continued closes its gate, and ctinit, on end-of-file, exits 0 and is reaped.
/// </summary>
public sealed class EarlyJoin : IDisposable
{
    /// <summary>The namespaces joined at spawn; a spec that joins others (or fewer) gets a ctinit of its own.</summary>
    internal static readonly NamespaceKind[] JoinedKinds = [NamespaceKind.Uts, NamespaceKind.Ipc, NamespaceKind.Network, NamespaceKind.Pid];

    private readonly LaunchRequest _request;
    private readonly IReadOnlyList<(NamespaceKind Kind, string Path)> _joins;
    private readonly string _bundlePath;
    private readonly string _initPath;
    private int _reportFd, _gateFd, _console;
    private bool _finished;

    internal EarlyJoin(int pid, int reportFd, int gateFd, int console, LaunchRequest request,
        IReadOnlyList<(NamespaceKind Kind, string Path)> joins, string bundlePath, string initPath)
    {
        Pid = pid;
        _reportFd = reportFd;
        _gateFd = gateFd;
        _console = console;
        _request = request;
        _joins = joins;
        _bundlePath = bundlePath;
        _initPath = initPath;
    }

    public int Pid { get; }

    /// <summary>Whether this ctinit is the one <paramref name="request"/> would have spawned: same arguments, fds and namespaces.</summary>
    internal bool Fits(LaunchRequest request, NamespacePlan plan, string bundlePath, string initPath) =>
        !_finished && request.JoinExisting && plan.UnshareFlags == 0 && plan.User is null && request.StartGateFd < 0
        && bundlePath == _bundlePath && initPath == _initPath
        && request.StdinFd == _request.StdinFd && request.StdoutFd == _request.StdoutFd && request.StderrFd == _request.StderrFd
        && request.Terminal.HasValue == _request.Terminal.HasValue
        && request.CgroupJoinFiles.SequenceEqual(_request.CgroupJoinFiles)
        && plan.Joins.Count == _joins.Count && plan.Joins.All(_joins.Contains);

    /// <summary>
    /// Tells ctinit its bundle is written (or sends <paramref name="message"/>: the spec itself, perhaps the go after it)
    /// and hands its fds over (pid, report, gate, console) to the launcher.
    /// </summary>
    internal (int Pid, int ReportFd, int GateFd, int Console) Continue(byte[]? message = null)
    {
        _finished = true;
        // ctinit gone (EPIPE): its report, read next, says why.
        try { FileDescriptors.WriteAll(_gateFd, message ?? [InitProtocol.BundleWritten]); }
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
        // End-of-file on its gate: ctinit exits by itself (or the container's end killed it with its pid namespace).
        ProcessWait.Wait(Pid);
    }
}

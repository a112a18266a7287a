using ContainerTools.Runtime.Linux;
using Microsoft.Win32.SafeHandles;

namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>
/// A process started in a running container by <see cref="ContainerStore.Exec"/>. It is the caller's child: the caller
/// reads its output (both streams, or the process may block on a full pipe) and reaps it with <see cref="WaitForExit"/>.
/// </summary>
public sealed class ExecProcess : IDisposable
{
    private ExitStatus? _exit;

    internal ExecProcess(string containerId, int pid, IReadOnlyList<string> command, int stdinFd, int stdoutFd, int stderrFd)
    {
        ContainerId = containerId;
        Pid = pid;
        Command = command;
        StandardInput = stdinFd < 0 ? null : Wrap(stdinFd, FileAccess.Write);
        StandardOutput = Wrap(stdoutFd, FileAccess.Read);
        StandardError = Wrap(stderrFd, FileAccess.Read);
        _output = new ExecOutputReader(stdoutFd, stderrFd);
    }

    private readonly ExecOutputReader _output;

    public string ContainerId { get; }
    /// <summary>The process's pid as the host sees it.</summary>
    public int Pid { get; }
    public IReadOnlyList<string> Command { get; }
    /// <summary>Null unless <see cref="ExecOptions.OpenStandardInput"/>; dispose it to send end-of-file.</summary>
    public Stream? StandardInput { get; private set; }
    public Stream StandardOutput { get; }
    public Stream StandardError { get; }

    /// <summary>
    /// Both output streams as lines, read on the calling thread until both end (use this or the streams, not both).
    /// Cancelling throws OperationCanceledException between reads; <see cref="Dispose"/> then kills the process.
    /// </summary>
    public IEnumerable<ExecOutputLine> ReadOutputLines(CancellationToken cancellation = default) => _output.ReadLines(cancellation);

    /// <summary>Blocks until the process ends and reaps it; the shell's exit code (128 + signal when killed).</summary>
    public int WaitForExit()
    {
        _exit ??= ProcessWait.Wait(Pid);
        return _exit.Value.ShellCode;
    }

    public void CloseStandardInput()
    {
        StandardInput?.Dispose();
        StandardInput = null;
    }

    /// <summary>Closes the pipes and, if the process still runs, kills and reaps it: nothing is left behind.</summary>
    public void Dispose()
    {
        CloseStandardInput();
        StandardOutput.Dispose();
        StandardError.Dispose();
        if (_exit is not null) return;
        try { Signals.Send(Pid, Signals.SigKill); } catch (SystemCallException) { }
        WaitForExit();
    }

    private static FileStream Wrap(int fd, FileAccess access) => new(new SafeFileHandle(fd, ownsHandle: true), access, bufferSize: 0);
}

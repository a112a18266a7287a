using ContainerTools.OciRuntime.Linux;
using Microsoft.Win32.SafeHandles;

namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>
/// A process started in a running container by <see cref="ContainerStore.Exec"/>. It is the caller's child: the caller
/// reads its output (both streams, or the process may block on a full pipe) and reaps it with <see cref="WaitForExit"/>.
/// </summary>
public sealed class ExecProcess : IDisposable
{
    private readonly object _waitGate = new();
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

    /// <summary>Null with a terminal: its output comes out of <see cref="Terminal"/>.</summary>
    private readonly ExecOutputReader? _output;

    internal ExecProcess(string containerId, int pid, IReadOnlyList<string> command, ExecTerminal terminal)
    {
        ContainerId = containerId;
        Pid = pid;
        Command = command;
        Terminal = terminal;
        StandardOutput = Stream.Null;
        StandardError = Stream.Null;
    }

    public string ContainerId { get; }
    /// <summary>The process's pid as the host sees it.</summary>
    public int Pid { get; }
    public IReadOnlyList<string> Command { get; }
    /// <summary>Null unless <see cref="ExecOptions.OpenStandardInput"/>; dispose it to send end-of-file.</summary>
    public Stream? StandardInput { get; private set; }
    /// <summary>Empty with <see cref="ExecOptions.Tty"/>: the output comes out of <see cref="Terminal"/>.</summary>
    public Stream StandardOutput { get; }
    public Stream StandardError { get; }
    /// <summary>The pty master with <see cref="ExecOptions.Tty"/>, else null; disposed with this object.</summary>
    public ExecTerminal? Terminal { get; }

    /// <summary>
    /// Both output streams as lines, read on the calling thread until both end (use this or the streams, not both).
    /// Cancelling throws OperationCanceledException between reads; <see cref="Dispose"/> then kills the process.
    /// </summary>
    public IEnumerable<ExecOutputLine> ReadOutputLines(CancellationToken cancellation = default) => _output?.ReadLines(cancellation) ?? [];

    /// <summary>Blocks until the process ends and reaps it; the shell's exit code (128 + signal when killed).</summary>
    public int WaitForExit()
    {
        // Reaped once, whichever thread comes first (a session's exit watcher, the caller, Dispose).
        lock (_waitGate) _exit ??= ProcessWait.Wait(Pid);
        return _exit.Value.ShellCode;
    }

    /// <summary>
    /// With <see cref="ExecOptions.Tty"/>: once the process exits (a background thread reaps it), its terminal ends
    /// after the last output, although a background job of it may still hold the pty.
    /// </summary>
    public void EndTerminalOnExit()
    {
        var terminal = Terminal ?? throw new InvalidOperationException("The process has no terminal.");
        new Thread(() =>
        {
            WaitForExit();
            terminal.EndAfterDrain();
        }) { IsBackground = true, Name = $"ContainerTools exec {Pid} exit" }.Start();
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
        Terminal?.Dispose();
        if (_exit is not null) return;
        try { Signals.Send(Pid, Signals.SigKill); } catch (SystemCallException) { }
        WaitForExit();
    }

    private static FileStream Wrap(int fd, FileAccess access) => new(new SafeFileHandle(fd, ownsHandle: true), access, bufferSize: 0);
}

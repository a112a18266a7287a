namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>What to run inside a running container; nulls take the container's own settings (docker exec's defaults).</summary>
public sealed record ExecOptions
{
    /// <summary>argv; the program is looked up in the container's PATH.</summary>
    public required IReadOnlyList<string> Command { get; init; }
    /// <summary>"uid", "uid:gid", "name" or "name:group" (the image's /etc/passwd and /etc/group); null: the container's user.</summary>
    public string? User { get; init; }
    /// <summary>An existing absolute directory in the container; null: the container's working directory.</summary>
    public string? WorkingDirectory { get; init; }
    /// <summary>KEY=VALUE entries added to (or replacing by key) the container's environment.</summary>
    public IReadOnlyList<string>? Environment { get; init; }
    /// <summary>Give the process a pipe as stdin (<see cref="ExecProcess.StandardInput"/>); otherwise it reads /dev/null.</summary>
    public bool OpenStandardInput { get; init; }
    /// <summary>
    /// Run on a pty made inside the container (docker exec -t): stdin, stdout and stderr are its slave, the process's
    /// controlling terminal; <see cref="ExecProcess.Terminal"/> is the master. TERM defaults to xterm.
    /// </summary>
    public bool Tty { get; init; }
    /// <summary>The pty's initial window size (with <see cref="Tty"/>); null: 80x24.</summary>
    public OciRuntime.Launch.TerminalSize? TerminalSize { get; init; }
}

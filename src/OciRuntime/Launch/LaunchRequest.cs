namespace ContainerTools.OciRuntime.Launch;

/// <summary>Everything the launcher needs to turn a bundle into a running container process.</summary>
public sealed record LaunchRequest
{
    /// <summary>Directory holding config.json and (usually) rootfs, prepared by the caller (overlay already mounted).</summary>
    public required string BundlePath { get; init; }

    /// <summary>The bundle's config.json as the caller has already read it (ctrun); null: the launcher reads it.</summary>
    public Spec.RuntimeSpec? Spec { get; init; }

    /// <summary>
    /// Hand ctinit <see cref="Spec"/> over its gate (<see cref="InitProtocol.SpecFollows"/>) instead of letting it read
    /// BundlePath/config.json, so that nothing is written for it (an exec's spec; BundlePath then only has to hold the
    /// container's seccomp.bpf). Needs <see cref="Spec"/> and <see cref="JoinExisting"/>, and no user namespace stage,
    /// which opens config.json before ctinit's Main.
    /// </summary>
    public bool SpecOnGate { get; init; }

    /// <summary>The container process's stdio. The launcher dups them; the caller keeps and closes its own fds.</summary>
    public required int StdinFd { get; init; }
    public required int StdoutFd { get; init; }
    public required int StderrFd { get; init; }

    /// <summary>
    /// Files ctinit writes "0" to, joining the container's cgroup before it unshares its cgroup namespace
    /// (<see cref="Cgroups.Cgroup.JoinFiles"/>: one per v1 hierarchy, or one for v2).
    /// </summary>
    public IReadOnlyList<string> CgroupJoinFiles { get; init; } = [];

    /// <summary>
    /// Run the spec's process inside a running container instead of starting a new one: every namespace in the spec
    /// is given by path (/proc/PID/ns/*) and ctinit skips the root filesystem (the mount namespace has it).
    /// </summary>
    public bool JoinExisting { get; init; }

    /// <summary>
    /// Give the process a pty made inside the container, in its own devpts (runc's console socket): ctinit makes the
    /// slave its stdio and controlling terminal, and the master comes back as <see cref="LaunchedContainer.TerminalMaster"/>
    /// with this window size. The Std*Fd are then only what ctinit holds until it swaps them (/dev/null will do).
    /// </summary>
    public TerminalSize? Terminal { get; init; }

    /// <summary>
    /// The gate ctinit waits on before execve, when the caller does not stay to open it (runc's exec.fifo: ctrun create
    /// passes a FIFO opened read-write, ctrun start writes <see cref="InitProtocol.Go"/> into it). The caller keeps and
    /// closes its own fd; the returned container is then started through the gate, not
    /// <see cref="CreatedContainer.Start"/>, and let go with <see cref="CreatedContainer.Release"/>. -1: the launcher's own pipe.
    /// </summary>
    public int StartGateFd { get; init; } = -1;

    /// <summary>Path of ctinit; null: $CONTAINERTOOLS_INIT, else next to ContainerTools.Runtime.dll, else next to the app.</summary>
    public string? InitPath { get; init; }
}

/// <summary>
/// A container whose process has exec'd the spec's program. The caller owns it: it waits for (reaps) <see cref="Pid"/>,
/// which is the container's PID 1 as the host sees it.
/// </summary>
public sealed record LaunchedContainer(int Pid)
{
    /// <summary>The master of the container's pty (close-on-exec; the caller owns and closes it) when <see cref="LaunchRequest.Terminal"/> was given, else -1.</summary>
    public int TerminalMaster { get; init; } = -1;
}

/// <summary>A terminal window size in character cells.</summary>
public readonly record struct TerminalSize(ushort Columns, ushort Rows)
{
    /// <summary>docker's size for a terminal nobody has sized yet.</summary>
    public static TerminalSize Default => new(80, 24);
}

using System.Buffers.Binary;
using System.Text;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// The contract between the launcher and ctinit (this file is compiled into both).
/// argv: <c>ctinit BUNDLE [--exec] [--console-socket] [--cgroup-join FILE]...</c>; with <see cref="ExecOption"/> ctinit joins a running
/// container (its mount and cgroup namespaces given by path in the spec) instead of building a root filesystem. fds: 0-2 the container's stdio; 3 the write end of the report
/// pipe (ctinit to launcher); 4 the read end of the start gate (launcher to ctinit); with <see cref="ConsoleSocketOption"/>,
/// 5 a SOCK_SEQPACKET socket: ctinit opens a pty in the container's /dev/pts, makes the slave its stdio and controlling
/// terminal, and sends the master over it (SCM_RIGHTS) before it reports ready (runc's console socket).
/// ctinit sets the container up, writes <see cref="Ready"/>, and blocks on the gate. One byte on the gate lets it
/// execve; end-of-file on the gate (the launcher gave up) makes it exit. ctinit marks every fd above 2 close-on-exec,
/// so a successful execve shows the launcher end-of-file on the report pipe; a failure at any point writes
/// <see cref="Failed"/>, errno (int32 LE) and a UTF-8 message, then ctinit exits with <see cref="SetupFailedExitCode"/>.
/// With <see cref="AwaitBundleOption"/> (a ctinit spawned before its bundle was written: EarlyJoin, EarlyCreate) ctinit
/// first waits on the gate for <see cref="BundleWritten"/> and reads nothing before it; end-of-file there makes it exit 0.
/// Without <see cref="ExecOption"/> (EarlyCreate: born in its new pid namespace only) <see cref="CreateGo"/> follows the
/// byte: the namespaces to enter and the cgroup files to join, which are then not arguments.
/// Instead of <see cref="BundleWritten"/> a joining ctinit's launcher may send <see cref="SpecFollows"/> and the spec
/// itself on the gate (<see cref="EncodeSpec"/>, its seccomp section's text beside it): ctinit then reads config.json from
/// there, and the bundle directory only for what else it holds (seccomp.bpf). An exec's spec travels this way: nothing
/// is written to disk for it.
/// </summary>
public static class InitProtocol
{
    public const int ReportFd = 3;
    public const int GateFd = 4;
    public const int ConsoleSocketFd = 5;
    /// <summary>With a user namespace: the stage's socket to the launcher (UserNamespaceStage), and config.json, which the stage opens while it is still the host's root.</summary>
    public const int UserNamespaceSyncFd = 6;
    public const int SpecFd = 7;
    public const string ConsoleSocketOption = "--console-socket";
    public const string CgroupJoinOption = "--cgroup-join";
    public const string ExecOption = "--exec";
    public const string AwaitBundleOption = "--await-bundle";
    public const byte Ready = (byte)'R';
    public const byte Failed = (byte)'E';
    public const byte Go = (byte)'G';
    public const byte BundleWritten = (byte)'B';
    public const byte SpecFollows = (byte)'S';
    /// <summary>The largest spec <see cref="SpecFollows"/> may carry; a config.json is tens of kilobytes.</summary>
    public const int MaxSpecBytes = 16 * 1024 * 1024;
    /// <summary>ctinit's exit code when it failed before execve.</summary>
    public const int SetupFailedExitCode = 127;

    public static IReadOnlyList<string> Arguments(string initPath, string bundlePath, IReadOnlyList<string> cgroupJoinFiles, bool exec = false, bool consoleSocket = false)
    {
        var argv = new List<string> { initPath, bundlePath };
        if (exec) argv.Add(ExecOption);
        if (consoleSocket) argv.Add(ConsoleSocketOption);
        foreach (var file in cgroupJoinFiles)
        {
            argv.Add(CgroupJoinOption);
            argv.Add(file);
        }
        return argv;
    }

    /// <summary>
    /// <see cref="SpecFollows"/>, the spec's length (int32 LE) and its UTF-8 JSON, then the length of linux.seccomp's
    /// text (0: none) and that text: one write on the gate. The text is the section exactly as the container's
    /// config.json has it (<see cref="Spec.SeccompSpec.Source"/>), sent beside a spec whose own section has no rules, so
    /// that ctinit matches it against the precompiled program without parsing its rules (they are parsed only when the
    /// program does not match).
    /// </summary>
    public static byte[] EncodeSpec(ReadOnlySpan<byte> json, ReadOnlySpan<byte> seccompSource = default)
    {
        var message = new byte[9 + json.Length + seccompSource.Length];
        message[0] = SpecFollows;
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(1), json.Length);
        json.CopyTo(message.AsSpan(5));
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(5 + json.Length), seccompSource.Length);
        seccompSource.CopyTo(message.AsSpan(9 + json.Length));
        return message;
    }

    /// <summary>A length <see cref="EncodeSpec"/> wrote (the spec's, the seccomp text's), or -1 when it is out of range.</summary>
    public static int DecodeSpecLength(ReadOnlySpan<byte> header) =>
        BinaryPrimitives.ReadInt32LittleEndian(header) is var length and >= 0 and <= MaxSpecBytes ? length : -1;

    public static byte[] EncodeFailure(int errno, string message)
    {
        var text = Encoding.UTF8.GetBytes(message);
        var report = new byte[5 + text.Length];
        report[0] = Failed;
        BinaryPrimitives.WriteInt32LittleEndian(report.AsSpan(1), errno);
        text.CopyTo(report, 5);
        return report;
    }

    /// <summary>Decodes what followed <see cref="Failed"/>.</summary>
    public static (int Errno, string Message) DecodeFailure(ReadOnlySpan<byte> afterTag) =>
        afterTag.Length < 4
            ? (0, "ctinit sent a truncated failure report")
            : (BinaryPrimitives.ReadInt32LittleEndian(afterTag), Encoding.UTF8.GetString(afterTag[4..]));
}

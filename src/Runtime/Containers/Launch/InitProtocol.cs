using System.Buffers.Binary;
using System.Text;

namespace ContainerTools.Runtime.Containers.Launch;

/// <summary>
/// The contract between the launcher and ctinit (this file is compiled into both):
/// argv is <c>ctinit BUNDLE [--cgroup-procs FILE]...</c>; fd 0-2 are the container's stdio; fd 3 is the write end
/// of the launcher's report pipe. ctinit marks fd 3 close-on-exec, so a successful execve closes it (the launcher
/// reads end-of-file); a failure before that writes one report (errno, then a UTF-8 message) and exits.
/// </summary>
public static class InitProtocol
{
    public const int ReportFd = 3;
    public const string CgroupProcsOption = "--cgroup-procs";
    /// <summary>ctinit's exit code when it failed before execve.</summary>
    public const int SetupFailedExitCode = 127;

    public static IReadOnlyList<string> Arguments(string initPath, string bundlePath, IReadOnlyList<string> cgroupProcsFiles)
    {
        var argv = new List<string> { initPath, bundlePath };
        foreach (var file in cgroupProcsFiles)
        {
            argv.Add(CgroupProcsOption);
            argv.Add(file);
        }
        return argv;
    }

    public static byte[] EncodeFailure(int errno, string message)
    {
        var text = Encoding.UTF8.GetBytes(message);
        var report = new byte[4 + text.Length];
        BinaryPrimitives.WriteInt32LittleEndian(report, errno);
        text.CopyTo(report, 4);
        return report;
    }

    /// <summary>Null for an empty report (execve succeeded).</summary>
    public static (int Errno, string Message)? DecodeFailure(ReadOnlySpan<byte> report)
    {
        if (report.Length == 0) return null;
        if (report.Length < 4) return (0, "ctinit sent a truncated failure report");
        return (BinaryPrimitives.ReadInt32LittleEndian(report), Encoding.UTF8.GetString(report[4..]));
    }
}

using System.Runtime.InteropServices;

namespace ContainerTools.Ctrun;

/// <summary>Signal names and numbers as `kill` accepts them (x86-64 and arm64 numbering): "KILL", "SIGKILL", "9", "RTMIN+3".</summary>
internal static class SignalNames
{
    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM",
        "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH",
        "IO", "PWR", "SYS",
    ];
    private const int RtMin = 34, RtMax = 64;

    public static int Parse(string text)
    {
        if (int.TryParse(text, out var number))
            return number is > 0 and <= RtMax ? number : throw new CtrunError($"invalid signal: {text}");
        var name = text.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal)) name = name[3..];
        var index = Array.IndexOf(Names, name);
        if (index > 0) return index;
        if (name == "IOT") return 6;
        if (name == "CLD") return 17;
        if (name == "POLL") return 29;
        if (name.StartsWith("RTMIN", StringComparison.Ordinal) && Offset(name[5..]) is { } up && RtMin + up <= RtMax) return RtMin + up;
        if (name.StartsWith("RTMAX", StringComparison.Ordinal) && Offset(name[5..]) is { } down && RtMax + down >= RtMin) return RtMax + down;
        throw new CtrunError($"unknown signal \"{text}\"");
    }

    private static int? Offset(string text) => text.Length == 0 ? 0 : int.TryParse(text, out var n) ? n : null;

    public static int Number(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ => (int)signal,
    };
}

using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Containers;

/// <summary>Signal names as Docker accepts them: "SIGTERM", "TERM" or "15".</summary>
public static class SignalNames
{
    private static readonly Dictionary<string, int> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7,
        ["FPE"] = 8, ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14,
        ["TERM"] = 15, ["STKFLT"] = 16, ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21,
        ["TTOU"] = 22, ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28,
        ["IO"] = 29, ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31,
    };

    /// <summary>Throws InvalidArgument ("InvalidSignal") for anything else.</summary>
    public static int Parse(string signal)
    {
        var s = signal.Trim();
        if (int.TryParse(s, out var number) && number > 0 && number < 65) return number;
        if (s.StartsWith("SIG", StringComparison.OrdinalIgnoreCase)) s = s.Substring(3);
        if (ByName.TryGetValue(s, out number)) return number;
        throw new ContainerToolsException(ErrorIds.InvalidSignal, $"'{signal}' is not a signal name or number.", signal);
    }
}

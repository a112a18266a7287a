namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// Reads /proc/PID/stat. The start time (field 22, clock ticks since boot) tells a live process from a new one
/// that reused its pid.
/// </summary>
public static class ProcStat
{
    /// <summary>The process's start time, or null when it no longer exists (or is a zombie, which is as good as gone).</summary>
    public static long? StartTime(int pid, string procRoot = "/proc")
    {
        string text;
        try
        {
            text = File.ReadAllText($"{procRoot}/{pid}/stat");
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // comm (field 2) may hold spaces and parentheses: everything after the last ')' is fixed-format.
        var close = text.LastIndexOf(')');
        if (close < 0) return null;
        var fields = text.Substring(close + 2).Split(' ');
        // fields[0] is field 3 (state); field 22 is fields[19].
        if (fields.Length < 20) return null;
        if (fields[0] is "Z" or "X") return null;
        return long.TryParse(fields[19], out var start) ? start : null;
    }

    /// <summary>True when pid is alive and is the same process that had <paramref name="startTime"/>.</summary>
    public static bool IsSameProcessAlive(int pid, long startTime) => pid > 0 && StartTime(pid) == startTime;

    public static int? ParentPid(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text.Substring(text.LastIndexOf(')') + 2).Split(' ');
            return int.Parse(fields[1]);
        }
        catch (IOException) { return null; }
    }
}

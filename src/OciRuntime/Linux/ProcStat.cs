namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// Reads /proc/PID/stat. The start time (field 22, clock ticks since boot) tells a live process from a new one
/// that reused its pid. Read as bytes (no FileStream and StreamReader): every monitor reads its own at its start.
/// </summary>
public static class ProcStat
{
    /// <summary>The process's start time, or null when it no longer exists (or is a zombie, which is as good as gone).</summary>
    public static long? StartTime(int pid, string procRoot = "/proc")
    {
        byte[]? stat;
        try
        {
            stat = WholeFiles.TryRead($"{procRoot}/{pid}/stat");
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        if (stat is null) return null;
        // comm (field 2) may hold spaces and parentheses: everything after the last ')' is fixed-format.
        ReadOnlySpan<byte> fields = stat;
        var close = fields.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= fields.Length) return null;
        fields = fields[(close + 2)..];
        // The first is field 3 (state); field 22 is 19 fields on.
        if (fields[0] is (byte)'Z' or (byte)'X' && (fields.Length == 1 || fields[1] == (byte)' ')) return null;
        for (var skipped = 0; skipped < 19; skipped++)
        {
            var space = fields.IndexOf((byte)' ');
            if (space < 0) return null;
            fields = fields[(space + 1)..];
        }
        var end = fields.IndexOfAny((byte)' ', (byte)'\n');
        return long.TryParse(end < 0 ? fields : fields[..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var start)
            ? start
            : null;
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

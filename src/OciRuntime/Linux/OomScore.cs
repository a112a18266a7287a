namespace ContainerTools.OciRuntime.Linux;

/// <summary>The OOM killer's preference for a process (-1000 never .. 1000 first); lowering it needs CAP_SYS_RESOURCE.</summary>
public static class OomScore
{
    public static void SetOwn(int adjustment)
    {
        try { File.WriteAllText("/proc/self/oom_score_adj", adjustment.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SystemCallException("write /proc/self/oom_score_adj", 13, $"{adjustment}: {ex.Message}");
        }
    }
}

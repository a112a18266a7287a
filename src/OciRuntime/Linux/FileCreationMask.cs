namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// The process umask, read from /proc/self/status (Linux 4.7+) instead of with umask(2), which can only be read by
/// setting it and would race with every other thread creating files meanwhile.
/// </summary>
internal static class FileCreationMask
{
    /// <summary>The umask bits; all of 0777 when it cannot be read, so callers that trust it to keep bits never do.</summary>
    public static uint Current()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Umask:", StringComparison.Ordinal))
                {
                    return Convert.ToUInt32(line["Umask:".Length..].Trim(), 8) & 0b111_111_111;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return 0b111_111_111;
    }
}

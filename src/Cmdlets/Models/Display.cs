namespace ContainerTools;

/// <summary>The human forms `docker images` prints; the format file's script blocks call these.</summary>
public static class Display
{
    /// <summary>"5 minutes ago", "3 days ago", "N/A": short enough for an 80-column table.</summary>
    public static string Since(DateTime? when)
    {
        if (when is null)
        {
            return "N/A";
        }
        var age = DateTime.Now - when.Value;
        if (age < TimeSpan.Zero)
        {
            return "in the future";
        }
        return age.TotalSeconds < 60 ? Plural(Math.Max(1, (int)age.TotalSeconds), "second")
            : age.TotalMinutes < 60 ? Plural((int)age.TotalMinutes, "minute")
            : age.TotalHours < 48 ? Plural((int)age.TotalHours, "hour")
            : age.TotalDays < 14 ? Plural((int)age.TotalDays, "day")
            : age.TotalDays < 60 ? Plural((int)(age.TotalDays / 7), "week")
            : age.TotalDays < 730 ? Plural((int)(age.TotalDays / 30), "month")
            : Plural((int)(age.TotalDays / 365), "year");
    }

    /// <summary>Decimal units as Docker prints them: 4.26MB, 512B, 1.2GB.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? $"{bytes}B" : value.ToString(value < 10 ? "0.##" : value < 100 ? "0.#" : "0", System.Globalization.CultureInfo.InvariantCulture) + units[unit];
    }

    private static string Plural(int n, string unit) => n == 1 ? (unit == "hour" ? "An hour ago" : $"1 {unit} ago") : $"{n} {unit}s ago";
}

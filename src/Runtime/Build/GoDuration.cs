using System.Globalization;
using System.Text.RegularExpressions;

namespace ContainerTools.Runtime.Build;

/// <summary>Go's time.ParseDuration for HEALTHCHECK flags ("30s", "1m30s", "1.5h", "500ms"), in nanoseconds.</summary>
public static partial class GoDuration
{
    [GeneratedRegex(@"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();

    public static bool TryParse(string text, out long nanoseconds)
    {
        nanoseconds = 0;
        if (text == "0")
        {
            return true;
        }
        var position = 0;
        double total = 0;
        foreach (Match match in Part().Matches(text))
        {
            if (match.Index != position)
            {
                return false;
            }
            position += match.Length;
            var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            total += value * match.Groups[2].Value switch
            {
                "ns" => 1,
                "us" or "µs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                _ => 3600e9,
            };
        }
        if (position != text.Length || position == 0)
        {
            return false;
        }
        nanoseconds = (long)total;
        return true;
    }
}

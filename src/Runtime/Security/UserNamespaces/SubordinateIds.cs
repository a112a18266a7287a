using System.Globalization;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Security.UserNamespaces;

/// <summary>
/// The host ids -UserNamespace auto hands out: the ranges /etc/subuid and /etc/subgid give the user "containers" (as
/// Podman's --userns=auto), else Podman's suggested range for that user (2147483647 onwards, 2147483648 ids), which no
/// login user's allotment (useradd's from 100000) comes near.
/// </summary>
public static class SubordinateIds
{
    public const string User = "containers";
    public static readonly (uint Start, uint Count) DefaultRange = (2147483647u, 2147483648u);

    public static IReadOnlyList<(uint Start, uint Count)> Ranges(string file)
    {
        var ranges = new List<(uint, uint)>();
        if (File.Exists(file))
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split(':');
                if (fields.Length == 3 && fields[0] == User
                    && uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                    && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
                {
                    ranges.Add((start, count));
                }
            }
        }
        return ranges.Count > 0 ? ranges : [DefaultRange];
    }

    /// <summary>
    /// The lowest <paramref name="size"/> ids of <paramref name="ranges"/> that no mapping in <paramref name="taken"/> uses
    /// on the host side; null when none is left.
    /// </summary>
    public static uint? FirstFree(IReadOnlyList<(uint Start, uint Count)> ranges, IEnumerable<IdMappingSpec> taken, uint size)
    {
        var used = taken.Select(m => ((ulong)m.HostId, (ulong)m.HostId + m.Size)).OrderBy(u => u.Item1).ToList();
        foreach (var (start, count) in ranges)
        {
            ulong candidate = start, end = (ulong)start + count;
            foreach (var (from, to) in used)
            {
                if (to <= candidate) continue;
                if (from >= candidate + size) break;
                candidate = to;
            }
            if (candidate + size <= end && candidate + size <= uint.MaxValue) return (uint)candidate;
        }
        return null;
    }
}

using System.Globalization;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>Parses the block I/O byte counters of both cgroup versions, summed over devices.</summary>
public static class BlockIoText
{
    /// <summary>v1 blkio.*io_service_bytes*: "MAJ:MIN Read N", "MAJ:MIN Write N", ..., "Total N".</summary>
    public static BlockIoStats ParseV1(string text)
    {
        long read = 0, write = 0;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3 || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) continue;
            if (fields[1] == "Read") read += value;
            else if (fields[1] == "Write") write += value;
        }
        return new BlockIoStats(read, write);
    }

    /// <summary>v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device.</summary>
    public static BlockIoStats ParseV2(string text)
    {
        long read = 0, write = 0;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                var eq = field.IndexOf('=');
                if (eq < 0 || !long.TryParse(field.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value)) continue;
                switch (field.AsSpan(0, eq))
                {
                    case "rbytes": read += value; break;
                    case "wbytes": write += value; break;
                }
            }
        }
        return new BlockIoStats(read, write);
    }
}

using System.Globalization;
using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Ctrun.Commands;

/// <summary>
/// update: a running container's memory, cpu and pids limits, from options or from --resources FILE (a
/// linux.resources document, "-" for stdin). Options for limits ctrun does not set yet are refused by name.
/// </summary>
internal static class UpdateCommand
{
    private static readonly OptionSet Options = new(
        "resources|r=", "memory=", "cpu-quota=", "cpu-period=", "pids-limit=",
        "memory-swap=", "memory-reservation=", "kernel-memory=", "kernel-memory-tcp=", "cpu-shares=", "cpu-rt-period=",
        "cpu-rt-runtime=", "cpuset-cpus=", "cpuset-mems=", "blkio-weight=", "l3-cache-schema=", "mem-bw-schema=");

    private static readonly string[] Unsupported =
    [
        "memory-swap", "memory-reservation", "kernel-memory", "kernel-memory-tcp", "cpu-shares", "cpu-rt-period",
        "cpu-rt-runtime", "cpuset-cpus", "cpuset-mems", "blkio-weight", "l3-cache-schema", "mem-bw-schema",
    ];

    public static int Run(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, Options, out _, stopAtFirstPositional: false);
        var directory = context.Container(LifecycleCommands.SingleId("update", line));
        var record = directory.Load();
        if (directory.Status(record) == ContainerStatus.Stopped) throw new CtrunError("container not running");
        foreach (var name in Unsupported)
            if (line.Value(name) is not null) throw new CtrunError($"--{name} is not supported by ctrun update yet (memory, cpu-quota, cpu-period and pids-limit are)");

        ResourcesSpec resources;
        if (line.Value("resources") is { } file)
        {
            var json = file == "-" ? Console.In.ReadToEnd() : File.ReadAllText(file);
            try { resources = RuntimeSpecReader.Read(System.Text.Encoding.UTF8.GetBytes($"{{\"linux\":{{\"resources\":{json}}}}}")).Linux.Resources ?? new ResourcesSpec(); }
            catch (RuntimeSpecFieldNotSupportedException ex) { throw new CtrunError($"{file}: {ex.Message}"); }
            catch (JsonException ex) { throw new CtrunError($"{file}: {ex.Message}"); }
        }
        else
        {
            resources = new ResourcesSpec
            {
                Memory = line.Value("memory") is { } memory ? new MemoryResources { Limit = Bytes(memory) } : null,
                Cpu = line.Value("cpu-quota") is not null || line.Value("cpu-period") is not null
                    ? new CpuResources
                    {
                        Quota = line.Value("cpu-quota") is { } quota ? long.Parse(quota, CultureInfo.InvariantCulture) : null,
                        Period = line.Value("cpu-period") is { } period ? ulong.Parse(period, CultureInfo.InvariantCulture) : null,
                    }
                    : null,
                Pids = line.Value("pids-limit") is { } pids ? new PidsResources { Limit = long.Parse(pids, CultureInfo.InvariantCulture) } : null,
            };
        }
        SpecResources.Apply(Cgroup.Open(record.Cgroup ?? throw new CtrunError("the container has no cgroup")), resources);
        return 0;
    }

    /// <summary>docker's RAM sizes: a number with an optional b, k, m, g, t suffix (powers of 1024); -1 is unlimited.</summary>
    private static long Bytes(string text)
    {
        var lower = text.Trim().ToLowerInvariant().TrimEnd('b');
        long unit = 1;
        if (lower.Length > 0 && "kmgt".IndexOf(lower[^1]) is var index and >= 0)
        {
            unit = 1L << (10 * (index + 1));
            lower = lower[..^1];
        }
        return long.TryParse(lower, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value * unit : throw new CtrunError($"invalid value \"{text}\" for flag --memory");
    }
}

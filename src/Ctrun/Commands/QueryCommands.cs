using System.Diagnostics;
using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;

namespace ContainerTools.Ctrun.Commands;

/// <summary>state, list, ps, features and events: reads, with no side effects.</summary>
internal static class QueryCommands
{

    public static int State(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, new OptionSet(), out _, stopAtFirstPositional: false);
        var directory = context.Container(LifecycleCommands.SingleId("state", line));
        var document = directory.Describe(directory.Load());
        Console.Out.Write(JsonSerializer.Serialize(document, CtrunJsonContext.Default.ContainerStateDocument) + "\n");
        return 0;
    }

    public static int List(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, new OptionSet("format|f=", "quiet|q"), out _, stopAtFirstPositional: false);
        var documents = new List<ContainerStateDocument>();
        if (Directory.Exists(context.Root))
        {
            foreach (var path in Directory.GetDirectories(context.Root).Order(StringComparer.Ordinal))
            {
                var id = Path.GetFileName(path);
                ContainerDirectory directory;
                try { directory = context.Container(id); } catch (CtrunError) { continue; }
                if (!directory.Exists) continue;
                try { documents.Add(directory.Describe(directory.Load())); }
                catch (CtrunError) { }
            }
        }
        if (line.Flag("quiet"))
        {
            foreach (var document in documents) Console.WriteLine(document.Id);
            return 0;
        }
        switch (line.Value("format") ?? "table")
        {
            case "json":
                Console.Out.Write(JsonSerializer.Serialize(documents, CtrunJsonContext.Compact.ListContainerStateDocument) + "\n");
                return 0;
            case "table":
                var rows = new List<string[]> { new[] { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" } };
                rows.AddRange(documents.Select(d => new[] { d.Id, d.Pid.ToString(), d.Status, d.Bundle, d.Created, d.Owner.Length == 0 ? "root" : d.Owner }));
                var widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
                foreach (var row in rows)
                    Console.WriteLine(string.Join("   ", row.Select((cell, c) => c == 5 ? cell : cell.PadRight(widths[c]))));
                return 0;
            default:
                throw new CtrunError($"invalid format option");
        }
    }

    public static int Ps(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, new OptionSet("format|f="), out var end, stopAtFirstPositional: true);
        if (end >= args.Length) throw new CtrunError("\"ps\" requires a minimum of 1 argument");
        var directory = context.Container(args[end]);
        var record = directory.Load();
        var pids = record.Cgroup is { } handle && directory.Status(record) != ContainerStatus.Stopped
            ? Cgroup.Open(handle).Pids().Order().ToList() : new List<int>();
        var format = line.Value("format") ?? "table";
        if (format == "json")
        {
            Console.Out.Write($"[{string.Join(",", pids)}]\n");
            return 0;
        }
        if (format != "table") throw new CtrunError($"invalid format option");
        var psArgs = end + 1 < args.Length ? args[(end + 1)..] : ["-ef"];
        var start = new ProcessStartInfo("ps") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in psArgs) start.ArgumentList.Add(arg);
        using var ps = Process.Start(start) ?? throw new CtrunError("could not run ps");
        var lines = ps.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ps.WaitForExit();
        if (ps.ExitCode != 0) throw new CtrunError($"ps exited with status {ps.ExitCode}");
        if (lines.Length == 0) return 0;
        var pidColumn = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "PID");
        if (pidColumn < 0) throw new CtrunError("couldn't find PID field in ps output");
        Console.WriteLine(lines[0]);
        var wanted = pids.ToHashSet();
        foreach (var row in lines.Skip(1))
        {
            var fields = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > pidColumn && int.TryParse(fields[pidColumn], out var pid) && wanted.Contains(pid)) Console.WriteLine(row);
        }
        return 0;
    }

    public static int Features(string[] args)
    {
        CommandLine.Parse(args, 0, new OptionSet(), out _, stopAtFirstPositional: false);
        Console.Out.Write(FeaturesDocument.Json);
        return 0;
    }

    /// <summary>events --stats: one statistics record; without --stats, one every --interval until the container stops.</summary>
    public static int Events(CommandContext context, string[] args)
    {
        var line = CommandLine.Parse(args, 0, new OptionSet("stats", "interval="), out _, stopAtFirstPositional: false);
        var directory = context.Container(LifecycleCommands.SingleId("events", line));
        var record = directory.Load();
        if (directory.Status(record) == ContainerStatus.Stopped) throw new CtrunError($"container with id {record.Id} is not running");
        var interval = ParseInterval(line.Value("interval") ?? "5s");
        while (true)
        {
            Console.Out.Write(StatsJson(record) + "\n");
            Console.Out.Flush();
            if (line.Flag("stats")) return 0;
            Thread.Sleep(interval);
            if (directory.Status(record) == ContainerStatus.Stopped) return 0;
        }
    }

    private static TimeSpan ParseInterval(string text)
    {
        if (text.EndsWith("ms") && double.TryParse(text[..^2], out var ms)) return TimeSpan.FromMilliseconds(ms);
        if (text.EndsWith('s') && double.TryParse(text[..^1], out var s)) return TimeSpan.FromSeconds(s);
        if (text.EndsWith('m') && double.TryParse(text[..^1], out var m)) return TimeSpan.FromMinutes(m);
        throw new CtrunError($"invalid value \"{text}\" for flag -interval: parse error");
    }

    /// <summary>runc's stats event: {"type":"stats","id":...,"data":{"cpu":{"usage":{"total"}},"memory":{"usage":{"usage","limit"}},"pids":{"current"}}}.</summary>
    private static string StatsJson(ContainerRecord record)
    {
        var stats = record.Cgroup is { } handle ? Cgroup.Open(handle).ReadStats() : new CgroupStats(null, null, null, null);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "stats");
            writer.WriteString("id", record.Id);
            writer.WriteStartObject("data");
            writer.WriteStartObject("cpu");
            writer.WriteStartObject("usage");
            writer.WriteNumber("total", stats.CpuUsageNanoseconds ?? 0);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("memory");
            writer.WriteStartObject("usage");
            writer.WriteNumber("usage", stats.MemoryUsageBytes ?? 0);
            writer.WriteNumber("limit", stats.MemoryLimitBytes ?? 0);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("pids");
            writer.WriteNumber("current", stats.PidsCurrent ?? 0);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}

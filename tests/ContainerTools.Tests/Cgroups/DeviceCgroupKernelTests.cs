using System.Diagnostics;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Cgroups;

/// <summary>
/// The device rules in the real kernel, beneath this process's own cgroups: the BPF program in a cgroup2 directory (on
/// a v1 hybrid host the cgroup2 mount at /sys/fs/cgroup/unified, which has no controllers but runs device programs all
/// the same), and the v1 devices controller.
/// </summary>
public sealed class DeviceCgroupKernelTests : IDisposable
{
    private readonly string _nodes = Directory.CreateTempSubdirectory("ct-devnodes-").FullName;
    private readonly List<Cgroup> _cgroups = new();

    public void Dispose()
    {
        foreach (var cgroup in _cgroups)
        {
            try { cgroup.KillAll(); cgroup.Delete(); } catch (Exception) { }
        }
        Directory.Delete(_nodes, recursive: true);
    }

    private Cgroup NewCgroup(CgroupHost? host = null)
    {
        var cgroup = Cgroup.Create("ct-dev-" + Guid.NewGuid().ToString("N")[..12], host);
        _cgroups.Add(cgroup);
        return cgroup;
    }

    private static CgroupHost UnifiedHost() => new(
        CgroupHost.Default.Version == CgroupVersion.V2 ? CgroupHost.DefaultRoot : Path.Combine(CgroupHost.DefaultRoot, "unified"),
        version: CgroupVersion.V2);

    /// <summary>
    /// A busybox shell that waits until this process has moved it into <paramref name="cgroupProcs"/> (none: it stays
    /// where it is), then makes a block node (loop0) and a char node (kmsg) and opens them and some standard nodes.
    /// </summary>
    private Dictionary<string, string> Probe(string? cgroupProcs)
    {
        var script = $"""
            read go
            cat /proc/self/cgroup | grep '^0::' | sed 's/^/cgroup=/'
            mknod {_nodes}/block b 7 0; echo mknod=$?
            mknod {_nodes}/char c 1 11
            true < {_nodes}/block; echo block=$?
            true < {_nodes}/char; echo char=$?
            true > /dev/null; echo null=$?
            echo zero=$(head -c 4 /dev/zero | wc -c)
            rm -f {_nodes}/block {_nodes}/char
            """;
        var psi = new ProcessStartInfo("/bin/busybox") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "sh", "-c", script }) psi.ArgumentList.Add(argument);
        using var process = Process.Start(psi)!;
        if (cgroupProcs is not null) File.WriteAllText(cgroupProcs, process.Id.ToString());
        process.StandardInput.WriteLine("go");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        var result = lines.Where(l => l.Contains('=')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        result["stderr"] = stderr.Result;
        return result;
    }

    [Fact]
    public void TheBpfProgramLetsAMadeNodeBeMadeButNotOpened()
    {
        var cgroup = NewCgroup(UnifiedHost());
        var directory = cgroup.Handle.Directories[""];

        cgroup.ApplyDeviceRules(RuntimeSpecDefaults.DeviceRules);

        var fd = FileDescriptors.OpenDirectory(directory);
        try { Assert.Equal(1, Bpf.CountCgroupDevicePrograms(fd)); }
        finally { FileDescriptors.Close(fd); }
        // The same probe outside opens both nodes: what the program refuses is refused because of it.
        var outside = Probe(null);
        Assert.Equal(("0", "0", "0"), (outside["mknod"], outside["block"], outside["char"]));

        var inside = Probe(Path.Combine(directory, "cgroup.procs"));

        Assert.EndsWith("/" + Path.GetFileName(directory), inside["cgroup"]);
        Assert.Equal("0", inside["mknod"]);
        Assert.Equal("1", inside["block"]);
        Assert.Equal("1", inside["char"]);
        Assert.Equal(2, inside["stderr"].Split("Operation not permitted").Length - 1);
        Assert.Equal("0", inside["null"]);
        Assert.Equal("4", inside["zero"]);

        cgroup.Delete();
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void ARuleSetThatRefusesNothingAttachesNoProgram()
    {
        var cgroup = NewCgroup(UnifiedHost());

        cgroup.ApplyDeviceRules(RuntimeSpecDefaults.PrivilegedDeviceRules);

        var fd = FileDescriptors.OpenDirectory(cgroup.Handle.Directories[""]);
        try { Assert.Equal(0, Bpf.CountCgroupDevicePrograms(fd)); }
        finally { FileDescriptors.Close(fd); }
    }

    [Fact]
    public void TheV1ControllerKeepsWhatTheRuleSetWorksOut()
    {
        // Needs the v1 devices hierarchy (this host's); a pure v2 host has none to compare with.
        if (CgroupHost.Default.Version != CgroupVersion.V1) return;
        var raw = NewCgroup().Handle.Directories["devices"];
        var applied = NewCgroup();
        var rules = new[]
        {
            (false, "a"), (true, "c 10:* rwm"), (true, "c 10:229 r"), (true, "c 10:229 w"), (false, "c 10:229 r"),
            (true, "b *:* m"), (false, "c 10:* m"), (true, "c 1:3 rwm"), (false, "c 1:3 rwm"), (true, "c 136:* rw"),
        };
        var set = new DeviceRuleSet();

        foreach (var (allow, text) in rules)
        {
            File.WriteAllText(Path.Combine(raw, allow ? "devices.allow" : "devices.deny"), text);
            set.Apply(Parse(allow, text));
        }
        applied.ApplyDeviceRules(set);

        var expected = set.Exceptions.Select(e => e.CgroupV1Text).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "b *:* m", "c 10:* rw", "c 10:229 w", "c 136:* rw" }.Order(StringComparer.Ordinal), expected);
        Assert.Equal(expected, DevicesList(raw));
        Assert.Equal(expected, DevicesList(applied.Handle.Directories["devices"]));
    }

    [Fact]
    public void TheV1ControllerGetsDockersList()
    {
        if (CgroupHost.Default.Version != CgroupVersion.V1) return;
        var cgroup = NewCgroup();

        cgroup.ApplyDeviceRules(RuntimeSpecDefaults.DeviceRules);

        string[] docker = ["c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm"];
        Assert.Equal(docker.Order(StringComparer.Ordinal), DevicesList(cgroup.Handle.Directories["devices"]));
    }

    private static List<string> DevicesList(string directory) =>
        File.ReadAllLines(Path.Combine(directory, "devices.list")).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToList();

    private static DeviceRule Parse(bool allow, string text)
    {
        if (text == "a") return new DeviceRule('a', DeviceRule.Any, DeviceRule.Any, DeviceAccess.All, allow);
        var parts = text.Split(' ', ':');
        long Number(string s) => s == "*" ? DeviceRule.Any : long.Parse(s);
        return new DeviceRule(parts[0][0], Number(parts[1]), Number(parts[2]), DeviceRule.ParseAccess(parts[3])!.Value, allow);
    }
}

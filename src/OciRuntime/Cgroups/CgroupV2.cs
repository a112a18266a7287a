using System.Globalization;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>A container cgroup in the unified (v2) hierarchy.</summary>
public sealed class CgroupV2 : Cgroup
{
    private static readonly string[] WantedControllers = ["memory", "cpu", "pids", "io"];

    internal CgroupV2(CgroupHandle handle) : base(handle) { }

    private string Dir => Handle.Directories[""];

    internal static CgroupV2 Create(CgroupHost host, string name, string? parent, bool joinExisting, IReadOnlyCollection<string> extraControllers)
    {
        var handle = new CgroupHandle { Version = CgroupVersion.V2 };
        var dir = ContainerDirectory(host, "", name, parent, parent is null ? host.ReadSelfCgroup() : []);
        // Controllers must be enabled in every ancestor's subtree_control down to our directory. In the caller's own
        // cgroup this fails while it holds processes (the no-internal-processes rule); limits then report the missing
        // controller instead of silently doing nothing.
        var first = Path.GetDirectoryName(dir)!;
        while (!Directory.Exists(first)) first = Path.GetDirectoryName(first)!;
        CreateDirectory(host.Root, dir, handle.CreatedParents, joinExisting);
        handle.Directories[""] = dir;
        foreach (var ancestor in new[] { first }.Concat(handle.CreatedParents))
        {
            EnableControllers(ancestor, extraControllers);
        }
        return new CgroupV2(handle);
    }

    private static void EnableControllers(string directory, IReadOnlyCollection<string> extraControllers)
    {
        var available = CgroupFiles.TryRead(directory, "cgroup.controllers")?.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries) ?? [];
        foreach (var controller in WantedControllers.Concat(extraControllers).Distinct().Where(available.Contains))
        {
            try { CgroupFiles.Write(directory, "cgroup.subtree_control", "+" + controller); }
            catch (ContainerToolsException) { }
        }
    }

    public override void SetLimits(CgroupLimits limits)
    {
        if (limits.MemoryBytes is { } memory)
        {
            CgroupFiles.Write(Dir, "memory.max", memory.ToString(CultureInfo.InvariantCulture));
        }
        if (limits.Cpus is { } cpus)
        {
            const long period = 100_000;
            var quota = Math.Max(1000, (long)Math.Round(cpus * period));
            CgroupFiles.Write(Dir, "cpu.max", $"{quota} {period}");
        }
        if (limits.Pids is { } pids)
        {
            CgroupFiles.Write(Dir, "pids.max", pids.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>v2 has no device files: a BPF_CGROUP_DEVICE program built from the rules, attached to the directory.</summary>
    public override void ApplyDeviceRules(DeviceRuleSet rules)
    {
        if (rules.AllowsEverything) return;
        var program = DeviceFilterProgram.Assemble(rules).Select(instruction => instruction.Encode()).ToArray();
        int directoryFd = -1, programFd = -1;
        try
        {
            directoryFd = FileDescriptors.OpenDirectory(Dir);
            programFd = Bpf.LoadCgroupDeviceProgram(program, DeviceFilterProgram.License, DeviceFilterProgram.Name);
            Bpf.AttachCgroupDeviceProgram(directoryFd, programFd);
        }
        catch (Exception ex) when (ex is SystemCallException or IOException)
        {
            throw new ContainerToolsException(ErrorIds.CgroupDeviceFilterFailed,
                $"Could not attach the device rules to the cgroup '{Dir}': {ex.Message}", Dir, ex);
        }
        finally
        {
            if (programFd >= 0) FileDescriptors.Close(programFd);
            if (directoryFd >= 0) FileDescriptors.Close(directoryFd);
        }
    }

    public override void Freeze()
    {
        CgroupFiles.Write(Dir, "cgroup.freeze", "1");
        if (!CgroupFiles.WaitUntil(() => IsFrozen, TimeSpan.FromSeconds(10)))
        {
            CgroupFiles.Write(Dir, "cgroup.freeze", "0");
            throw new ContainerToolsException(ErrorIds.CgroupFreezeFailed, "The cgroup did not freeze within 10 seconds.", Dir);
        }
    }

    public override void Thaw()
    {
        CgroupFiles.Write(Dir, "cgroup.freeze", "0");
        CgroupFiles.WaitUntil(() => !IsFrozen, TimeSpan.FromSeconds(10));
    }

    public override bool IsFrozen => CgroupFiles.TryReadKey(Dir, "cgroup.events", "frozen") == 1;

    public override CgroupStats ReadStats()
    {
        var limitText = CgroupFiles.TryRead(Dir, "memory.max")?.Trim();
        long? limit = long.TryParse(limitText, out var l) ? l : null;
        var cpuMicros = CgroupFiles.TryReadKey(Dir, "cpu.stat", "usage_usec");
        return new CgroupStats(
            CgroupFiles.TryReadNumber(Dir, "memory.current"),
            limit,
            cpuMicros * 1000,
            CgroupFiles.TryReadNumber(Dir, "pids.current"));
    }

    public override BlockIoStats ReadBlockIo() =>
        CgroupFiles.TryRead(Dir, "io.stat") is { } text ? BlockIoText.ParseV2(text) : new BlockIoStats(null, null);

    public override long OomKillCount() => CgroupFiles.TryReadKey(Dir, "memory.events", "oom_kill") ?? 0;

    protected override void KillAllCore()
    {
        if (File.Exists(Path.Combine(Dir, "cgroup.kill")))
        {
            // Linux 5.14+: the kernel kills every member, including ones forking meanwhile.
            CgroupFiles.Write(Dir, "cgroup.kill", "1");
        }
        else
        {
            foreach (var pid in Pids()) Linux.ProcessSignals.TrySend(pid, Linux.ProcessSignals.SIGKILL);
            if (IsFrozen) Thaw();
        }
        KillListedUntilEmpty();
    }
}

using System.Text.Json;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Tests.Runtime;

/// <summary>The one reader of config.json (ctinit's and the launcher's) must read it exactly as the source-generated serializer writes it.</summary>
public sealed class RuntimeSpecReaderTests
{
    private static string Canonical(RuntimeSpec spec) => JsonSerializer.Serialize(spec, RuntimeSpecJsonContext.Default.RuntimeSpec);

    [Fact]
    public void ACompleteSpecReadsTheSameAsWithTheSerializer()
    {
        var defaults = RuntimeSpecDefaults.Create(["sh", "-c", "echo hi"], hostname: "h", env: ["PATH=/bin", "A=b"], cwd: "/w");
        var spec = defaults with
        {
            Process = defaults.Process with
            {
                Terminal = true,
                User = new UserSpec { Uid = 1000, Gid = 1001, AdditionalGids = [10, 20] },
                Capabilities = defaults.Process.Capabilities! with { Ambient = ["CAP_KILL"], Inheritable = ["CAP_KILL"] },
                Rlimits = [new RlimitSpec { Type = "RLIMIT_NOFILE", Hard = 1048576, Soft = 1024 }],
                OomScoreAdj = -500,
                ConsoleSize = new ConsoleSizeSpec { Height = 40, Width = 132 },
            },
            Root = new RootSpec { Path = "/abs/rootfs", Readonly = true },
            Annotations = new Dictionary<string, string> { ["org.example"] = "v" },
            Linux = defaults.Linux with
            {
                Namespaces = [new() { Type = "pid" }, new() { Type = "network", Path = "/proc/1/ns/net" }],
                Resources = new ResourcesSpec
                {
                    Memory = new MemoryResources { Limit = 64L << 20 },
                    Cpu = new CpuResources { Quota = 50000, Period = 100000, Cpus = "0-1", Mems = "0", RealtimeRuntime = 950000, RealtimePeriod = 1000000 },
                    HugepageLimits = [new HugepageLimitSpec { PageSize = "2MB", Limit = 1 << 30 }],
                    Network = new NetworkResources { ClassId = 0x100001, Priorities = [new InterfacePrioritySpec { Name = "eth0", Priority = 5 }] },
                    Pids = new PidsResources { Limit = 100 },
                    Devices = [.. RuntimeSpecDefaults.DeviceRules, new DeviceCgroupSpec { Allow = true, Type = "b", Major = 7, Access = "r" }],
                },
                CgroupsPath = "/ct/abc",
                Devices = [new DeviceSpec { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 438, Uid = 0, Gid = 0 }],
                Seccomp = new SeccompSpec
                {
                    DefaultAction = "SCMP_ACT_ERRNO",
                    DefaultErrnoRet = 1,
                    Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                    Flags = ["SECCOMP_FILTER_FLAG_LOG"],
                    Syscalls =
                    [
                        new SeccompSyscallSpec { Names = ["read", "write"], Action = "SCMP_ACT_ALLOW" },
                        new SeccompSyscallSpec { Names = ["clone3"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 38 },
                        new SeccompSyscallSpec { Names = ["clone"], Action = "SCMP_ACT_ALLOW", Args = [new SeccompArgSpec { Index = 0, Value = 0x7E020000, ValueTwo = 0, Op = "SCMP_CMP_MASKED_EQ" }] },
                    ],
                },
                Sysctl = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" },
                Personality = new PersonalitySpec { Domain = "LINUX32" },
                TimeOffsets = new Dictionary<string, TimeOffsetSpec> { ["monotonic"] = new() { Secs = 86400, Nanosecs = 5 } },
            },
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(spec, RuntimeSpecJsonContext.Default.RuntimeSpec);

        var read = RuntimeSpecReader.Read(json);

        Assert.Equal(Canonical(spec), Canonical(read));
        Assert.Equal(Canonical(JsonSerializer.Deserialize(json, RuntimeSpecJsonContext.Default.RuntimeSpec)!), Canonical(read));

        // What the launcher and ctinit read: all but the filter's rules, which its text still holds.
        var withoutRules = RuntimeSpecReader.ReadWithoutSeccompRules(json);
        Assert.Null(withoutRules.Linux.Seccomp!.Syscalls);
        Assert.Equal(RuntimeSpecReader.ReadSeccompSource(json), withoutRules.Linux.Seccomp.Source);
        Assert.Equal(Canonical(read with { Linux = read.Linux with { Seccomp = null } }), Canonical(withoutRules with { Linux = withoutRules.Linux with { Seccomp = null } }));
        var rules = RuntimeSpecReader.ReadSeccomp(withoutRules.Linux.Seccomp.Source!);
        Assert.Equal(Canonical(read), Canonical(read with { Linux = read.Linux with { Seccomp = rules } }));
    }

    [Fact]
    public void TheDeviceRulesAloneReadAsInTheWholeDocument()
    {
        var spec = RuntimeSpecDefaults.Create(["true"]);
        var json = JsonSerializer.SerializeToUtf8Bytes(spec, RuntimeSpecJsonContext.Default.RuntimeSpec);

        Assert.Equal(spec.Linux.Resources!.Devices!, RuntimeSpecReader.ReadDeviceRules(json)!);
        Assert.Null(RuntimeSpecReader.ReadDeviceRules("""{"linux":{"resources":{"pids":{"limit":1}}}}"""u8.ToArray()));
        Assert.Null(RuntimeSpecReader.ReadDeviceRules("""{"process":{"args":["true"]}}"""u8.ToArray()));
        Assert.ThrowsAny<JsonException>(() => RuntimeSpecReader.ReadDeviceRules("""{"linux":{"resources":{"devices":[{"allow":"yes"}]}}}"""u8.ToArray()));
    }

    [Fact]
    public void AMinimalSpecGetsTheRecordsDefaults()
    {
        var read = RuntimeSpecReader.Read("""{"process":{"args":["true"]},"unknown":{"x":1}}"""u8.ToArray());

        Assert.Equal(["true"], read.Process.Args);
        Assert.Equal("/", read.Process.Cwd);
        Assert.Equal("rootfs", read.Root.Path);
        Assert.Empty(read.Mounts);
        Assert.Empty(read.Linux.Namespaces);
    }

    [Theory]
    [InlineData("""{"process": [""")]
    [InlineData("""{"process": {"args": "not a list"}}""")]
    [InlineData("""{"process": {"user": {"uid": -1}}}""")]
    [InlineData("""[1, 2]""")]
    public void InvalidDocumentsThrowJsonException(string json)
    {
        Assert.ThrowsAny<JsonException>(() => RuntimeSpecReader.Read(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""{"process":{"args":["true"],"apparmorProfile":"docker-default"}}""", "process.apparmorProfile")]
    [InlineData("""{"process":{"args":["true"],"selinuxLabel":"system_u:system_r:container_t:s0"}}""", "process.selinuxLabel")]
    [InlineData("""{"process":{"args":["true"]},"linux":{"intelRdt":{"closID":"c1"}}}""", "linux.intelRdt")]
    [InlineData("""{"process":{"args":["true"]},"linux":{"resources":{"rdma":{"mlx5_1":{"hcaHandles":3}}}}}""", "linux.resources.rdma")]
    [InlineData("""{"process":{"args":["true"],"ioPriority":{"class":"IOPRIO_CLASS_IDLE"}}}""", "process.ioPriority")]
    public void AFieldTheRuntimeDoesNotImplementIsRefusedByName(string json, string field)
    {
        var error = Assert.Throws<RuntimeSpecFieldNotSupportedException>(() => RuntimeSpecReader.Read(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Equal(field, error.Field);
        Assert.Contains($"'{field}'", error.Message);
    }

    [Fact]
    public void EmptyOrUnknownFieldsAreNotRefused()
    {
        // Empty values ask for nothing; properties the spec does not define must be ignored (runtime-spec config.md).
        var read = RuntimeSpecReader.Read("""{"process":{"args":["true"],"apparmorProfile":""},"hooks":{},"linux":{"uidMappings":[]},"x-vendor":{"seccomp":1}}"""u8.ToArray());
        Assert.Equal(["true"], read.Process.Args);
    }

    [Fact]
    public void TheEngineWritesNoFieldTheRuntimeRefuses()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(RuntimeSpecDefaults.Create(["true"]), RuntimeSpecJsonContext.Default.RuntimeSpec);
        RuntimeSpecReader.Read(json);
    }

    [Fact]
    public void HooksDomainnamePropagationUmaskAndResourcesAreRead()
    {
        var spec = RuntimeSpecReader.Read("""
            {"process":{"args":["true"],"user":{"uid":0,"gid":0,"umask":18}},"domainname":"example.org",
             "hooks":{"prestart":[{"path":"/bin/sh","args":["sh","-c","true"],"env":["A=1"],"timeout":5}],"poststop":[{"path":"/bin/true"}]},
             "linux":{"rootfsPropagation":"rslave","resources":{"memory":{"limit":1048576,"swap":2097152,"reservation":524288,"swappiness":10,"disableOOMKiller":true},
               "cpu":{"shares":512},"blockIO":{"weight":300,"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1000}]}}}}
            """u8.ToArray());
        Assert.Equal(18u, spec.Process.User.Umask);
        Assert.Equal("example.org", spec.Domainname);
        var prestart = Assert.Single(spec.Hooks!.Prestart!);
        Assert.Equal(["sh", "-c", "true"], prestart.Args);
        Assert.Equal(5, prestart.Timeout);
        Assert.Equal("/bin/true", Assert.Single(spec.Hooks.Poststop!).Path);
        Assert.Equal("rslave", spec.Linux.RootfsPropagation);
        var memory = spec.Linux.Resources!.Memory!;
        Assert.Equal((2097152L, 524288L, 10UL, true), (memory.Swap!.Value, memory.Reservation!.Value, memory.Swappiness!.Value, memory.DisableOomKiller!.Value));
        Assert.Equal(512UL, spec.Linux.Resources.Cpu!.Shares);
        Assert.Equal((ushort)300, spec.Linux.Resources.BlockIo!.Weight);
        Assert.Equal(1000UL, Assert.Single(spec.Linux.Resources.BlockIo.ThrottleReadBpsDevice!).Rate);
    }
}

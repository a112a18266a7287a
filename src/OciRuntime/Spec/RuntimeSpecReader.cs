using System.Text.Json;

namespace ContainerTools.OciRuntime.Spec;

/// <summary>
/// The one reader of config.json (ctinit's and, through <see cref="BundleReader"/>, the launcher's and the engine's):
/// JsonDocument into the records the engine writes with <see cref="RuntimeSpecJsonContext"/>. JsonDocument because
/// ctinit starts cold for every container: the serializer's first use costs about a millisecond there, a JsonDocument
/// walk a few microseconds. Fields the runtime does not implement are refused (<see cref="NotImplemented"/>). Missing or null members keep the records' defaults; members of the wrong
/// JSON type throw <see cref="JsonException"/>. Tests check it against the serializer on a complete spec.
/// </summary>
public static partial class RuntimeSpecReader
{
    public static RuntimeSpec Read(ReadOnlyMemory<byte> json) => Parse(json, root => Spec(root, seccompRules: true));

    /// <summary>
    /// The whole spec but linux.seccomp's rules (<see cref="SeccompSpec.Syscalls"/> null, <see cref="SeccompSpec.Source"/>
    /// kept): what the launcher and ctinit read at every start, when a precompiled program stands for the rules and
    /// building a record per rule and name would be wasted (<see cref="ReadSeccomp"/> reads them when they are needed).
    /// </summary>
    public static RuntimeSpec ReadWithoutSeccompRules(ReadOnlyMemory<byte> json) => Parse(json, root => Spec(root, seccompRules: false));

    /// <summary>
    /// Only linux.resources.devices, null when absent: what the engine puts in force on a container's cgroup at each
    /// start, without the cost of the whole document (the serializer's first use in a session is tens of milliseconds).
    /// </summary>
    public static IReadOnlyList<DeviceCgroupSpec>? ReadDeviceRules(ReadOnlyMemory<byte> json) =>
        Parse(json, root => Object(root, "linux") is { } linux && Object(linux, "resources") is { } resources ? DeviceRules(resources) : null);

    private static T Parse<T>(ReadOnlyMemory<byte> json, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("the document is not an object");
            return read(root);
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
        catch (FormatException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    /// <summary>
    /// Properties the runtime spec defines that this runtime does not implement, by their path in the document. A
    /// present, non-empty one is refused (<see cref="RuntimeSpecFieldNotSupportedException"/>); properties the spec
    /// does not define are ignored, as the spec requires. The engine's BundleWriter writes none of these.
    /// </summary>
    public static readonly string[] NotImplemented =
    [
        "solaris", "windows", "vm", "zos", "process.apparmorProfile", "process.selinuxLabel", "process.scheduler",
        "process.ioPriority", "process.execCPUAffinity", "process.user.username",
        "linux.intelRdt",
        "linux.memoryPolicy", "linux.netDevices",
        "linux.resources.rdma",
        "linux.resources.unified",
        "linux.resources.memory.useHierarchy", "linux.resources.memory.checkBeforeUpdate",
        "linux.resources.cpu.idle", "linux.resources.cpu.burst",
    ];

    private static void RefuseNotImplemented(JsonElement root)
    {
        foreach (var field in NotImplemented)
        {
            if (At(root, field) is { } value && !IsEmpty(value)) throw new RuntimeSpecFieldNotSupportedException(field);
        }
    }

    /// <summary>The value at a dotted path, or null when a step is missing, null or not an object.</summary>
    private static JsonElement? At(JsonElement root, string path)
    {
        var element = root;
        var start = 0;
        while (true)
        {
            var dot = path.IndexOf('.', start);
            var name = dot < 0 ? path[start..] : path[start..dot];
            if (element.ValueKind != JsonValueKind.Object || Member(element, name) is not { } value) return null;
            if (dot < 0) return value;
            element = value;
            start = dot + 1;
        }
    }

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => !value.EnumerateObject().MoveNext(),
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.String => value.GetString()!.Length == 0,
        _ => false,
    };

    private static RuntimeSpec Spec(JsonElement e, bool seccompRules)
    {
        RefuseNotImplemented(e);
        var spec = new RuntimeSpec();
        return spec with
        {
            OciVersion = String(e, "ociVersion") ?? spec.OciVersion,
            Process = Object(e, "process") is { } process ? Process(process) : spec.Process,
            Root = Object(e, "root") is { } root ? new RootSpec { Path = String(root, "path") ?? "rootfs", Readonly = Bool(root, "readonly") } : spec.Root,
            Hostname = String(e, "hostname"),
            Domainname = String(e, "domainname"),
            Mounts = Array(e, "mounts", Mount) ?? [],
            Annotations = Object(e, "annotations") is { } annotations
                ? annotations.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
                : null,
            Linux = Object(e, "linux") is { } linux ? Linux(linux, seccompRules) : spec.Linux,
            Hooks = Object(e, "hooks") is { } hooks ? Hooks(hooks) : null,
        };
    }

    private static ProcessSpec Process(JsonElement e) => new()
    {
        Terminal = Bool(e, "terminal"),
        User = Object(e, "user") is { } user
            ? new UserSpec { Uid = UInt(user, "uid"), Gid = UInt(user, "gid"), AdditionalGids = Array(user, "additionalGids", g => g.GetUInt32()), Umask = Member(user, "umask")?.GetUInt32() }
            : new UserSpec(),
        Args = Strings(e, "args") ?? [],
        Env = Strings(e, "env") ?? [],
        Cwd = String(e, "cwd") ?? "/",
        Capabilities = Object(e, "capabilities") is { } caps
            ? new CapabilitiesSpec
            {
                Bounding = Strings(caps, "bounding") ?? [],
                Effective = Strings(caps, "effective") ?? [],
                Inheritable = Strings(caps, "inheritable") ?? [],
                Permitted = Strings(caps, "permitted") ?? [],
                Ambient = Strings(caps, "ambient") ?? [],
            }
            : null,
        NoNewPrivileges = Bool(e, "noNewPrivileges"),
        Rlimits = Array(e, "rlimits", r => new RlimitSpec { Type = String(r, "type") ?? "", Hard = ULong(r, "hard"), Soft = ULong(r, "soft") }),
        OomScoreAdj = Member(e, "oomScoreAdj")?.GetInt32(),
        ConsoleSize = Object(e, "consoleSize") is { } size ? new ConsoleSizeSpec { Height = UInt(size, "height"), Width = UInt(size, "width") } : null,
    };

    private static MountSpec Mount(JsonElement e) => new()
    {
        Destination = String(e, "destination") ?? "",
        Type = String(e, "type"),
        Source = String(e, "source"),
        Options = Strings(e, "options"),
    };

    private static LinuxSpec Linux(JsonElement e, bool seccompRules) => new()
    {
        Namespaces = Array(e, "namespaces", ns => new NamespaceSpec { Type = String(ns, "type") ?? "", Path = String(ns, "path") }) ?? [],
        MaskedPaths = Strings(e, "maskedPaths"),
        ReadonlyPaths = Strings(e, "readonlyPaths"),
        Resources = Object(e, "resources") is { } resources ? Resources(resources) : null,
        CgroupsPath = String(e, "cgroupsPath"),
        RootfsPropagation = String(e, "rootfsPropagation"),
        MountLabel = String(e, "mountLabel"),
        Devices = Array(e, "devices", d => new DeviceSpec
        {
            Path = String(d, "path") ?? "",
            Type = String(d, "type") ?? "c",
            Major = Long(d, "major") ?? 0,
            Minor = Long(d, "minor") ?? 0,
            FileMode = Member(d, "fileMode")?.GetUInt32(),
            Uid = Member(d, "uid")?.GetUInt32(),
            Gid = Member(d, "gid")?.GetUInt32(),
        }),
        Seccomp = Object(e, "seccomp") is { } seccomp ? Seccomp(seccomp, seccompRules) : null,
        Sysctl = Object(e, "sysctl") is { } sysctl ? Sysctl(sysctl) : null,
        UidMappings = IdMappings(e, "uidMappings"),
        GidMappings = IdMappings(e, "gidMappings"),
        Personality = Object(e, "personality") is { } personality ? new PersonalitySpec { Domain = String(personality, "domain") ?? "", Flags = Strings(personality, "flags") } : null,
        TimeOffsets = Object(e, "timeOffsets") is { } offsets
            ? offsets.EnumerateObject().ToDictionary(p => p.Name, p => new TimeOffsetSpec { Secs = Long(p.Value, "secs") ?? 0, Nanosecs = UInt(p.Value, "nanosecs") })
            : null,
    };

    private static ResourcesSpec Resources(JsonElement e) => new()
    {
        Memory = Object(e, "memory") is { } memory ? MemoryResources(memory) : null,
        Cpu = Object(e, "cpu") is { } cpu ? CpuResources(cpu) : null,
        BlockIo = Object(e, "blockIO") is { } blockIo ? BlockIoResources(blockIo) : null,
        Pids = Object(e, "pids") is { } pids ? new PidsResources { Limit = Long(pids, "limit") ?? 0 } : null,
        Devices = DeviceRules(e),
        HugepageLimits = Array(e, "hugepageLimits", h => new HugepageLimitSpec { PageSize = String(h, "pageSize") ?? "", Limit = ULong(h, "limit") }),
        Network = Object(e, "network") is { } network
            ? new NetworkResources
            {
                ClassId = Member(network, "classID")?.GetUInt32(),
                Priorities = Array(network, "priorities", p => new InterfacePrioritySpec { Name = String(p, "name") ?? "", Priority = UInt(p, "priority") }),
            }
            : null,
    };

    private static IReadOnlyList<DeviceCgroupSpec>? DeviceRules(JsonElement resources) => Array(resources, "devices", d => new DeviceCgroupSpec
    {
        Allow = Bool(d, "allow"),
        Type = String(d, "type"),
        Major = Long(d, "major"),
        Minor = Long(d, "minor"),
        Access = String(d, "access"),
    });

    private static JsonElement? Member(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static JsonElement? Object(JsonElement e, string name) =>
        Member(e, name) is { } value
            ? value.ValueKind == JsonValueKind.Object ? value : throw new JsonException($"\"{name}\" must be an object")
            : null;

    private static string? String(JsonElement e, string name) => Member(e, name)?.GetString();
    private static bool Bool(JsonElement e, string name) => Member(e, name)?.GetBoolean() ?? false;
    private static uint UInt(JsonElement e, string name) => Member(e, name)?.GetUInt32() ?? 0;
    private static ulong ULong(JsonElement e, string name) => Member(e, name)?.GetUInt64() ?? 0;
    private static long? Long(JsonElement e, string name) => Member(e, name)?.GetInt64();

    private static IReadOnlyList<string>? Strings(JsonElement e, string name) => Array(e, name, item => item.GetString() ?? "");

    private static IReadOnlyList<T>? Array<T>(JsonElement e, string name, Func<JsonElement, T> item)
    {
        if (Member(e, name) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Array) throw new JsonException($"\"{name}\" must be an array");
        var list = new List<T>(value.GetArrayLength());
        foreach (var element in value.EnumerateArray()) list.Add(item(element));
        return list;
    }
}

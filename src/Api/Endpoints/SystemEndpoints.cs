using System.Runtime.InteropServices;
using System.Text.Json;
using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.OciRuntime.Events;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Api.Endpoints;

/// <summary>_ping, version, info, events, system df, auth.</summary>
internal static class SystemEndpoints
{
    public static void Map(Router router, ApiEngine engine)
    {
        router.Get("/_ping", (_, res) => Ping(res, head: false));
        router.Head("/_ping", (_, res) => Ping(res, head: true));
        router.Get("/version", (_, res) => res.Json(200, Version()));
        router.Get("/info", (_, res) => res.Json(200, Info(engine)));
        router.Get("/events", (req, res) => Events(engine, req, res));
        router.Get("/system/df", (_, res) => res.Json(200, DiskUsage(engine)));
        router.Post("/auth", (req, res) =>
        {
            // Logins are stored by `docker login` in the client's config; the engine reads that file itself.
            req.ReadJson<Dictionary<string, JsonElement>>();
            res.Json(200, new { Status = "Login Succeeded", IdentityToken = "" });
        });
    }

    private static void Ping(HttpResponse res, bool head)
    {
        res.SetHeader("Cache-Control", "no-cache, no-store, must-revalidate");
        res.SetHeader("Pragma", "no-cache");
        res.SetHeader("Builder-Version", "1");
        res.Bytes(200, "text/plain; charset=utf-8", "OK"u8.ToArray(), headOnly: head);
    }

    private static object Version() => new
    {
        Platform = new { Name = "ContainerTools" },
        Components = new[]
        {
            new { Name = "Engine", Version = ApiVersions.EngineVersion, Details = new Dictionary<string, string>
            {
                ["ApiVersion"] = ApiVersions.Current, ["MinAPIVersion"] = ApiVersions.Minimum, ["Os"] = "linux", ["Arch"] = Architecture(),
            } },
        },
        Version = ApiVersions.EngineVersion,
        ApiVersion = ApiVersions.Current,
        MinAPIVersion = ApiVersions.Minimum,
        GitCommit = "",
        GoVersion = "n/a (.NET " + Environment.Version + ")",
        Os = "linux",
        Arch = Architecture(),
        KernelVersion = Environment.OSVersion.Version.ToString(),
        BuildTime = "",
    };

    public static string Architecture() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static object Info(ApiEngine engine)
    {
        var containers = engine.Containers.List();
        var hostname = System.Net.Dns.GetHostName();
        return new
        {
            ID = engine.Root.Path,
            Containers = containers.Count,
            ContainersRunning = containers.Count(c => c.Status == ContainerStatus.Running),
            ContainersPaused = containers.Count(c => c.Status == ContainerStatus.Paused),
            ContainersStopped = containers.Count(c => c.Status is ContainerStatus.Exited or ContainerStatus.Created),
            Images = engine.Images.List().Count,
            Driver = "overlay2",
            DriverStatus = new[] { new[] { "Backing Filesystem", "overlay" } },
            Plugins = new { Volume = new[] { "local" }, Network = new[] { "bridge", "host", "null" }, Authorization = (string[]?)null, Log = new[] { "json-file" } },
            MemoryLimit = true,
            SwapLimit = false,
            CpuCfsPeriod = true,
            CpuCfsQuota = true,
            IPv4Forwarding = true,
            Debug = false,
            NFd = Directory.GetFiles("/proc/self/fd").Length,
            NGoroutines = 0,
            SystemTime = DockerFormat.Time(DateTimeOffset.UtcNow),
            LoggingDriver = "json-file",
            CgroupDriver = "cgroupfs",
            CgroupVersion = Directory.Exists("/sys/fs/cgroup/memory") ? "1" : "2",
            NEventsListener = 0,
            KernelVersion = Environment.OSVersion.Version.ToString(),
            OperatingSystem = OperatingSystemName(),
            OSVersion = "",
            OSType = "linux",
            Architecture = RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64 ? "x86_64" : Architecture(),
            IndexServerAddress = "https://index.docker.io/v1/",
            RegistryConfig = new { IndexConfigs = new Dictionary<string, object>(), InsecureRegistryCIDRs = new[] { "127.0.0.0/8" } },
            NCPU = Environment.ProcessorCount,
            MemTotal = MemoryTotal(),
            DockerRootDir = engine.Root.Path,
            Name = hostname,
            Labels = Array.Empty<string>(),
            ExperimentalBuild = false,
            ServerVersion = ApiVersions.EngineVersion,
            Runtimes = new Dictionary<string, object> { ["ctinit"] = new { path = "ctinit" } },
            DefaultRuntime = "ctinit",
            Swarm = new { NodeID = "", NodeAddr = "", LocalNodeState = "inactive", ControlAvailable = false, Error = "", RemoteManagers = (object?)null },
            LiveRestoreEnabled = true,
            Isolation = "",
            InitBinary = "",
            SecurityOptions = Array.Empty<string>(),
            Warnings = Array.Empty<string>(),
        };
    }

    private static string OperatingSystemName()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) return line["PRETTY_NAME=".Length..].Trim('"');
        }
        catch (IOException) { }
        return "Linux";
    }

    /// <summary>The host's memory (/proc/meminfo): Info's MemTotal, and the stats limit of a container without one.</summary>
    public static long MemoryTotal()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException) { return 0; }
    }

    /// <summary>GET /events: the store's event log from since (default: now) on, streamed until until or the client leaves.</summary>
    private static void Events(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var since = ParseTime(req.QueryValue("since"), "since") ?? DateTimeOffset.UtcNow;
        var until = ParseTime(req.QueryValue("until"), "until");
        var filters = Filters.Parse(req.QueryValue("filters"));
        var stream = res.Stream(200, "application/json");
        using var gone = new CancellationTokenSource();
        foreach (var e in engine.Containers.Events.Follow(since, until, gone.Token))
        {
            if (!Matches(e, filters)) continue;
            var bytes = JsonSerializer.SerializeToUtf8Bytes(View(e), ApiJson.Output);
            try
            {
                stream.Write(bytes);
                stream.Write("\n"u8);
            }
            catch (IOException)
            {
                gone.Cancel();
                return;
            }
        }
        stream.End();
    }

    private static bool Matches(ContainerEvent e, Filters filters) =>
        filters.Accepts("type", e.Type)
        && filters.Accepts("event", e.Action)
        && filters.AcceptsAny("container", [e.Id, e.Name])
        && filters.Accepts("image", e.Image)
;

    private static object View(ContainerEvent e)
    {
        var attributes = new Dictionary<string, string>(e.Attributes) { ["name"] = e.Name, ["image"] = e.Image };
        return new
        {
            status = e.Action,
            id = e.Id,
            from = e.Image,
            Type = e.Type,
            Action = e.Action,
            Actor = new { ID = e.Id, Attributes = attributes },
            scope = "local",
            time = e.Time.ToUnixTimeSeconds(),
            timeNano = (e.Time - DateTimeOffset.UnixEpoch).Ticks * 100,
        };
    }

    /// <summary>Docker's since/until: unix seconds (with an optional .nanoseconds part) or RFC 3339.</summary>
    public static DateTimeOffset? ParseTime(string? value, string name)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (decimal.TryParse(value, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)) return time;
        throw ApiException.BadRequest($"invalid {name} time '{value}'");
    }

    private static object DiskUsage(ApiEngine engine)
    {
        var containers = engine.Containers.List();
        var images = engine.Images.List();
        var volumes = engine.Containers.Volumes.List();
        return new
        {
            LayersSize = images.SelectMany(i => i.Layers).DistinctBy(l => l.DiffId).Sum(l => l.UnpackedSize),
            Images = images.Select(i => ImageViews.Summary(i, containers.Count(c => c.Definition.ImageId == i.Id))).ToArray(),
            Containers = containers.Select(c => ContainerViews.Summary(c, [])).ToArray(),
            Volumes = volumes.Select(v => VolumeViews.View(v, engine.Containers.Volumes.Users(v.Name).Count, withUsage: true)).ToArray(),
            BuildCache = Array.Empty<object>(),
        };
    }
}

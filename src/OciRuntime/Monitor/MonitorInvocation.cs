using System.Globalization;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.OciRuntime.Monitor;

/// <summary>
/// How the engine runs ctmon for one start:
/// <c>ctmon CONTAINER_DIR --init CTINIT [--attach-fd 4] [--exit-command ARG]... [--exit-env NAME=VALUE]...</c>, with
/// fd 3 the readiness pipe's write end and fd <see cref="GoFdNumber"/> the go pipe's read end.
/// </summary>
public sealed record MonitorInvocation
{
    /// <summary>ctmon's first argument when it is the monitor itself rather than the stage that starts it.</summary>
    public const string MonitorOption = "--monitor";
    public const string InitOption = "--init";
    public const string AttachFdOption = "--attach-fd";
    public const string ExitCommandOption = "--exit-command";
    public const string ExitEnvironmentOption = "--exit-env";
    // Services (docs/processes.md, "Restart policies"): given as arguments, as conmon takes its log limits, so that a
    // monitor without them reads and links nothing more.
    public const string RestartPolicyOption = "--restart-policy";
    public const string LogMaxSizeOption = "--log-max-size";
    public const string LogMaxFilesOption = "--log-max-files";
    public const string HealthIntervalOption = "--health-interval-ms";
    public const string HealthTimeoutOption = "--health-timeout-ms";
    public const string HealthStartPeriodOption = "--health-start-period-ms";
    public const string HealthRetriesOption = "--health-retries";
    public const string HealthOnFailureOption = "--health-on-failure";
    /// <summary>The fd number the monitor gets the engine's end of an attach connection on.</summary>
    public const int AttachFdNumber = 4;
    /// <summary>
    /// The fd number the monitor gets the read end of the engine's go pipe on. The engine spawns the monitor before its
    /// own work for the start (mount, cgroup, state.json, network), so that the monitor's start overlaps it, and writes
    /// one byte once that work is done; end of file without the byte means the start failed or the engine died, and the
    /// monitor exits having touched nothing of the container.
    /// </summary>
    public const int GoFdNumber = 5;

    public required string MonitorPath { get; init; }
    public required string InitPath { get; init; }
    /// <summary>The monitor's end of a connection made before the program starts (an attached run); -1 for none.</summary>
    public int AttachFd { get; init; } = -1;
    /// <summary>What the monitor runs after it wrote exit.json (conmon's --exit-command); null: nothing to run.</summary>
    public ExitCommand? ExitCommand { get; init; }
    /// <summary>Restart policy, log rotation and health check; null: none of them.</summary>
    public MonitorServiceOptions? Service { get; init; }

    public IReadOnlyList<string> Arguments(string containerDirectory)
    {
        var argv = new List<string> { MonitorPath, containerDirectory, InitOption, InitPath };
        if (AttachFd >= 0) argv.AddRange([AttachFdOption, AttachFdNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (ExitCommand is not null)
        {
            foreach (var arg in ExitCommand.Argv) argv.AddRange([ExitCommandOption, arg]);
            foreach (var variable in ExitCommand.Environment) argv.AddRange([ExitEnvironmentOption, variable]);
        }
        if (Service is not null) argv.AddRange(Service.Arguments());
        return argv;
    }
}

/// <summary>
/// What keeps a container up, as the monitor gets it: the restart policy, json-file's rotation limits, and the health
/// check's timing (the probe itself is in health-probe.json, which the engine writes at Start).
/// </summary>
public sealed record MonitorServiceOptions
{
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.None;
    public long LogMaxSize { get; init; }
    public int LogMaxFiles { get; init; } = 1;
    /// <summary>Its <see cref="HealthCheck.Test"/> is not passed: the probe's spec is in health-probe.json.</summary>
    public HealthCheck? Health { get; init; }

    public bool IsEmpty => !RestartPolicy.RestartsAtAll && LogMaxSize == 0 && Health is null;

    public IReadOnlyList<string> Arguments()
    {
        static string Number(double value) => ((long)value).ToString(CultureInfo.InvariantCulture);
        var argv = new List<string>();
        if (RestartPolicy.RestartsAtAll) argv.AddRange([MonitorInvocation.RestartPolicyOption, RestartPolicy.ToString()]);
        if (LogMaxSize > 0) argv.AddRange([MonitorInvocation.LogMaxSizeOption, Number(LogMaxSize), MonitorInvocation.LogMaxFilesOption, Number(LogMaxFiles)]);
        if (Health is { } health)
        {
            argv.AddRange([
                MonitorInvocation.HealthIntervalOption, Number(health.Interval.TotalMilliseconds),
                MonitorInvocation.HealthTimeoutOption, Number(health.Timeout.TotalMilliseconds),
                MonitorInvocation.HealthStartPeriodOption, Number(health.StartPeriod.TotalMilliseconds),
                MonitorInvocation.HealthRetriesOption, Number(health.Retries),
                MonitorInvocation.HealthOnFailureOption, health.OnFailure,
            ]);
        }
        return argv;
    }

    /// <summary>Takes one of the options above (the monitor's side); false for any other.</summary>
    public static bool TryApply(ref MonitorServiceOptions options, string option, string value)
    {
        static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
        HealthCheck Health(MonitorServiceOptions o) => o.Health ?? new HealthCheck();
        var current = options;
        options = option switch
        {
            MonitorInvocation.RestartPolicyOption => current with { RestartPolicy = RestartPolicy.Parse(value) },
            MonitorInvocation.LogMaxSizeOption => current with { LogMaxSize = Long(value) },
            MonitorInvocation.LogMaxFilesOption => current with { LogMaxFiles = (int)Long(value) },
            MonitorInvocation.HealthIntervalOption => current with { Health = Health(current) with { Interval = TimeSpan.FromMilliseconds(Long(value)) } },
            MonitorInvocation.HealthTimeoutOption => current with { Health = Health(current) with { Timeout = TimeSpan.FromMilliseconds(Long(value)) } },
            MonitorInvocation.HealthStartPeriodOption => current with { Health = Health(current) with { StartPeriod = TimeSpan.FromMilliseconds(Long(value)) } },
            MonitorInvocation.HealthRetriesOption => current with { Health = Health(current) with { Retries = (int)Long(value) } },
            MonitorInvocation.HealthOnFailureOption => current with { Health = Health(current) with { OnFailure = value } },
            _ => null!,
        };
        if (options is not null) return true;
        options = current;
        return false;
    }
}

namespace ContainerTools.OciRuntime.Monitor;

/// <summary>
/// How the engine runs ctmon for one start:
/// <c>ctmon CONTAINER_DIR --init CTINIT [--attach-fd 4] [--exit-command ARG]... [--exit-env NAME=VALUE]...</c>.
/// </summary>
public sealed record MonitorInvocation
{
    public const string InitOption = "--init";
    public const string AttachFdOption = "--attach-fd";
    public const string ExitCommandOption = "--exit-command";
    public const string ExitEnvironmentOption = "--exit-env";
    /// <summary>The fd number the monitor gets the engine's end of an attach connection on.</summary>
    public const int AttachFdNumber = 4;

    public required string MonitorPath { get; init; }
    public required string InitPath { get; init; }
    /// <summary>The monitor's end of a connection made before the program starts (an attached run); -1 for none.</summary>
    public int AttachFd { get; init; } = -1;
    /// <summary>What the monitor runs after it wrote exit.json (conmon's --exit-command); null: nothing to run.</summary>
    public ExitCommand? ExitCommand { get; init; }

    public IReadOnlyList<string> Arguments(string containerDirectory)
    {
        var argv = new List<string> { MonitorPath, containerDirectory, InitOption, InitPath };
        if (AttachFd >= 0) argv.AddRange([AttachFdOption, AttachFdNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (ExitCommand is not null)
        {
            foreach (var arg in ExitCommand.Argv) argv.AddRange([ExitCommandOption, arg]);
            foreach (var variable in ExitCommand.Environment) argv.AddRange([ExitEnvironmentOption, variable]);
        }
        return argv;
    }
}

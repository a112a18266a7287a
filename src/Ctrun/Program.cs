using ContainerTools.Ctrun.Commands;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Ctrun;

/// <summary>
/// ctrun [global options] COMMAND [options] ARGS: runc's command line on ContainerTools' launcher and ctinit
/// (docs/ctrun.md). Errors print one line and exit 1, as runc's do; run and exec exit with the container process's status.
/// </summary>
internal static class Program
{
    public const string Version = "1.0.0";
    public const string SpecVersion = "1.2.0";

    private static readonly OptionSet GlobalOptions = new(
        "root=", "log=", "log-format=", "debug", "systemd-cgroup", "criu=", "rootless=", "help|h", "version|v");

    private static int Main(string[] args)
    {
        var log = RuntimeLog.Stderr;
        try
        {
            var global = CommandLine.Parse(args, 0, GlobalOptions, out var next, stopAtFirstPositional: true);
            log = new RuntimeLog(global.Value("log"), global.Value("log-format") ?? "text", global.Flag("debug"));
            if (global.Flag("version"))
            {
                Console.WriteLine($"ctrun version {Version}\nspec: {SpecVersion}");
                return 0;
            }
            if (global.Flag("systemd-cgroup"))
                throw new CtrunError("--systemd-cgroup is not supported: ctrun manages cgroupfs cgroups only (no systemd on this host); use the cgroupfs cgroup manager");
            if (global.Value("rootless") is { } rootless && rootless is "true")
                throw new CtrunError("--rootless=true is not supported: ctrun runs as root");
            if (next >= args.Length || global.Flag("help"))
            {
                Console.WriteLine(Usage);
                return global.Flag("help") ? 0 : 1;
            }
            var context = new CommandContext(global.Value("root") ?? "/run/ctrun", log);
            var name = args[next];
            var rest = args[(next + 1)..];
            return name switch
            {
                "create" => LifecycleCommands.Create(context, rest),
                "start" => LifecycleCommands.Start(context, rest),
                "run" => LifecycleCommands.Run(context, rest),
                "state" => QueryCommands.State(context, rest),
                "kill" => LifecycleCommands.Kill(context, rest),
                "delete" => LifecycleCommands.Delete(context, rest),
                "exec" => ExecCommand.Run(context, rest),
                "pause" => LifecycleCommands.Pause(context, rest, freeze: true),
                "resume" => LifecycleCommands.Pause(context, rest, freeze: false),
                "ps" => QueryCommands.Ps(context, rest),
                "list" => QueryCommands.List(context, rest),
                "features" => QueryCommands.Features(rest),
                "spec" => SpecCommand.Run(rest),
                "events" => QueryCommands.Events(context, rest),
                "update" => UpdateCommand.Run(context, rest),
                "checkpoint" or "restore" => throw new CtrunError($"{name} is not supported: ctrun has no CRIU support"),
                _ => throw new CtrunError($"No help topic for '{name}'"),
            };
        }
        catch (Exception error) when (error is CtrunError or ContainerToolsException or SystemCallException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // A user's mistake or a refused call: one line, never a stack trace.
            log.Error(error.Message);
            return error is CtrunError ctrun ? ctrun.ExitCode : 1;
        }
    }

    private const string Usage = """
        ctrun: ContainerTools' OCI runtime (runc's command line)

        USAGE: ctrun [global options] command [command options] [arguments...]

        COMMANDS:
           create    create a container (its init waits for start)
           start     let a created container run its program
           run       create and start a container
           state     output the state of a container
           kill      send a signal to the container's init process
           delete    delete a container and what it holds
           exec      run a new process inside a container
           pause     freeze every process of a container
           resume    thaw a paused container
           ps        processes running inside a container
           list      containers started by ctrun with this root
           features  what this runtime supports (JSON)
           spec      write a default config.json
           events    one set of resource statistics (--stats)
           update    change a container's memory, cpu and pids limits

        GLOBAL OPTIONS:
           --root value        state directory (default: "/run/ctrun")
           --log value         log file (default: stderr)
           --log-format value  text or json (default: "text")
           --debug             log debug messages
           --systemd-cgroup    refused: ctrun manages cgroupfs cgroups only
        """;
}

/// <summary>What every command gets: the state root and the log.</summary>
internal sealed record CommandContext(string Root, RuntimeLog Log)
{
    public ContainerDirectory Container(string id) => new(Root, id);
}

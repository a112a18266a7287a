using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Linux;

namespace ContainerTools.Monitor;

/// <summary>
/// ctmon: one per running container (see docs/processes.md).
///   ctmon CONTAINER_DIR [--init CTINIT]            started by the engine in a new session with fd 3 = its readiness pipe;
///                                                   respawns itself as the monitor and exits, so the engine can reap it
///                                                   at once and the monitor is nobody's child but init's.
///   ctmon --monitor CONTAINER_DIR [--init CTINIT]  the monitor itself.
/// </summary>
internal static class Program
{
    public const int ReadyFd = 3;

    private static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "--monitor")
        {
            return ContainerMonitor.Run(new ContainerPaths(args[1]), InitPath(args, 2));
        }
        if (args.Length >= 1 && !args[0].StartsWith('-'))
        {
            return Detach(args);
        }
        Console.Error.WriteLine("usage: ctmon CONTAINER_DIR [--init CTINIT]");
        return 2;
    }

    private static string? InitPath(string[] args, int from)
    {
        for (var i = from; i + 1 < args.Length; i++)
        {
            if (args[i] == "--init") return args[i + 1];
        }
        return null;
    }

    private static int Detach(string[] args)
    {
        try
        {
            var self = Environment.ProcessPath ?? "/proc/self/exe";
            ProcessSpawn.Spawn(self, [self, "--monitor", .. args], [], new SpawnOptions
            {
                FileDescriptors = new Dictionary<int, int> { [0] = 0, [1] = 1, [2] = 2, [ReadyFd] = ReadyFd },
                ResetSignals = true,
            });
            return 0;
        }
        catch (Exception ex)
        {
            ReadyPipe.Fail($"ctmon could not start the monitor: {ex.Message}");
            return 1;
        }
    }
}

using ContainerTools.OciRuntime.Monitor;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Monitor;

/// <summary>
/// ctmon: one per running container (see docs/processes.md).
///   ctmon CONTAINER_DIR [OPTIONS]            started by the engine in a new session with fd 3 = its readiness pipe, fd 5 =
///                                            the engine's go pipe (and fd 4 = an attach connection for an attached
///                                            run); respawns itself as the monitor and exits, so the engine can reap
///                                            it at once and the monitor is nobody's child but init's.
///   ctmon --monitor CONTAINER_DIR [OPTIONS]  the monitor itself. OPTIONS: see MonitorArguments.
/// </summary>
internal static class Program
{
    public const int ReadyFd = 3;

    private static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == MonitorInvocation.MonitorOption && MonitorArguments.Parse(args, 1) is { } monitor)
        {
            return ContainerMonitor.Run(new ContainerPaths(monitor.ContainerDirectory), monitor);
        }
        if (MonitorArguments.Parse(args, 0) is { } stage)
        {
            return Detach(args, stage.AttachFd);
        }
        Console.Error.WriteLine("usage: ctmon CONTAINER_DIR [--init CTINIT] [--attach-fd FD] [--exit-command ARG]... [--exit-env NAME=VALUE]...");
        return 2;
    }

    private static int Detach(string[] args, int attachFd)
    {
        try
        {
            var self = Environment.ProcessPath ?? "/proc/self/exe";
            var fds = new Dictionary<int, int> { [0] = 0, [1] = 1, [2] = 2, [ReadyFd] = ReadyFd, [MonitorInvocation.GoFdNumber] = MonitorInvocation.GoFdNumber };
            if (attachFd >= 0) fds[attachFd] = attachFd;
            ProcessSpawn.Spawn(self, [self, MonitorInvocation.MonitorOption, .. args], [], new SpawnOptions
            {
                FileDescriptors = fds,
                ResetSignals = true,
            });
            return 0;
        }
        catch (Exception ex)
        {
            ReadyPipe.Fail(new InvalidOperationException($"ctmon could not start the monitor: {ex.Message}", ex));
            return 1;
        }
    }
}

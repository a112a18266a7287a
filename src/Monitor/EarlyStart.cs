using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Monitor;

/// <summary>
/// The container's ctinit, spawned before anything else the monitor does (<see cref="ContainerLauncher.SpawnEarlyCreate"/>),
/// for a container on pipes that is not Interactive: it needs nothing but ctinit's path and the container's paths, so its
/// NativeAOT start overlaps the monitor's own start and reads. The first launch continues it (<see cref="Take"/>) when the
/// container turns out to be such a one and its spec fits (a new pid namespace, no user namespace); otherwise the launch
/// spawns ctinit as usual, and disposing this ends the early one and closes its pipes.
/// </summary>
internal sealed class EarlyStart : IDisposable
{
    private readonly EarlyCreate _init;
    private ContainerPipes? _pipes;

    private EarlyStart(EarlyCreate init, ContainerPipes pipes)
    {
        _init = init;
        _pipes = pipes;
    }

    /// <summary>null if it cannot be spawned: the ordinary launch then reports why (ctinit missing, say).</summary>
    public static EarlyStart? Spawn(ContainerPaths paths, string? initPath)
    {
        ContainerPipes? pipes = null;
        try
        {
            pipes = ContainerPipes.Open(interactive: false);
            return new EarlyStart(ContainerLauncher.SpawnEarlyCreate(ContainerMonitor.Request(paths, initPath, null, pipes.Stdin, pipes.OutWrite, pipes.ErrWrite)), pipes);
        }
        catch (Exception)
        {
            pipes?.CloseContainerEnds();
            pipes?.CloseMonitorEnds();
            return null;
        }
    }

    /// <summary>The early ctinit and its pipes, for the first launch of a container on pipes; from now on the caller closes the pipes.</summary>
    public (EarlyCreate Init, ContainerPipes Pipes)? Take()
    {
        if (_pipes is null) return null;
        var pipes = _pipes;
        _pipes = null;
        return (_init, pipes);
    }

    public void Dispose()
    {
        // A no-op once the launch continued it.
        _init.Dispose();
        _pipes?.CloseContainerEnds();
        _pipes?.CloseMonitorEnds();
        _pipes = null;
    }
}

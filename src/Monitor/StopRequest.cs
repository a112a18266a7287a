using System.Runtime.InteropServices;

namespace ContainerTools.Monitor;

/// <summary>
/// A monitor with a restart policy takes SIGTERM as "the user stopped the container": Stop, Kill and a forced Remove
/// send it (after recording it in state.json), so that a program they end is not restarted and a back-off wait ends at
/// once. Registered only when there is a policy: other monitors keep SIGTERM's default action.
/// </summary>
internal sealed class StopRequest : IDisposable
{
    private readonly ManualResetEventSlim _set = new();
    private readonly PosixSignalRegistration _registration;

    private StopRequest()
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _set.Set();
        });
    }

    public static StopRequest Listen() => new();

    public bool IsSet => _set.IsSet;

    /// <summary>Sleeps for <paramref name="delay"/> (one futex wait, no wake-ups) unless a stop comes first; true if it did.</summary>
    public bool Wait(TimeSpan delay) => _set.Wait(delay);

    public void Dispose()
    {
        _registration.Dispose();
        _set.Dispose();
    }
}

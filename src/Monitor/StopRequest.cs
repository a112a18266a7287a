using System.Runtime.InteropServices;

namespace ContainerTools.Monitor;

/// <summary>
/// What decides, at an exit, whether the monitor starts the program again, besides the restart policy: a user's stop
/// (SIGTERM to a monitor that can restart: Stop, Kill and a forced Remove send it after recording it in state.json) or
/// the health check's -HealthOnFailure (restart, stop). A stop also ends a back-off wait at once. Registered only for
/// monitors that can restart: other monitors keep SIGTERM's default action.
/// </summary>
internal sealed class StopRequest : IDisposable
{
    private readonly ManualResetEventSlim _stop = new();
    private readonly PosixSignalRegistration _registration;
    private volatile bool _restart;

    private StopRequest()
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _stop.Set();
        });
    }

    public static StopRequest Listen() => new();

    public bool IsSet => _stop.IsSet;

    public void RequestStop() => _stop.Set();

    /// <summary>The next exit restarts the program whatever the policy says (unless a user stopped it).</summary>
    public void RequestRestart() => _restart = true;

    public bool TakeRestartRequest()
    {
        var requested = _restart;
        _restart = false;
        return requested;
    }

    /// <summary>Sleeps for <paramref name="delay"/> (one futex wait, no wake-ups) unless a stop comes first; true if it did.</summary>
    public bool Wait(TimeSpan delay) => _stop.Wait(delay);

    public void Dispose()
    {
        _registration.Dispose();
        _stop.Dispose();
    }
}

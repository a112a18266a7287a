using System.Text;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Events;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Seccomp;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Monitor;

/// <summary>
/// Runs a container's health probe (docs/processes.md, "Health checks"): one thread that sleeps until the next probe is
/// due (a single timed wait: no wake-ups in between), runs /bin/sh -c COMMAND in the container as an exec does, keeps
/// health.json (status, failing streak, last five results), writes health_status events on a change, and acts on
/// -HealthOnFailure once the container turns unhealthy.
/// </summary>
internal sealed class HealthProber
{
    private const int KeptResults = 5;
    // Docker keeps 4 KiB of a probe's output.
    private const int MaxOutput = 4096;
    private readonly ContainerPaths _paths;
    private readonly HealthCheck _check;
    private readonly string? _initPath;
    private readonly Cgroup? _cgroup;
    private readonly ContainerEvents _events;
    private readonly MonitoredContainer _definition;
    private readonly StopRequest _control;
    private readonly object _gate = new();
    private int _pid;
    private DateTimeOffset _runStartedAt;
    private MonitorHealthRecord _record = new();
    private bool _acted;
    private bool _ended;

    public HealthProber(ContainerPaths paths, HealthCheck check, string? initPath, Cgroup? cgroup, ContainerEvents events, MonitoredContainer definition, StopRequest control)
    {
        _paths = paths;
        _check = check;
        _initPath = initPath;
        _cgroup = cgroup;
        _events = events;
        _definition = definition;
        _control = control;
        new Thread(Loop, maxStackSize: 256 * 1024) { IsBackground = true, Name = "health" }.Start();
    }

    /// <summary>A run of the program began: its health starts over ("starting").</summary>
    public void RunStarted(int pid, DateTimeOffset startedAt)
    {
        lock (_gate)
        {
            _pid = pid;
            _runStartedAt = startedAt;
            _acted = false;
            _record = new MonitorHealthRecord { MonitorPid = Environment.ProcessId, Status = HealthStatus.Starting, Log = _record.Log };
            Save();
            System.Threading.Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The program exited: no probe until the next run.</summary>
    public void RunEnded()
    {
        lock (_gate)
        {
            _pid = 0;
            System.Threading.Monitor.PulseAll(_gate);
        }
    }

    public void End()
    {
        lock (_gate)
        {
            _ended = true;
            System.Threading.Monitor.PulseAll(_gate);
        }
    }

    private void Loop()
    {
        var due = DateTimeOffset.MaxValue;
        var pidProbed = 0;
        while (true)
        {
            int pid;
            lock (_gate)
            {
                while (true)
                {
                    if (_ended) return;
                    if (_pid != pidProbed && _pid > 0)
                    {
                        // A new run: its first probe comes one interval after its start.
                        pidProbed = _pid;
                        due = _runStartedAt + _check.Interval;
                    }
                    if (_pid > 0 && DateTimeOffset.UtcNow >= due) break;
                    if (_pid == 0)
                    {
                        System.Threading.Monitor.Wait(_gate);
                        continue;
                    }
                    var wait = due - DateTimeOffset.UtcNow;
                    if (wait > TimeSpan.Zero) System.Threading.Monitor.Wait(_gate, wait);
                }
                pid = _pid;
            }
            var result = Paused() ? null : Probe(pid);
            if (result is null)
            {
                // Docker does not probe a paused container; the next probe is one interval after this one was due.
                due = DateTimeOffset.UtcNow + _check.Interval;
                continue;
            }
            due = result.End + _check.Interval;
            lock (_gate)
            {
                if (_pid != pid || _ended) continue; // the run ended meanwhile: its result no longer counts
                Record(result);
            }
        }
    }

    private void Record(HealthProbeResult result)
    {
        var previous = _record.Status;
        var log = _record.Log.Append(result).TakeLast(KeptResults).ToList();
        var inStartPeriod = result.Start - _runStartedAt < _check.StartPeriod;
        var (status, streak) = result.ExitCode == 0
            ? (HealthStatus.Healthy, 0)
            : inStartPeriod && previous == HealthStatus.Starting
                ? (previous, _record.FailingStreak)
                : (_record.FailingStreak + 1 >= _check.Retries ? HealthStatus.Unhealthy : previous, _record.FailingStreak + 1);
        _record = _record with { Status = status, FailingStreak = streak, Log = log };
        Save();
        if (status != previous)
        {
            _events.Append(ContainerEvent.For(_definition.Id, _definition.Name, _definition.Image, ContainerEventActions.HealthStatus(status)));
        }
        if (status == HealthStatus.Unhealthy && !_acted)
        {
            _acted = true;
            ActOnFailure();
        }
    }

    /// <summary>-HealthOnFailure: kill (the restart policy then decides), restart (whatever the policy), stop (no restart).</summary>
    private void ActOnFailure()
    {
        switch (_check.OnFailure)
        {
            case HealthCheck.OnFailureKill:
                KillProgram();
                break;
            case HealthCheck.OnFailureRestart:
                _control.RequestRestart();
                KillProgram();
                break;
            case HealthCheck.OnFailureStop:
                _control.RequestStop();
                var pid = _pid;
                ProcessSignals.TrySend(pid, ProcessSignals.SIGTERM);
                // As Stop does: SIGKILL if it has not exited after the default stop timeout (RunEnded pulses the gate).
                var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
                while (_pid == pid && DateTimeOffset.UtcNow < deadline) System.Threading.Monitor.Wait(_gate, deadline - DateTimeOffset.UtcNow);
                if (_pid == pid) KillProgram();
                break;
        }
    }

    private void KillProgram()
    {
        if (_cgroup is not null && _cgroup.Exists) _cgroup.KillAll();
        else if (_pid > 0) ProcessSignals.TrySend(_pid, ProcessSignals.SIGKILL);
    }

    private void Save()
    {
        try { StateFiles.Write(_paths.HealthFile, _record, MonitorStateJson.Default.MonitorHealthRecord); }
        catch (Exception) { } // best effort: the next probe writes it again
    }

    /// <summary>Pause-Container froze the cgroup (the engine tells ctmon nothing: the freezer is the record).</summary>
    private bool Paused()
    {
        try { return _cgroup is not null && _cgroup.IsFrozen; }
        catch (Exception) { return false; } // the cgroup went with the run: the exit decides, not the probe
    }

    /// <summary>
    /// One probe: launched like an exec (ctinit joins the container), its output read until it exits or the timeout
    /// passes. Null when the container was paused meanwhile: a probe frozen with it has no result (as Docker drops it).
    /// </summary>
    private HealthProbeResult? Probe(int pid)
    {
        var start = DateTimeOffset.UtcNow;
        var bundle = Path.Combine(_paths.Directory, "health-probe");
        int probePid;
        int outRead = -1;
        try
        {
            // The engine wrote the probe's spec at Start; only the pid of this run is missing.
            var template = File.ReadAllText(_paths.HealthProbeTemplateFile);
            Directory.CreateDirectory(bundle);
            File.WriteAllText(Path.Combine(bundle, "config.json"), template.Replace($"/proc/{JoinedProcessSpec.PidPlaceholder}/", $"/proc/{pid}/"));
            // The container's filter, precompiled: without it ctinit would compile it with libseccomp at every probe.
            CompiledSeccomp.ShareInto(_paths.BundleDirectory, bundle);
            var devNull = FileDescriptors.Open("/dev/null", FileDescriptors.ReadOnly);
            var (read, write) = FileDescriptors.Pipe();
            outRead = read;
            try
            {
                probePid = ContainerLauncher.Start(new LaunchRequest
                {
                    BundlePath = bundle,
                    StdinFd = devNull,
                    StdoutFd = write,
                    StderrFd = write,
                    CgroupJoinFiles = _cgroup?.JoinFiles ?? [],
                    InitPath = _initPath,
                    JoinExisting = true,
                }).Pid;
            }
            finally
            {
                FileDescriptors.Close(write);
                FileDescriptors.Close(devNull);
            }
        }
        catch (Exception ex)
        {
            FileDescriptors.Close(outRead);
            return new HealthProbeResult { Start = start, End = DateTimeOffset.UtcNow, ExitCode = -1, Output = $"The health probe could not run: {ex.Message}" };
        }
        finally
        {
            try { Directory.Delete(bundle, recursive: true); } catch (IOException) { }
        }
        var output = ReadUntilExit(outRead, start + _check.Timeout, out var timedOut);
        FileDescriptors.Close(outRead);
        var paused = timedOut && Paused();
        if (timedOut) ProcessSignals.TrySend(probePid, ProcessSignals.SIGKILL);
        var status = ProcessWait.Wait(probePid);
        if (paused) return null;
        return new HealthProbeResult
        {
            Start = start,
            End = DateTimeOffset.UtcNow,
            // Docker records a probe that timed out as -1 with this output.
            ExitCode = timedOut ? -1 : status.ShellCode,
            Output = timedOut ? $"Health check exceeded timeout ({_check.Timeout.TotalSeconds:0.###}s)" : output,
        };
    }

    private static string ReadUntilExit(int fd, DateTimeOffset deadline, out bool timedOut)
    {
        var kept = new List<byte>();
        var buffer = new byte[4096];
        Span<bool> ready = stackalloc bool[1];
        timedOut = false;
        while (true)
        {
            var left = (int)Math.Max(0, (deadline - DateTimeOffset.UtcNow).TotalMilliseconds);
            if (!Polling.WaitReadable([fd], ready, left))
            {
                timedOut = true;
                break;
            }
            var n = FileDescriptors.Read(fd, buffer);
            if (n <= 0) break;
            if (kept.Count < MaxOutput) kept.AddRange(buffer.AsSpan(0, Math.Min(n, MaxOutput - kept.Count)).ToArray());
        }
        return Encoding.UTF8.GetString(kept.ToArray());
    }
}

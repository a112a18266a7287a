using System.Text;
using System.Text.Json;
using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.Api.Streams;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Events;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Attach;
using ContainerTools.Runtime.Terminals;

namespace ContainerTools.Api.Endpoints;

/// <summary>What streams out of a container: attach (hijacked), logs, wait, stats, top.</summary>
internal static class ContainerStreamEndpoints
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static void Map(Router router, ApiEngine engine)
    {
        router.Post("/containers/{id}/attach", (req, res) => Attach(engine, req, res));
        router.Get("/containers/{id}/logs", (req, res) => Logs(engine, req, res));
        router.Post("/containers/{id}/wait", (req, res) => Wait(engine, req, res));
        router.Get("/containers/{id}/stats", (req, res) => Stats(engine, req, res));
        router.Get("/containers/{id}/top", (req, res) => Top(engine, req, res));
    }

    /// <summary>
    /// POST /containers/{id}/attach: before the start (docker run, start -a) the connection waits for it and gets
    /// the attached run; a running container with a terminal or stdin is attached through its monitor; one without
    /// streams its output from the log.
    /// </summary>
    private static void Attach(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var c = engine.Containers.Resolve(req.Route("id"));
        if (req.QueryBool("logs") && !req.QueryBool("stream"))
        {
            WriteLogs(engine, c, new ContainerLogOptions(), res, timestamps: false, stdout: req.QueryBool("stdout"), stderr: req.QueryBool("stderr"));
            return;
        }
        var stdin = req.QueryBool("stdin") && c.Definition.Interactive;
        var stdout = req.QueryBool("stdout");
        var stderr = req.QueryBool("stderr");
        var tty = c.Definition.Tty;
        if (!ContainerEndpoints.IsActive(c))
        {
            // Registered before the client hears back: it sends the start as soon as the attach is answered.
            var pending = new PendingAttach(stdin, stdout, stderr) { DetachKeys = req.QueryValue("detachKeys") };
            DetachKeys.Parse(pending.DetachKeys);
            engine.Attaches.Add(c.Id, pending);
            HijackedConnection connection;
            try { connection = res.Hijack(req.WantsUpgrade); }
            catch
            {
                engine.Attaches.Withdraw(c.Id, pending);
                throw;
            }
            AttachedRun? run;
            while (true)
            {
                run = pending.WaitForStart(TimeSpan.FromSeconds(1), out var started);
                if (started) break;
                // A container removed without ever starting releases its waiting attaches.
                var now = engine.Containers.TryGet(c.Id);
                if (now is null)
                {
                    engine.Attaches.Withdraw(c.Id, pending);
                    return;
                }
                // Started by another client (Start-Container): its output comes from the log instead.
                if (now.State.StartedAt != c.State.StartedAt)
                {
                    engine.Attaches.Withdraw(c.Id, pending);
                    if (pending.WaitForStart(TimeSpan.Zero, out var late) is { } handed) { run = handed; break; }
                    if (late) return;
                    FollowLog(engine, c.Id, connection, stdout, stderr);
                    return;
                }
            }
            if (run is null) return;
            PumpAttachedRun(engine, run, connection, pending, tty);
            return;
        }
        if (tty || c.Definition.Interactive)
        {
            var attachment = engine.Containers.TryAttachTerminal(c.Id);
            var connection = res.Hijack(req.WantsUpgrade);
            if (attachment is null) return;
            using (attachment)
            {
                engine.Attaches.SetActive(c.Id, attachment);
                try { Pump(attachment, connection, stdin, stdout, stderr, tty, req.QueryValue("detachKeys")); }
                finally { engine.Attaches.ClearActive(c.Id, attachment); }
            }
            return;
        }
        // No terminal, no stdin: what it writes from now on, from its log; with logs=1 (docker-compose up) what it
        // wrote before too, read from the same log, so nothing is lost or repeated between the two.
        var hijacked = res.Hijack(req.WantsUpgrade);
        if (req.QueryBool("logs")) ReplayLog(engine, c.Id, hijacked, stdout, stderr);
        else FollowLog(engine, c.Id, hijacked, stdout, stderr);
    }

    private static void ReplayLog(ApiEngine engine, string id, HijackedConnection connection, bool stdout, bool stderr)
    {
        using var gone = new CancellationTokenSource();
        foreach (var entry in engine.Containers.Logs(id, new ContainerLogOptions { Follow = true }, gone.Token))
        {
            var err = entry.Stream == "stderr";
            if (err ? !stderr : !stdout) continue;
            if (!connection.Write(StdStream.Encode(false, err, Encoding.UTF8.GetBytes(entry.Text))))
            {
                gone.Cancel();
                return;
            }
        }
    }

    private static void FollowLog(ApiEngine engine, string id, HijackedConnection connection, bool stdout, bool stderr)
    {
        foreach (var entry in engine.Containers.Attach(id))
        {
            var err = entry.Stream == "stderr";
            if (err ? !stderr : !stdout) continue;
            if (!connection.Write(StdStream.Encode(false, err, Encoding.UTF8.GetBytes(entry.Text)))) return;
        }
    }

    /// <summary>An attached run (started by this server): its output to the client, the client's input to it, then the exit settled here.</summary>
    private static void PumpAttachedRun(ApiEngine engine, AttachedRun run, HijackedConnection connection, PendingAttach pending, bool tty)
    {
        var id = run.Container.Id;
        if (run.Attachment is { } attachment)
        {
            engine.Attaches.SetActive(id, attachment);
            bool detached;
            try { detached = Pump(attachment, connection, pending.Stdin, pending.Stdout, pending.Stderr, tty, pending.DetachKeys); }
            finally { engine.Attaches.ClearActive(id, attachment); }
            if (detached)
            {
                // Closing the connection hands the exit back to the monitor (its ctcleanup settles it).
                run.Dispose();
                return;
            }
        }
        else
        {
            foreach (var entry in engine.Containers.AttachedOutput(run))
            {
                var err = entry.Stream == "stderr";
                if (err ? !pending.Stderr : !pending.Stdout) continue;
                if (!connection.Write(StdStream.Encode(tty, err, Encoding.UTF8.GetBytes(entry.Text)))) break;
            }
        }
        try
        {
            if (engine.Containers.FinishAttached(run) is { } code) engine.FinishedExitCodes[id] = code;
        }
        catch (ContainerToolsException ex)
        {
            engine.Log($"settling the exit of {id}: {ex.Message}");
        }
    }

    /// <summary>
    /// Copies output to the client (framed without a terminal) and the client's bytes to stdin until the output ends;
    /// true when the client typed the detach keys instead (the container goes on running).
    /// </summary>
    public static bool Pump(InteractiveConnection container, HijackedConnection client, bool stdin, bool stdout, bool stderr, bool tty, string? detachKeys)
    {
        var detached = false;
        if (stdin)
        {
            var keys = DetachKeys.Parse(detachKeys);
            new Thread(() =>
            {
                var buffer = new byte[32 * 1024];
                int n;
                while ((n = client.Read(buffer)) > 0)
                {
                    var pass = keys.Filter(buffer.AsSpan(0, n), out var detach);
                    try { if (pass.Length > 0) container.Write(pass); }
                    catch (Exception) { return; }
                    if (detach)
                    {
                        detached = true;
                        container.Interrupt();
                        return;
                    }
                }
                try { container.CloseInput(); } catch (Exception) { }
            }) { IsBackground = true, Name = "ctapi attach stdin" }.Start();
        }
        var output = new byte[64 * 1024];
        while (true)
        {
            var n = container.Read(output, out var standardError);
            if (n == 0) return Volatile.Read(ref detached);
            if (standardError ? !stderr : !stdout) continue;
            if (!client.Write(StdStream.Encode(tty, standardError, output.AsSpan(0, n)))) return false;
        }
    }

    private static void Logs(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var c = engine.Containers.Resolve(req.Route("id"));
        var stdout = req.QueryBool("stdout");
        var stderr = req.QueryBool("stderr");
        if (!stdout && !stderr) throw ApiException.BadRequest("Bad parameters: you must choose at least one stream");
        var tail = req.QueryValue("tail") is { Length: > 0 } t && t != "all"
            ? (int.TryParse(t, out var n) && n >= 0 ? n : throw ApiException.BadRequest($"invalid tail '{t}'"))
            : (int?)null;
        var since = SystemEndpoints.ParseTime(req.QueryValue("since"), "since");
        if (since == DateTimeOffset.UnixEpoch) since = null;
        var options = new ContainerLogOptions { Tail = tail, Since = since, Follow = req.QueryBool("follow") };
        WriteLogs(engine, c, options, res, req.QueryBool("timestamps"), stdout, stderr, SystemEndpoints.ParseTime(req.QueryValue("until"), "until"));
    }

    private static void WriteLogs(ApiEngine engine, Container c, ContainerLogOptions options, HttpResponse res, bool timestamps, bool stdout, bool stderr, DateTimeOffset? until = null)
    {
        var tty = c.Definition.Tty;
        var stream = res.Stream(200, tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream");
        using var gone = new CancellationTokenSource();
        foreach (var entry in engine.Containers.Logs(c.Id, options, gone.Token))
        {
            if (until is not null && entry.Time > until) break;
            var err = entry.Stream == "stderr";
            if (err ? !stderr : !stdout) continue;
            try { stream.Write(StdStream.Encode(tty, err, Encoding.UTF8.GetBytes(entry.Format(timestamps)))); }
            catch (IOException)
            {
                gone.Cancel();
                return;
            }
        }
        stream.End();
    }

    /// <summary>
    /// POST /containers/{id}/wait?condition=not-running|next-exit|removed. The head goes out at once (docker run
    /// waits for it before starting the container), the exit code when the condition is met.
    /// </summary>
    private static void Wait(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var first = engine.Containers.Resolve(req.Route("id"));
        var id = first.Id;
        var condition = req.QueryValue("condition") is { Length: > 0 } given ? given : "not-running";
        if (condition is not ("not-running" or "next-exit" or "removed")) throw ApiException.BadRequest($"invalid condition: '{condition}'");
        var stream = res.Stream(200, "application/json");
        var lastExit = first.Status == ContainerStatus.Exited ? first.State.ExitCode : null;
        int code;
        while (true)
        {
            var c = engine.Containers.TryGet(id);
            if (c is null)
            {
                code = ExitCodeOfRemoved(engine, id) ?? lastExit ?? 0;
                break;
            }
            if (c.Status == ContainerStatus.Exited) lastExit = c.State.ExitCode;
            var done = condition switch
            {
                "not-running" => !ContainerEndpoints.IsActive(c),
                "next-exit" => c.Status == ContainerStatus.Exited && c.State.FinishedAt != first.State.FinishedAt,
                _ => false,
            };
            if (done)
            {
                code = c.State.ExitCode ?? 0;
                break;
            }
            Thread.Sleep(PollInterval);
        }
        stream.Write(JsonSerializer.SerializeToUtf8Bytes(new { StatusCode = code, Error = (object?)null }, ApiJson.Output));
        stream.Write("\n"u8);
        stream.End();
    }

    /// <summary>A removed container's exit code: from the attached run this server finished, else its last "die" event.</summary>
    private static int? ExitCodeOfRemoved(ApiEngine engine, string id)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            if (engine.FinishedExitCodes.TryRemove(id, out var code)) return code;
            var die = engine.Containers.Events.Read(since: DateTimeOffset.UtcNow.AddHours(-1)).LastOrDefault(e => e.Id == id && e.Action == ContainerEventActions.Die);
            if (die is not null && die.Attributes.TryGetValue("exitCode", out var text) && int.TryParse(text, out var fromEvent)) return fromEvent;
            Thread.Sleep(PollInterval);
        }
        return null;
    }

    private static void Stats(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var c = engine.Containers.Resolve(req.Route("id"));
        var stream = req.QueryBool("stream", fallback: true) && !req.QueryBool("one-shot");
        ContainerStatisticsSample? previous = null;
        if (!stream)
        {
            // docker stats --no-stream shows CPU from two readings: take them a moment apart, as dockerd does.
            previous = Sample(engine, c.Id);
            if (previous is not null) Thread.Sleep(TimeSpan.FromMilliseconds(500));
            res.Json(200, StatsView(c, Sample(engine, c.Id), previous));
            return;
        }
        var output = res.Stream(200, "application/json");
        while (true)
        {
            var current = Sample(engine, c.Id);
            try
            {
                output.Write(JsonSerializer.SerializeToUtf8Bytes(StatsView(c, current, previous), ApiJson.Output));
                output.Write("\n"u8);
            }
            catch (IOException) { return; }
            if (current is null) break;
            previous = current;
            Thread.Sleep(TimeSpan.FromSeconds(1));
        }
        output.End();
    }

    private static ContainerStatisticsSample? Sample(ApiEngine engine, string id)
    {
        try { return engine.Containers.SampleStatistics(id); }
        catch (ContainerToolsException) { return null; }
    }

    /// <summary>Docker's stats document: the fields docker stats reads (cpu and precpu, memory, networks, blkio, pids).</summary>
    private static object StatsView(Container c, ContainerStatisticsSample? s, ContainerStatisticsSample? previous)
    {
        static object Cpu(ContainerStatisticsSample? x) => new
        {
            cpu_usage = new { total_usage = x?.CpuUsageNanoseconds ?? 0, usage_in_kernelmode = 0L, usage_in_usermode = 0L },
            system_cpu_usage = x is null ? 0L : (long)(x.Timestamp * (1_000_000_000.0 / System.Diagnostics.Stopwatch.Frequency)) * Environment.ProcessorCount,
            online_cpus = Environment.ProcessorCount,
            throttling_data = new { periods = 0, throttled_periods = 0, throttled_time = 0 },
        };
        return new
        {
            read = DockerFormat.Time(s?.Time),
            preread = DockerFormat.Time(previous?.Time),
            id = c.Id,
            name = "/" + c.Name,
            pids_stats = new { current = s?.Pids ?? 0 },
            num_procs = 0,
            cpu_stats = Cpu(s),
            precpu_stats = Cpu(previous),
            memory_stats = s is null ? (object)new { } : new
            {
                usage = s.MemoryUsageBytes ?? 0,
                limit = s.MemoryLimitBytes is { } limit and > 0 and < long.MaxValue / 2 ? limit : SystemEndpoints.MemoryTotal(),
                stats = new Dictionary<string, long>(),
            },
            networks = new Dictionary<string, object>
            {
                ["eth0"] = new { rx_bytes = s?.NetworkRxBytes ?? 0, rx_packets = 0, rx_errors = 0, rx_dropped = 0, tx_bytes = s?.NetworkTxBytes ?? 0, tx_packets = 0, tx_errors = 0, tx_dropped = 0 },
            },
            blkio_stats = new
            {
                io_service_bytes_recursive = new[]
                {
                    new { major = 0, minor = 0, op = "read", value = s?.BlockReadBytes ?? 0 },
                    new { major = 0, minor = 0, op = "write", value = s?.BlockWriteBytes ?? 0 },
                },
            },
        };
    }

    private static void Top(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var c = engine.Containers.Resolve(req.Route("id"));
        if (!ContainerEndpoints.IsActive(c)) throw ApiException.Conflict($"Container {c.Id} is not running");
        var processes = engine.Containers.Processes(c.Id);
        res.Json(200, new
        {
            Titles = new[] { "UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD" },
            Processes = processes.Select(p => new[] { p.User, p.HostPid.ToString(System.Globalization.CultureInfo.InvariantCulture), "", "0", "", "?", "00:00:00", string.Join(' ', p.CommandLine) }).ToArray(),
        });
    }
}

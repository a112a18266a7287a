using System.Text;
using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.Api.Streams;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Containers.Exec;

namespace ContainerTools.Api.Endpoints;

/// <summary>Exec instances: create, start (hijacked, or detached), resize, inspect.</summary>
internal static class ExecEndpoints
{
    private sealed record ExecCreateBody
    {
        public bool AttachStdin { get; init; }
        public bool AttachStdout { get; init; }
        public bool AttachStderr { get; init; }
        public bool Tty { get; init; }
        public string? DetachKeys { get; init; }
        public List<string>? Env { get; init; }
        public StringOrList? Cmd { get; init; }
        public bool Privileged { get; init; }
        public string? User { get; init; }
        public string? WorkingDir { get; init; }
        public List<int>? ConsoleSize { get; init; }
    }

    private sealed record ExecStartBody
    {
        public bool Detach { get; init; }
        public bool Tty { get; init; }
        public List<int>? ConsoleSize { get; init; }
    }

    public static void Map(Router router, ApiEngine engine)
    {
        router.Post("/containers/{id}/exec", (req, res) =>
        {
            var c = engine.Containers.Resolve(req.Route("id"));
            var body = req.ReadJson<ExecCreateBody>() ?? throw ApiException.BadRequest("the request body is required: an exec config");
            if (body.Cmd?.Items is not { Count: > 0 } command) throw ApiException.BadRequest("No exec command specified");
            if (!ContainerEndpoints.IsActive(c)) throw ApiException.Conflict($"Container {c.Id} is not running");
            if (body.Privileged) throw ApiException.BadRequest("privileged exec is not supported by ContainerTools yet");
            var options = new ExecOptions
            {
                Command = command,
                User = string.IsNullOrEmpty(body.User) ? null : body.User,
                WorkingDirectory = string.IsNullOrEmpty(body.WorkingDir) ? null : body.WorkingDir,
                Environment = body.Env,
                OpenStandardInput = body.AttachStdin,
                Tty = body.Tty,
                TerminalSize = body.ConsoleSize is [var h, var w] && h > 0 && w > 0 ? new OciRuntime.Launch.TerminalSize((ushort)w, (ushort)h) : null,
            };
            DetachKeys.Parse(body.DetachKeys);
            var session = engine.Execs.Add(c.Id, options, body.AttachStdin, body.AttachStdout, body.AttachStderr, body.Privileged);
            session.DetachKeys = body.DetachKeys;
            res.Json(201, new { Id = session.Id });
        });
        router.Post("/exec/{id}/start", (req, res) => Start(engine, req, res));
        router.Post("/exec/{id}/resize", (req, res) =>
        {
            var session = Find(engine, req);
            var size = ContainerEndpoints.Size(req);
            session.Process?.Terminal?.Resize(size);
            res.Empty(200);
        });
        router.Get("/exec/{id}/json", (req, res) =>
        {
            var s = Find(engine, req);
            res.Json(200, new
            {
                CanRemove = false,
                ContainerID = s.ContainerId,
                DetachKeys = "",
                ExitCode = s.ExitCode,
                ID = s.Id,
                OpenStderr = s.AttachStderr,
                OpenStdin = s.AttachStdin,
                OpenStdout = s.AttachStdout,
                ProcessConfig = new
                {
                    arguments = s.Options.Command.Skip(1).ToArray(),
                    entrypoint = s.Options.Command[0],
                    privileged = s.Privileged,
                    tty = s.Options.Tty,
                    user = s.Options.User ?? "",
                },
                Running = s.Running,
                Pid = s.Pid,
            });
        });
    }

    private static ExecSession Find(ApiEngine engine, HttpRequest req) =>
        engine.Execs.Find(req.Route("id")) ?? throw ApiException.NotFound($"No such exec instance: {req.Route("id")}");

    private static void Start(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var session = Find(engine, req);
        var body = req.ReadJson<ExecStartBody>() ?? new ExecStartBody();
        lock (session)
        {
            if (session.Started) throw ApiException.Conflict($"Exec {session.Id} has already been started");
            session.Started = true;
        }
        if (body.Detach)
        {
            try
            {
                var started = engine.Containers.ExecDetached(session.ContainerId, session.Options);
                session.Pid = started.Pid;
            }
            catch (ContainerToolsException ex)
            {
                session.ExitCode = ex.ExitCode;
                throw;
            }
            res.Empty(200);
            return;
        }
        var connection = res.Hijack(req.WantsUpgrade);
        ExecProcess process;
        try
        {
            process = engine.Containers.Exec(session.ContainerId, session.Options);
        }
        catch (ContainerToolsException ex)
        {
            // The head is out: the failure goes to the client's stderr, and its exit code (126, 127) to exec inspect.
            session.ExitCode = ex.ExitCode;
            connection.Write(StdStream.Encode(session.Options.Tty, standardError: true, Encoding.UTF8.GetBytes(ex.Message + "\r\n")));
            return;
        }
        session.Pid = process.Pid;
        session.Process = process;
        session.Running = true;
        var detached = false;
        try
        {
            if (process.Terminal is { } terminal)
            {
                process.EndTerminalOnExit();
                detached = ContainerStreamEndpoints.Pump(terminal, connection, session.AttachStdin, stdout: true, stderr: true, tty: true, session.DetachKeys);
            }
            else
            {
                PumpPipes(process, connection, session);
            }
        }
        finally
        {
            // Detached with the keys: the process goes on; it is reaped (and its exit code kept) when it ends.
            var reap = () =>
            {
                try { session.ExitCode = process.WaitForExit(); }
                finally
                {
                    session.Running = false;
                    session.Process = null;
                    process.Dispose();
                }
            };
            if (detached) new Thread(() => reap()) { IsBackground = true, Name = "ctapi exec reaper" }.Start();
            else reap();
        }
    }

    /// <summary>Without a terminal: stdout and stderr as frames, each from its own thread; the client's bytes to stdin.</summary>
    private static void PumpPipes(ExecProcess process, HijackedConnection connection, ExecSession session)
    {
        if (session.AttachStdin && process.StandardInput is { } input)
        {
            new Thread(() =>
            {
                var buffer = new byte[32 * 1024];
                int n;
                try
                {
                    while ((n = connection.Read(buffer)) > 0) input.Write(buffer, 0, n);
                }
                catch (IOException) { }
                catch (ObjectDisposedException) { }
                try { process.CloseStandardInput(); } catch (Exception) { }
            }) { IsBackground = true, Name = "ctapi exec stdin" }.Start();
        }
        void Copy(Stream from, bool standardError, bool wanted)
        {
            var buffer = new byte[64 * 1024];
            int n;
            try
            {
                while ((n = from.Read(buffer, 0, buffer.Length)) > 0)
                    if (wanted) connection.Write(StdStream.Frame(standardError ? StdStream.Stderr : StdStream.Stdout, buffer.AsSpan(0, n)));
            }
            catch (IOException) { }
        }
        var errors = new Thread(() => Copy(process.StandardError, true, session.AttachStderr)) { IsBackground = true, Name = "ctapi exec stderr" };
        errors.Start();
        Copy(process.StandardOutput, false, session.AttachStdout);
        errors.Join();
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Storage;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Api;

/// <summary>The result of one docker CLI run.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
}

/// <summary>How <see cref="ApiServer"/> starts ctapi beyond its defaults.</summary>
public sealed record ApiServerOptions
{
    /// <summary>Added to ctapi's command line (--tcp and its TLS files).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>
    /// Started as systemd's socket activation starts it: a stand-in (<see cref="SocketActivation"/>) binds the socket
    /// and execs ctapi, without --socket, with the socket as fd 3, LISTEN_FDS=1 and LISTEN_PID=its pid.
    /// </summary>
    public bool SocketActivated { get; init; }
}

/// <summary>
/// ctapi (as ./build.sh put it in out/ContainerTools) serving a fresh store that holds a busybox image, on a socket in
/// the test's own directory. Clients: the docker CLIs (DOCKER_HOST pointed at the socket, a private DOCKER_CONFIG),
/// docker-compose, raw HTTP. Dispose removes every container through the engine, stops ctapi, resets the store (its
/// networks' bridges and rules too), and checks that nothing is left mounted before deleting the directory.
/// </summary>
public sealed class ApiServer : IDisposable
{
    public const string Docker20 = "/usr/bin/docker";
    public const string Docker28 = "/usr/local/bin/docker";
    public const string Compose = "/usr/bin/docker-compose";

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public ApiServer() : this(new ApiServerOptions())
    {
    }

    public ApiServer(ApiServerOptions options)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ct-api-").FullName;
        RootPath = Path.Combine(Directory, "store");
        Root = new StoreRoot(RootPath);
        var archive = Path.Combine(Directory, "busybox.tar");
        TestImages.BuildDockerArchive(archive, "busybox:latest");
        new ImageStore(Root).Import(archive, null);
        File.Delete(archive);
        System.IO.Directory.CreateDirectory(ConfigDirectory);
        IEnumerable<string> arguments = ["--root", RootPath, "--debug", .. options.Arguments];
        var start = options.SocketActivated
            ? SocketActivation.StartInfo(SocketPath, "0660", SocketActivation.ListenPidOfCtapi, Binary, arguments)
            : new ProcessStartInfo(Binary, ["--socket", SocketPath, .. arguments]);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !Answers(); Thread.Sleep(50))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"ctapi did not start listening on {SocketPath}: {Log}");
        }
    }

    /// <summary>out/ContainerTools/ctapi from ./build.sh.</summary>
    public static string Binary
    {
        get
        {
            var path = Path.Combine(HelperBinaries.RepositoryRoot, "out", "ContainerTools", "ctapi");
            if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing: run ./build.sh first.");
            return path;
        }
    }

    public string Directory { get; }
    public string RootPath { get; }
    public StoreRoot Root { get; }
    public string SocketPath => Path.Combine(Directory, "docker.sock");
    public string DockerHost => "unix://" + SocketPath;
    public string ConfigDirectory => Path.Combine(Directory, "docker-config");
    public string Log { get { lock (_log) return _log.ToString(); } }
    public bool IsRunning => !_process.HasExited;
    /// <summary>ctapi's pid (socket-activated too: the stand-in execs it).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Stops ctapi as systemd and Ctrl-C do (SIGTERM) and returns its exit code.</summary>
    public int Terminate()
    {
        Signals.Send(_process.Id, Signals.SigTerm);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) Assert.Fail($"ctapi did not exit on SIGTERM: {Log}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>The engine's own view of the store (what Get-Container lists).</summary>
    public ContainerStore Engine => new(Root, new ImageStore(Root), new ContainerStoreOptions
    {
        MonitorPath = HelperBinaries.Monitor,
        InitPath = HelperBinaries.Init,
        CleanupPath = HelperBinaries.Cleanup,
    });

    public CliResult Docker(params string[] arguments) => DockerWith(Docker20, arguments);

    public CliResult DockerWith(string cli, params string[] arguments) => Run(cli, arguments, null);

    public CliResult Run(string program, IEnumerable<string> arguments, string? workingDirectory, TimeSpan? timeout = null, string? input = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = workingDirectory ?? Directory,
            Environment = { ["DOCKER_HOST"] = DockerHost, ["DOCKER_CONFIG"] = ConfigDirectory, ["COMPOSE_INTERACTIVE_NO_CLI"] = "1" },
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            var containers = string.Join(", ", Engine.List().Select(c => $"{c.Name} {c.Status} exit={c.State.ExitCode} pending={c.PendingExit}"));
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish: {output.Result}{error.Result}\ncontainers: {containers}\nctapi: {Log}");
        }
        return new CliResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Sends raw bytes on a new connection and returns what came back until the server closed or went quiet.</summary>
    public string Raw(byte[] request, TimeSpan? quiet = null) => Raw(SocketPath, request, quiet);

    public string Raw(string request) => Raw(Encoding.Latin1.GetBytes(request));

    /// <summary>Sends raw bytes on a new connection to the unix socket at <paramref name="socketPath"/>; see <see cref="Raw(byte[], TimeSpan?)"/>.</summary>
    public static string Raw(string socketPath, byte[] request, TimeSpan? quiet = null)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        socket.ReceiveTimeout = (int)(quiet ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
        try { socket.Send(request); }
        catch (SocketException) { }
        var received = new MemoryStream();
        var buffer = new byte[65536];
        try
        {
            int n;
            while ((n = socket.Receive(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
                if (LooksComplete(received.ToArray())) break;
            }
        }
        catch (SocketException) { }
        return Encoding.Latin1.GetString(received.ToArray());
    }

    // A whole Content-Length response: stop reading there (the connection stays open for the next request).
    private static bool LooksComplete(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        var match = System.Text.RegularExpressions.Regex.Match(text[..end], @"Content-Length: (\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        return match.Success && bytes.Length >= end + 4 + int.Parse(match.Groups[1].Value);
    }

    public bool Answers() => Answers(SocketPath);

    /// <summary>Whether a ctapi answers /_ping on the unix socket at <paramref name="socketPath"/>.</summary>
    public static bool Answers(string socketPath, TimeSpan? quiet = null)
    {
        if (!File.Exists(socketPath)) return false;
        try { return Raw(socketPath, "GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n"u8.ToArray(), quiet).Contains("\r\n\r\nOK"); }
        catch (SocketException) { return false; }
    }

    public void Dispose()
    {
        var leftovers = new List<string>();
        try
        {
            foreach (var container in Engine.List())
            {
                try { Engine.Remove(container.Id, force: true); }
                catch (Exception ex) { leftovers.Add($"{container.Name}: {ex.Message}"); }
            }
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        // A test that failed half-way may leave a network (a bridge and its iptables rules) or a volume: the store's reset
        // takes them, so one failure does not leak onto the host and into the next tests' iptables checks.
        try { new ContainerTools.Runtime.Maintenance.StoreReset(Engine).Reset(); }
        catch (Exception ex) { leftovers.Add($"reset: {ex.Message}"); }
        var mounts = OverlayMount.MountsUnder(Directory);
        foreach (var mount in mounts) OverlayMount.Unmount(mount);
        if (mounts.Count == 0) System.IO.Directory.Delete(Directory, recursive: true);
        Assert.True(leftovers.Count == 0, string.Join("\n", leftovers));
        Assert.Empty(mounts);
    }
}

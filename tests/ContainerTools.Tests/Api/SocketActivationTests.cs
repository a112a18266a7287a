using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ContainerTools.Runtime.Storage;
using ContainerTools.Tests.Fixtures;
using ContainerTools.Tests.Registry;

namespace ContainerTools.Tests.Api;

/// <summary>
/// ctapi started by systemd's socket activation (module/systemd/containertools-api.socket and .service), emulated by
/// <see cref="SocketActivation"/>: it serves the socket passed as fd 3 when LISTEN_PID names it, ignores the variables
/// when they name another process (as sd_listen_fds does), refuses a TCP socket, and leaves systemd's socket file in
/// place when it stops. No containers: version and ps only.
/// </summary>
public sealed class SocketActivationTests
{
    private const int CloseOnExec = 0x80000; // O_CLOEXEC in /proc/PID/fdinfo's octal flags

    [Fact]
    public void DockerCliIsServedOnTheSocketSystemdPasses()
    {
        using var server = new ApiServer(new ApiServerOptions { SocketActivated = true });
        var version = server.Docker("version", "--format", "{{.Server.Platform.Name}}");
        Assert.True(version.ExitCode == 0, $"{version}\nctapi: {server.Log}");
        Assert.Equal("ContainerTools\n", version.Output);
        var ps = server.Docker("ps", "-a", "--format", "{{.Names}}");
        Assert.True(ps.ExitCode == 0, ps.ToString());

        // As sd_listen_fds: the passed socket is close-on-exec, so no child (ctmon, an exec) keeps it open.
        Assert.StartsWith("socket:", ReadLink($"/proc/{server.ProcessId}/fd/3"));
        Assert.True((FdFlags(server.ProcessId, 3) & CloseOnExec) != 0, File.ReadAllText($"/proc/{server.ProcessId}/fdinfo/3"));

        // The socket file is systemd's: ctapi stops on SIGTERM and leaves it for the next activation.
        Assert.Equal(0, server.Terminate());
        Assert.True(File.Exists(server.SocketPath), "ctapi deleted the socket systemd made");
        Assert.Contains("on the socket systemd passed", server.Log);
    }

    [Fact]
    public void ListenPidOfAnotherProcessIsIgnored()
    {
        var directory = Directory.CreateTempSubdirectory("ct-api-activation-").FullName;
        try
        {
            var passed = Path.Combine(directory, "passed.sock");
            var own = Path.Combine(directory, "own.sock");
            // LISTEN_PID names this test's process, not ctapi: ctapi makes its own socket, as without systemd.
            using var ctapi = Start(SocketActivation.StartInfo(passed, "0660", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                ApiServer.Binary, ["--socket", own, "--root", Path.Combine(directory, "store"), "--debug"]));
            var error = ctapi.StandardError.ReadToEndAsync();
            bool servedOwn, passedExists, servedPassed;
            try
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!(servedOwn = ApiServer.Answers(own)) && !ctapi.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(50);
                // The passed socket still exists (the stand-in made it) but nobody serves it.
                passedExists = File.Exists(passed);
                servedPassed = ApiServer.Answers(passed, TimeSpan.FromSeconds(3));
            }
            finally
            {
                ctapi.Kill();
                ctapi.WaitForExit();
            }
            Assert.True(servedOwn, $"ctapi did not serve {own}: {error.Result}");
            Assert.True(passedExists, "the stand-in did not make the passed socket");
            Assert.False(servedPassed, "ctapi served a socket whose LISTEN_PID was not its own");
            Assert.Contains($"on {own}", error.Result);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ATcpSocketFromSystemdIsRefused()
    {
        var directory = Directory.CreateTempSubdirectory("ct-api-activation-").FullName;
        try
        {
            var address = $"127.0.0.1:{LoopbackHttpServer.FreePort()}";
            using var ctapi = Start(SocketActivation.StartInfo(address, "0660", SocketActivation.ListenPidOfCtapi,
                ApiServer.Binary, ["--root", Path.Combine(directory, "store")]));
            var error = ctapi.StandardError.ReadToEndAsync();
            if (!ctapi.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                ctapi.Kill();
                ctapi.WaitForExit();
                Assert.Fail($"ctapi served a TCP socket from systemd without TLS: {error.Result}");
            }
            Assert.True(ctapi.ExitCode == 1, $"exit {ctapi.ExitCode}: {error.Result}");
            Assert.Contains("not a unix stream socket", error.Result);
            Assert.DoesNotContain("   at ", error.Result);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The units start ctapi the way it expects: the socket it would make itself, the store it would serve, ctapi from the module folder.</summary>
    [Fact]
    public void UnitsMatchWhatCtapiExpects()
    {
        var units = Path.Combine(HelperBinaries.RepositoryRoot, "module", "systemd");
        var socket = UnitSettings(Path.Combine(units, "containertools-api.socket"));
        var service = UnitSettings(Path.Combine(units, "containertools-api.service"));

        using var help = Start(new ProcessStartInfo(ApiServer.Binary, ["--help"]));
        var usage = help.StandardOutput.ReadToEnd();
        help.WaitForExit();
        Assert.Equal(0, help.ExitCode);
        var defaultSocket = Regex.Match(usage, @"--socket defaults to (\S+),").Groups[1].Value;
        Assert.Equal(defaultSocket, Assert.Single(socket["ListenStream"]));
        Assert.Equal("0660", Assert.Single(socket["SocketMode"]));
        Assert.Equal("docker", Assert.Single(socket["SocketGroup"]));

        Assert.Contains("containertools-api.socket", Assert.Single(service["Requires"]));
        Assert.Contains("containertools-api.socket", Assert.Single(service["After"]));
        var command = Assert.Single(service["ExecStart"]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(Path.IsPathRooted(command[0]), command[0]);
        Assert.Equal("ctapi", Path.GetFileName(command[0]));
        Assert.Contains("/ContainerTools/", command[0]);
        // No --socket: the passed socket is served, and a --socket different from ListenStream would only mislead.
        Assert.DoesNotContain("--socket", command);
        Assert.Equal($"{StoreRoot.EnvironmentVariable}={StoreRoot.DefaultPath}", Assert.Single(service["Environment"]));
        Assert.Contains($"{StoreRoot.EnvironmentVariable}, else {StoreRoot.DefaultPath}", usage);
        // Containers outlive the service: stopping it must not kill their monitors.
        Assert.Equal("process", Assert.Single(service["KillMode"]));
    }

    private static Process Start(ProcessStartInfo start)
    {
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        return Process.Start(start)!;
    }

    private static Dictionary<string, List<string>> UnitSettings(string path)
    {
        var settings = new Dictionary<string, List<string>>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || line.StartsWith('[') || !line.Contains('=')) continue;
            var at = line.IndexOf('=');
            var name = line[..at].Trim();
            if (!settings.TryGetValue(name, out var values)) settings[name] = values = [];
            values.Add(line[(at + 1)..].Trim());
        }
        return settings;
    }

    private static string ReadLink(string path) => new FileInfo(path).LinkTarget ?? "";

    private static int FdFlags(int pid, int fd)
    {
        var flags = File.ReadLines($"/proc/{pid}/fdinfo/{fd}").Single(l => l.StartsWith("flags:", StringComparison.Ordinal));
        return Convert.ToInt32(flags["flags:".Length..].Trim(), 8);
    }
}

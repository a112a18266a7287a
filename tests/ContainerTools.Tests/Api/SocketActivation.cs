using System.Diagnostics;

namespace ContainerTools.Tests.Api;

/// <summary>
/// systemd's socket activation without systemd (none runs here): a python3 stand-in binds the listening socket as a
/// .socket unit would, moves it to fd 3 (SD_LISTEN_FDS_START), sets LISTEN_FDS=1, LISTEN_FDNAMES and LISTEN_PID, and
/// execs the program, so the pid it names is the program's own (execve keeps the pid), as systemd's exec does.
/// </summary>
public static class SocketActivation
{
    /// <summary>LISTEN_PID is the exec'd program's own pid (what systemd sets).</summary>
    public const string ListenPidOfCtapi = "self";

    // argv: ADDRESS MODE LISTEN_PID PROGRAM ARGS... ; ADDRESS is a unix socket path (made with MODE) or IP:PORT (TCP).
    private const string StandIn = """
        import os, socket, sys
        address, mode, listen_pid, program, *arguments = sys.argv[1:]
        if address.startswith("/"):
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(address)
            os.chmod(address, int(mode, 8))
        else:
            host, port = address.rsplit(":", 1)
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.bind((host, int(port)))
        listener.listen(128)
        if listener.fileno() == 3:
            os.set_inheritable(3, True)
        else:
            os.dup2(listener.fileno(), 3)
        environment = dict(os.environ, LISTEN_FDS="1", LISTEN_FDNAMES="containertools-api.socket",
                           LISTEN_PID=str(os.getpid()) if listen_pid == "self" else listen_pid)
        os.execve(program, [program] + arguments, environment)
        """;

    /// <summary>
    /// Starts <paramref name="program"/> with a listening socket on <paramref name="address"/> passed as fd 3;
    /// <paramref name="listenPid"/> is <see cref="ListenPidOfCtapi"/> or another process's pid.
    /// </summary>
    public static ProcessStartInfo StartInfo(string address, string mode, string listenPid, string program, IEnumerable<string> arguments) =>
        new("/usr/bin/python3", ["-c", StandIn, address, mode, listenPid, program, .. arguments]);
}

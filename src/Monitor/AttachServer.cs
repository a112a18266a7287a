using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Attach;

namespace ContainerTools.Monitor;

/// <summary>
/// Serves the attach socket (see AttachProtocol): every client gets the container's output as it is read, then its
/// exit code, and may write to its stdin and resize its terminal. One thread accepts, one per client reads; output is
/// sent by the log pumps. Every container has one; an attached run's engine is a client from before the launch.
/// </summary>
internal sealed class AttachServer : IDisposable
{
    private const int BacklogLimit = 8192;
    // A client that takes no output for this long is dropped: it must not stall the container (whose writes block
    // once the pty or pipe is full) nor its log.
    private static readonly TimeSpan StalledClient = TimeSpan.FromSeconds(3);
    private readonly int _listener;
    private readonly string _path;
    private readonly object _clientsGate = new();
    private readonly List<int> _clients = [];
    // Clients that settle the exit themselves (AttachProtocol.ClaimExit) and are still connected.
    private readonly HashSet<int> _claimers = [];
    private readonly object _inputGate = new();
    private byte[]? _backlog = new byte[BacklogLimit];
    private int _backlogLength;
    private byte _backlogKind = AttachProtocol.Stdout;
    private int _input = -1;
    private bool _terminal;
    private bool _acceptInput;
    private bool _closed;
    private bool _serving;

    private AttachServer(int listener, string path)
    {
        _listener = listener;
        _path = path;
    }

    /// <summary>Listens before the container starts, so a caller of Start can connect as soon as it returns.</summary>
    public static AttachServer Listen(string directory) =>
        new(UnixSockets.Listen(directory, AttachProtocol.SocketName), Path.Combine(directory, AttachProtocol.SocketName));

    /// <summary>
    /// Starts accepting. <paramref name="input"/> (owned from now on; -1 for none) receives the clients' input: the pty
    /// master when <paramref name="terminal"/>, which resize messages then size; else the write end of the stdin pipe.
    /// Without <paramref name="acceptInput"/> (docker run -t without -i) input messages are dropped.
    /// </summary>
    /// A restarted program's input replaces the previous run's; clients stay connected across restarts.
    public void Serve(int input, bool terminal, bool acceptInput = true)
    {
        lock (_inputGate)
        {
            FileDescriptors.Close(_input);
            _input = input;
            _terminal = terminal;
            _acceptInput = acceptInput;
        }
        if (_serving) return;
        _serving = true;
        NativeThread.Start(AcceptLoop, "attach");
    }

    /// <summary>Sends output to every client; before the first one connects, keeps the latest 8 KiB for it.</summary>
    public void Broadcast(byte kind, ReadOnlySpan<byte> data)
    {
        lock (_clientsGate)
        {
            if (_clients.Count == 0)
            {
                if (_backlog is not null) Keep(kind, data);
                return;
            }
            for (var offset = 0; offset < data.Length; offset += AttachProtocol.MaxPayload)
            {
                var chunk = data.Slice(offset, Math.Min(AttachProtocol.MaxPayload, data.Length - offset));
                foreach (var client in _clients.ToArray()) SendTo(client, kind, chunk);
            }
        }
    }

    private void Keep(byte kind, ReadOnlySpan<byte> data)
    {
        // A pty has one stream; on pipes the backlog is mostly a prompt, and keeping its last stream is enough.
        _backlogKind = kind;
        if (data.Length >= BacklogLimit)
        {
            data[^BacklogLimit..].CopyTo(_backlog);
            _backlogLength = BacklogLimit;
            return;
        }
        var drop = Math.Max(0, _backlogLength + data.Length - BacklogLimit);
        if (drop > 0)
        {
            Array.Copy(_backlog!, drop, _backlog!, 0, _backlogLength - drop);
            _backlogLength -= drop;
        }
        data.CopyTo(_backlog.AsSpan(_backlogLength));
        _backlogLength += data.Length;
    }

    private static void SendTo(int client, byte kind, ReadOnlySpan<byte> payload)
    {
        Span<byte> message = stackalloc byte[payload.Length + 1];
        message[0] = kind;
        payload.CopyTo(message[1..]);
        // A client that went away (or stalled: EAGAIN after the send timeout) is shut down here and dropped by its reader
        // thread when that reads end of file.
        try
        {
            if (!UnixSockets.Send(client, message)) UnixSockets.Shutdown(client);
        }
        catch (SystemCallException) { UnixSockets.Shutdown(client); }
    }

    private void AcceptLoop()
    {
        while (true)
        {
            int client;
            try { client = UnixSockets.Accept(_listener); }
            catch (SystemCallException) { return; } // EINVAL once Dispose shut the listener down
            if (!Add(client)) return;
        }
    }

    /// <summary>
    /// A client connected before the launch: the engine's end of an attached run (ctmon's fd 4), which so misses
    /// nothing the container writes.
    /// </summary>
    public void AddConnected(int client)
    {
        FileDescriptors.SetCloseOnExec(client);
        Add(client);
    }

    private bool Add(int client)
    {
        try { UnixSockets.SetSendTimeout(client, StalledClient); }
        catch (SystemCallException) { } // then it can only stall us, as before
        lock (_clientsGate)
        {
            if (_closed)
            {
                FileDescriptors.Close(client);
                return false;
            }
            if (_backlog is not null)
            {
                if (_backlogLength > 0) SendTo(client, _backlogKind, _backlog.AsSpan(0, _backlogLength));
                _backlog = null;
            }
            _clients.Add(client);
        }
        NativeThread.Start(() => ReadClient(client), "attach client");
        return true;
    }

    /// <summary>After exit.json is written: every client gets the exit code.</summary>
    public void SendExit(int exitCode)
    {
        var message = AttachProtocol.EncodeExit(exitCode);
        lock (_clientsGate)
        {
            foreach (var client in _clients.ToArray()) SendTo(client, message[0], message.AsSpan(1));
        }
    }

    /// <summary>
    /// Waits until every client that claimed the exit has closed its connection (it settled the exit, or went away);
    /// false when <paramref name="timeout"/> passed first.
    /// </summary>
    public bool WaitForClaimers(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_clientsGate)
        {
            while (_claimers.Count > 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !System.Threading.Monitor.Wait(_clientsGate, left)) return _claimers.Count == 0;
            }
            return true;
        }
    }

    private void ReadClient(int client)
    {
        var buffer = new byte[AttachProtocol.MaxPayload + 1];
        try
        {
            while (true)
            {
                var n = UnixSockets.Receive(client, buffer);
                if (n == 0) break;
                if (buffer[0] == AttachProtocol.ClaimExit)
                {
                    lock (_clientsGate) _claimers.Add(client);
                    continue;
                }
                Handle(buffer[0], buffer.AsSpan(1, n - 1));
            }
        }
        catch (SystemCallException) { }
        lock (_clientsGate)
        {
            _clients.Remove(client);
            if (_claimers.Remove(client)) System.Threading.Monitor.PulseAll(_clientsGate);
            FileDescriptors.Close(client);
        }
    }

    private void Handle(byte kind, ReadOnlySpan<byte> payload)
    {
        lock (_inputGate)
        {
            if (_input < 0) return;
            try
            {
                switch (kind)
                {
                    case AttachProtocol.Input when _acceptInput:
                        FileDescriptors.WriteAll(_input, payload);
                        break;
                    case AttachProtocol.Resize when _terminal && AttachProtocol.DecodeResize(payload) is { } size:
                        PseudoTerminals.SetWindowSize(_input, size.Columns, size.Rows);
                        break;
                    case AttachProtocol.CloseInput when !_terminal:
                        FileDescriptors.Close(_input);
                        _input = -1;
                        break;
                }
            }
            catch (SystemCallException)
            {
                // EIO or EPIPE: the container is gone or closed its stdin; its output's end closes this client.
            }
        }
    }

    /// <summary>After the exit code: every client reads end of file, the socket file goes.</summary>
    public void Dispose()
    {
        lock (_clientsGate)
        {
            _closed = true;
            foreach (var client in _clients) UnixSockets.Shutdown(client);
        }
        UnixSockets.Shutdown(_listener);
        FileDescriptors.Close(_listener);
        lock (_inputGate)
        {
            FileDescriptors.Close(_input);
            _input = -1;
        }
        // Not File.Delete: it throws when the directory is gone (an AutoRemove container's, removed by the engine meanwhile).
        try { WholeFiles.TryDelete(_path); } catch (IOException) { }
    }
}

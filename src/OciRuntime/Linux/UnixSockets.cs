using System.Runtime.InteropServices;
using System.Text;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// AF_UNIX SOCK_SEQPACKET sockets (message boundaries kept, connection-oriented): the attach socket a monitor serves,
/// and the console socket pair over which ctinit hands back a pty master (SCM_RIGHTS). Every fd is close-on-exec.
/// </summary>
public static unsafe class UnixSockets
{
    private const int AfUnix = 1, SockStream = 1, SockSeqPacket = 5, SockCloexec = 0x80000;
    private const int MsgNoSignal = 0x4000, MsgCmsgCloexec = 0x40000000;
    private const int SolSocket = 1, ScmRights = 1, ShutRdWr = 2, SoSndTimeo = 21;
    private const int EINTR = 4, ECONNRESET = 104, EPIPE = 32;

    public static (int First, int Second) SeqPacketPair()
    {
        int* fds = stackalloc int[2];
        if (socketpair(AfUnix, SockSeqPacket | SockCloexec, 0, fds) != 0) throw Last("socketpair");
        return (fds[0], fds[1]);
    }

    /// <summary>
    /// A listening socket at DIRECTORY/NAME, replacing a stale one. Bound through /proc/self/fd/DIR/NAME: a store under a
    /// long temp path would exceed sun_path's 108 bytes.
    /// </summary>
    public static int Listen(string directory, string name, int backlog = 8)
    {
        var dir = FileDescriptors.OpenDirectory(directory);
        var socket = -1;
        try
        {
            File.Delete(Path.Combine(directory, name));
            socket = NewSocket();
            var address = Address(FileDescriptors.ProcPath(dir, name));
            if (bind(socket, &address, sizeof(SocketAddress)) != 0) throw Last("bind", Path.Combine(directory, name));
            if (listen(socket, backlog) != 0) throw Last("listen", Path.Combine(directory, name));
            return socket;
        }
        catch
        {
            FileDescriptors.Close(socket);
            throw;
        }
        finally { FileDescriptors.Close(dir); }
    }

    /// <summary>Connects to DIRECTORY/NAME; null when nothing listens there (no file, or ECONNREFUSED).</summary>
    public static int? TryConnect(string directory, string name)
    {
        int dir;
        try { dir = FileDescriptors.OpenDirectory(directory); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SystemCallException) { return null; }
        var socket = NewSocket();
        try
        {
            var address = Address(FileDescriptors.ProcPath(dir, name));
            while (connect(socket, &address, sizeof(SocketAddress)) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                FileDescriptors.Close(socket);
                return errno is 2 or 111 /* ENOENT, ECONNREFUSED */ ? null : throw new SystemCallException("connect", errno, Path.Combine(directory, name));
            }
            return socket;
        }
        finally { FileDescriptors.Close(dir); }
    }

    /// <summary>
    /// A SOCK_STREAM connection to the socket at <paramref name="path"/> (runc's --console-socket, which conmon and
    /// podman listen on), through /proc/self/fd so a long path still fits sun_path.
    /// </summary>
    public static int ConnectStream(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = FileDescriptors.OpenDirectory(Path.GetDirectoryName(full)!);
        var stream = socket(AfUnix, SockStream | SockCloexec, 0);
        if (stream < 0) { FileDescriptors.Close(dir); throw Last("socket"); }
        try
        {
            var address = Address(FileDescriptors.ProcPath(dir, Path.GetFileName(full)));
            while (connect(stream, &address, sizeof(SocketAddress)) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR) throw new SystemCallException("connect", errno, path);
            }
            return stream;
        }
        catch
        {
            FileDescriptors.Close(stream);
            throw;
        }
        finally { FileDescriptors.Close(dir); }
    }

    public static int Accept(int listener)
    {
        while (true)
        {
            var fd = accept4(listener, null, null, SockCloexec);
            if (fd >= 0) return fd;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw new SystemCallException("accept4", errno);
        }
    }

    /// <summary>Sends one message; false when the peer is gone (EPIPE, ECONNRESET).</summary>
    public static bool Send(int socket, ReadOnlySpan<byte> message)
    {
        fixed (byte* p = message)
        {
            while (true)
            {
                if (send(socket, p, message.Length, MsgNoSignal) >= 0) return true;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                if (errno is EPIPE or ECONNRESET) return false;
                throw new SystemCallException("send", errno);
            }
        }
    }

    /// <summary>Receives one message (truncated to the buffer); 0 when the peer closed or reset the connection.</summary>
    public static int Receive(int socket, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = recv(socket, p, buffer.Length, 0);
                if (n >= 0) return (int)n;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                if (errno == ECONNRESET) return 0;
                throw new SystemCallException("recv", errno);
            }
        }
    }

    /// <summary>SO_SNDTIMEO: a send that cannot complete within <paramref name="timeout"/> fails (EAGAIN) instead of blocking on.</summary>
    public static void SetSendTimeout(int socket, TimeSpan timeout)
    {
        var value = new TimeValue { Seconds = (long)timeout.TotalSeconds, Microseconds = timeout.Milliseconds * 1000L };
        if (setsockopt(socket, SolSocket, SoSndTimeo, &value, sizeof(TimeValue)) != 0) throw Last("setsockopt(SO_SNDTIMEO)");
    }

    /// <summary>Wakes whoever blocks on the socket (both directions read end of file), without closing the fd under them.</summary>
    public static void Shutdown(int socket) => shutdown(socket, ShutRdWr);

    /// <summary>Sends <paramref name="fd"/> as SCM_RIGHTS with a one-byte message.</summary>
    public static void SendDescriptor(int socket, int fd)
    {
        byte payload = (byte)'T';
        var control = stackalloc byte[ControlSpace];
        new Span<byte>(control, ControlSpace).Clear();
        var header = (ControlHeader*)control;
        header->Length = (nuint)(sizeof(ControlHeader) + sizeof(int));
        header->Level = SolSocket;
        header->Type = ScmRights;
        *(int*)(control + sizeof(ControlHeader)) = fd;
        var vector = new IoVector { Base = &payload, Length = 1 };
        var message = new MessageHeader { Vectors = &vector, VectorCount = 1, Control = control, ControlLength = ControlSpace };
        while (sendmsg(socket, &message, MsgNoSignal) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw new SystemCallException("sendmsg(SCM_RIGHTS)", errno);
        }
    }

    /// <summary>Receives a descriptor sent with <see cref="SendDescriptor"/> (close-on-exec); -1 if the peer closed without one.</summary>
    public static int ReceiveDescriptor(int socket)
    {
        byte payload;
        var control = stackalloc byte[ControlSpace];
        new Span<byte>(control, ControlSpace).Clear();
        var vector = new IoVector { Base = &payload, Length = 1 };
        var message = new MessageHeader { Vectors = &vector, VectorCount = 1, Control = control, ControlLength = ControlSpace };
        long n;
        while ((n = recvmsg(socket, &message, MsgCmsgCloexec)) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw new SystemCallException("recvmsg(SCM_RIGHTS)", errno);
        }
        var header = (ControlHeader*)control;
        if (n == 0 || message.ControlLength < (nuint)sizeof(ControlHeader) || header->Level != SolSocket || header->Type != ScmRights) return -1;
        return *(int*)(control + sizeof(ControlHeader));
    }

    private static int NewSocket()
    {
        var fd = socket(AfUnix, SockSeqPacket | SockCloexec, 0);
        return fd >= 0 ? fd : throw Last("socket");
    }

    private static SocketAddress Address(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length >= 108) throw new SystemCallException("bind", 36 /* ENAMETOOLONG */, path);
        var address = new SocketAddress { Family = AfUnix };
        var target = new Span<byte>(address.Path, 108);
        bytes.CopyTo(target);
        return address;
    }

    private static SystemCallException Last(string call, string? subject = null) => new(call, Marshal.GetLastPInvokeError(), subject);

    // CMSG_SPACE(sizeof(int)): a 16-byte header and the int, padded to 8 bytes.
    private const int ControlSpace = 24;

    [StructLayout(LayoutKind.Sequential)]
    private struct SocketAddress
    {
        public ushort Family;
        public fixed byte Path[108];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeValue
    {
        public long Seconds;
        public long Microseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ControlHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int socketpair(int domain, int type, int protocol, int* fds);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int socket(int domain, int type, int protocol);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int bind(int fd, SocketAddress* address, int length);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int listen(int fd, int backlog);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int connect(int fd, SocketAddress* address, int length);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int accept4(int fd, void* address, int* length, int flags);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern nint send(int fd, byte* buffer, nint length, int flags);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern nint recv(int fd, byte* buffer, nint length, int flags);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern nint sendmsg(int fd, MessageHeader* message, int flags);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern nint recvmsg(int fd, MessageHeader* message, int flags);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int shutdown(int fd, int how);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int setsockopt(int fd, int level, int name, void* value, int length);
}

using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ContainerTools.Tests.Network;

/// <summary>
/// Listening sockets that live inside a test's network namespace: a short-lived thread joins the namespace
/// (setns affects only the calling thread), creates the socket, and ends; the socket stays in that namespace.
/// </summary>
internal static partial class NamespaceSockets
{
    private const int CloneNewNet = 0x40000000;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    public static Socket Listen(string netnsPath, ProtocolType protocol, int port)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle(netnsPath);
                if (setns((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new IOException($"setns {netnsPath}: errno {Marshal.GetLastPInvokeError()}");
                }
                socket = protocol == ProtocolType.Udp
                    ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
                    : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Any, port));
                if (protocol == ProtocolType.Tcp)
                {
                    socket.Listen();
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException("could not open a socket in the namespace", failure);
    }
}

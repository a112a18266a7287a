using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Linux;

/// <summary>Host network interfaces, looked up in sysfs and removed over rtnetlink (what `ip link del` does).</summary>
internal static unsafe class NetworkLinks
{
    private const int NetlinkRoute = 0;
    private const ushort RtmDelLink = 17;
    private const ushort NlmsgError = 2;
    private const ushort NlmFRequest = 1;
    private const ushort NlmFAck = 4;

    public static bool Exists(string name) => Directory.Exists($"/sys/class/net/{name}");

    public static int IndexOf(string name)
    {
        try
        {
            return int.Parse(File.ReadAllText($"/sys/class/net/{name}/ifindex").Trim());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    /// <summary>Deletes the interface; returns false when it was already gone.</summary>
    public static bool Delete(string name)
    {
        var index = IndexOf(name);
        if (index == 0)
        {
            return false;
        }
        var fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NetlinkRoute);
        if (fd < 0)
        {
            throw LinuxError.Last("netlink socket", name);
        }
        try
        {
            // struct nlmsghdr (16 bytes) followed by struct ifinfomsg (16 bytes).
            var request = stackalloc byte[32];
            new Span<byte>(request, 32).Clear();
            *(uint*)request = 32;
            *(ushort*)(request + 4) = RtmDelLink;
            *(ushort*)(request + 6) = NlmFRequest | NlmFAck;
            *(uint*)(request + 8) = 1;
            *(int*)(request + 20) = index;
            if (send(fd, request, 32, 0) != 32)
            {
                throw LinuxError.Last("netlink send RTM_DELLINK", name);
            }
            var reply = stackalloc byte[1024];
            var received = recv(fd, reply, 1024, 0);
            if (received < 20)
            {
                throw LinuxError.Last("netlink receive", name);
            }
            if (*(ushort*)(reply + 4) == NlmsgError)
            {
                var error = -*(int*)(reply + 16);
                if (error == ENODEV)
                {
                    return false;
                }
                if (error != 0)
                {
                    throw LinuxError.ToException(error, "delete network interface", name);
                }
            }
            return true;
        }
        finally
        {
            close(fd);
        }
    }
}

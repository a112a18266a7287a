using System.Runtime.ExceptionServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// Network interfaces, looked up in sysfs and changed over rtnetlink (what `ip link del` and `ip link set up` do).
/// </summary>
internal static unsafe class NetworkLinks
{
    private const int NetlinkRoute = 0;
    private const ushort RtmNewLink = 16;
    private const ushort RtmDelLink = 17;
    private const ushort NlmsgError = 2;
    private const ushort NlmFRequest = 1;
    private const ushort NlmFAck = 4;
    private const uint IffUp = 1;
    private const int LoopbackIndex = 1;
    private const ushort IflaIfAlias = 20;
    private const int AliasLimit = 255;

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

    /// <summary>The names of the interfaces of the caller's network namespace.</summary>
    public static IReadOnlyList<string> Names() =>
        Directory.Exists("/sys/class/net") ? Directory.EnumerateFileSystemEntries("/sys/class/net").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>The interface's alias (`ip link set NAME alias TEXT`, IFLA_IFALIAS); empty when it has none or is gone.</summary>
    public static string Alias(string name)
    {
        try
        {
            return File.ReadAllText($"/sys/class/net/{name}/ifalias").TrimEnd('\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Sets the interface's alias (at most 255 bytes); returns false when the interface does not exist.</summary>
    public static bool SetAlias(string name, string alias)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(alias);
        if (text.Length > AliasLimit)
        {
            throw new ArgumentException($"An interface alias holds at most {AliasLimit} bytes.", nameof(alias));
        }
        var index = IndexOf(name);
        // struct rtattr (length, type) and the text with its NUL, padded to 4 bytes.
        var attribute = new byte[(4 + text.Length + 1 + 3) & ~3];
        BitConverter.TryWriteBytes(attribute.AsSpan(0, 2), (ushort)(4 + text.Length + 1));
        BitConverter.TryWriteBytes(attribute.AsSpan(2, 2), IflaIfAlias);
        text.CopyTo(attribute, 4);
        return index != 0 && Request(RtmNewLink, index, 0, 0, name, attribute);
    }

    /// <summary>Deletes the interface; returns false when it was already gone.</summary>
    public static bool Delete(string name)
    {
        var index = IndexOf(name);
        return index != 0 && Request(RtmDelLink, index, 0, 0, name);
    }

    /// <summary>
    /// Brings `lo` up inside the network namespace that <paramref name="netnsPath"/> names (a /proc/PID/ns/net or a
    /// bind-mounted nsfs file): what the CNI loopback plugin does, without a process. The kernel gives every network
    /// namespace its lo as index 1, already holding 127.0.0.1/8 and ::1 once up.
    /// </summary>
    public static void BringUpLoopback(string netnsPath)
    {
        var namespaceFd = FileDescriptors.Open(netnsPath, FileDescriptors.ReadOnly);
        ExceptionDispatchInfo? failure = null;
        // setns changes only the calling thread; a dedicated thread does it and ends, so no pooled thread is altered.
        var thread = new Thread(() =>
        {
            try
            {
                Namespaces.Join(namespaceFd, NamespaceKind.Network);
                Request(RtmNewLink, LoopbackIndex, IffUp, IffUp, "lo");
            }
            catch (Exception ex) { failure = ExceptionDispatchInfo.Capture(ex); }
        }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "ContainerTools lo up" };
        try
        {
            thread.Start();
            thread.Join();
        }
        finally
        {
            close(namespaceFd);
        }
        failure?.Throw();
    }

    /// <summary>
    /// Sends one link request (struct nlmsghdr, 16 bytes, then struct ifinfomsg, 16 bytes) on a fresh rtnetlink socket,
    /// which belongs to the calling thread's network namespace, and waits for the kernel's acknowledgement.
    /// Returns false when the interface does not exist.
    /// </summary>
    private static bool Request(ushort type, int index, uint flags, uint change, string name, byte[]? attribute = null)
    {
        var fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NetlinkRoute);
        if (fd < 0)
        {
            throw LinuxError.Last("netlink socket", name);
        }
        try
        {
            var length = 32 + (attribute?.Length ?? 0);
            var request = stackalloc byte[length];
            new Span<byte>(request, length).Clear();
            attribute?.CopyTo(new Span<byte>(request + 32, attribute.Length));
            *(uint*)request = (uint)length;
            *(ushort*)(request + 4) = type;
            *(ushort*)(request + 6) = NlmFRequest | NlmFAck;
            *(uint*)(request + 8) = 1;
            *(int*)(request + 20) = index;
            *(uint*)(request + 24) = flags;
            *(uint*)(request + 28) = change;
            if (send(fd, request, length, 0) != length)
            {
                throw LinuxError.Last($"netlink send (message type {type})", name);
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
                    throw LinuxError.ToException(error, type == RtmDelLink ? "delete network interface" : "change network interface", name);
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

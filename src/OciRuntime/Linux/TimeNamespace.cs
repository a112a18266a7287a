using System.Globalization;
using System.Text;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// A new time namespace (Linux 5.6+): unshare(CLONE_NEWTIME) makes it for the caller's children and for the caller's
/// own next execve, not for the caller now; its clock offsets can be written (/proc/self/timens_offsets) only until the
/// first process enters it. Joining one by path (setns) needs a single-threaded caller, which a .NET process never is.
/// </summary>
public static class TimeNamespace
{
    private const int CloneNewTime = 0x80;

    /// <summary>The clocks a time namespace offsets, by their runtime-spec (and /proc) names.</summary>
    public static readonly string[] Clocks = ["monotonic", "boottime"];

    /// <summary>Unshares a new time namespace and sets its offsets (seconds, nanoseconds) per clock name.</summary>
    public static void Create(IEnumerable<(string Clock, long Seconds, uint Nanoseconds)> offsets)
    {
        Namespaces.Unshare(CloneNewTime);
        var text = new StringBuilder();
        foreach (var (clock, seconds, nanoseconds) in offsets)
            text.Append(CultureInfo.InvariantCulture, $"{clock} {seconds} {nanoseconds}\n");
        if (text.Length == 0) return;
        // One write: the kernel takes all lines or none, and refuses any write once a process has entered the namespace.
        var fd = FileDescriptors.Open("/proc/self/timens_offsets", FileDescriptors.WriteOnly);
        try { FileDescriptors.WriteAll(fd, Encoding.ASCII.GetBytes(text.ToString())); }
        finally { FileDescriptors.Close(fd); }
    }
}

using System.Runtime.InteropServices;

namespace ContainerTools.Runtime.Linux;

/// <summary>poll(2) for a few fds: lets a blocking copy loop also wait for a "stop" pipe instead of hanging in read.</summary>
public static unsafe class Poll
{
    private const short PollIn = 0x1, PollErr = 0x8, PollHup = 0x10, PollNval = 0x20;

    /// <summary>
    /// Waits until one of <paramref name="fds"/> is readable or hung up; returns its index (the lowest such).
    /// -1 after <paramref name="timeoutMilliseconds"/> (negative: wait forever).
    /// </summary>
    public static int WaitReadable(ReadOnlySpan<int> fds, int timeoutMilliseconds = -1)
    {
        var entries = stackalloc PollEntry[fds.Length];
        for (var i = 0; i < fds.Length; i++) entries[i] = new PollEntry { Fd = fds[i], Events = PollIn };
        while (true)
        {
            var n = poll(entries, (nuint)fds.Length, timeoutMilliseconds);
            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == 4 /* EINTR */) continue;
                throw new SystemCallException("poll", errno);
            }
            if (n == 0) return -1;
            for (var i = 0; i < fds.Length; i++)
                if ((entries[i].Returned & (PollIn | PollErr | PollHup | PollNval)) != 0) return i;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollEntry
    {
        public int Fd;
        public short Events;
        public short Returned;
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int poll(PollEntry* fds, nuint count, int timeout);
}

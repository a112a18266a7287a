using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>poll(2) over a few fds, for callers that read several pipes from one thread.</summary>
public static unsafe class Polling
{
    private const short PollIn = 0x1, PollErr = 0x8, PollHup = 0x10, PollNval = 0x20;
    private const int EIntr = 4;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> (-1: forever) until any fd is readable or its writer is gone; sets
    /// <paramref name="ready"/>[i] for each such fd (reading it then returns data or end-of-file). Negative fds are
    /// skipped. False on timeout.
    /// </summary>
    public static bool WaitReadable(ReadOnlySpan<int> fds, Span<bool> ready, int timeoutMs)
    {
        var polls = stackalloc PollFd[fds.Length];
        for (var i = 0; i < fds.Length; i++) polls[i] = new PollFd { Fd = fds[i], Events = PollIn };
        int count;
        while ((count = poll(polls, (ulong)fds.Length, timeoutMs)) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EIntr) throw new SystemCallException("poll", errno);
        }
        for (var i = 0; i < fds.Length; i++) ready[i] = (polls[i].Revents & (PollIn | PollErr | PollHup | PollNval)) != 0;
        return count > 0;
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int poll(PollFd* fds, ulong count, int timeout);
}

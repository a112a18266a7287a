using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>A terminal's termios as tcgetattr gave it: kept to be put back exactly.</summary>
public sealed class TerminalSettings
{
    // struct termios is 60 bytes on glibc (x86_64 and aarch64); a little room costs nothing.
    internal const int Size = 64;
    internal readonly byte[] Bytes = new byte[Size];

    private const uint Echo = 0x8, Canonical = 0x2, Signals = 0x1;

    /// <summary>c_lflag: local modes (ECHO, ICANON, ISIG...).</summary>
    public uint LocalFlags => BitConverter.ToUInt32(Bytes, 12);
    /// <summary>Neither echo, nor line editing, nor signal keys: what raw mode turns off.</summary>
    public bool IsRaw => (LocalFlags & (Echo | Canonical | Signals)) == 0;

    public bool SameAs(TerminalSettings other) => Bytes.AsSpan(0, 60).SequenceEqual(other.Bytes.AsSpan(0, 60));
}

/// <summary>tcgetattr/tcsetattr and cfmakeraw on the host's terminal, for interactive sessions.</summary>
public static unsafe class TerminalModes
{
    private const int TcsaNow = 0, TcsaDrain = 1;

    public static bool IsTerminal(int fd) => isatty(fd) == 1;

    public static TerminalSettings Get(int fd)
    {
        var settings = new TerminalSettings();
        fixed (byte* p = settings.Bytes)
            if (tcgetattr(fd, p) != 0) throw new SystemCallException("tcgetattr", Marshal.GetLastPInvokeError());
        return settings;
    }

    /// <summary>Puts the terminal in raw mode (cfmakeraw: bytes pass as typed, no echo, Ctrl-C is just 0x03); returns what to restore.</summary>
    public static TerminalSettings MakeRaw(int fd)
    {
        var saved = Get(fd);
        var raw = new byte[TerminalSettings.Size];
        saved.Bytes.CopyTo(raw, 0);
        fixed (byte* p = raw)
        {
            cfmakeraw(p);
            if (tcsetattr(fd, TcsaNow, p) != 0) throw new SystemCallException("tcsetattr", Marshal.GetLastPInvokeError());
        }
        return saved;
    }

    /// <summary>Puts saved settings back once pending output is written (TCSADRAIN).</summary>
    public static void Restore(int fd, TerminalSettings saved)
    {
        fixed (byte* p = saved.Bytes)
        {
            while (tcsetattr(fd, TcsaDrain, p) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != 4 /* EINTR */) throw new SystemCallException("tcsetattr", errno);
            }
        }
    }

    [DllImport(LibcLibrary.Name)] private static extern int isatty(int fd);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int tcgetattr(int fd, byte* termios);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int tcsetattr(int fd, int actions, byte* termios);
    [DllImport(LibcLibrary.Name)] private static extern void cfmakeraw(byte* termios);
}

using System.Runtime.InteropServices;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using Microsoft.Win32.SafeHandles;

namespace ContainerTools.Tests.Runtime;

/// <summary>process.terminal: the pty the caller passes as stdio becomes the container's controlling terminal.</summary>
public sealed class ContainerTerminalTests : IDisposable
{
    private readonly BusyboxBundle _bundle = new();

    public void Dispose() => _bundle.Dispose();

    [Fact]
    public void APtyOnStdioBecomesTheControllingTerminal()
    {
        var spec = BusyboxBundle.Shell("echo tty_nr=$(cut -d' ' -f7 /proc/self/stat); echo sid=$(cut -d' ' -f6 /proc/1/stat)");
        _bundle.Write(spec with { Process = spec.Process with { Terminal = true } });
        var (master, slave) = OpenPty();
        LaunchedContainer container;
        try
        {
            container = ContainerLauncher.Start(new LaunchRequest
            {
                BundlePath = _bundle.BundlePath, StdinFd = slave, StdoutFd = slave, StderrFd = slave, InitPath = CtInit.Path,
            });
        }
        finally
        {
            FileDescriptors.Close(slave);
        }

        var status = ProcessWait.Wait(container.Pid);
        var output = ReadAvailable(master);

        Assert.Equal(0, status.Code);
        Assert.Matches(@"tty_nr=[1-9]\d*", output);
        Assert.Contains("sid=1", output);
    }

    private static (int Master, int Slave) OpenPty()
    {
        var master = posix_openpt(2 /* O_RDWR */ | 0x100 /* O_NOCTTY */ | 0x80000 /* O_CLOEXEC */);
        if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) throw new InvalidOperationException("no pty");
        var name = Marshal.PtrToStringAnsi(ptsname(master))!;
        return (master, FileDescriptors.Open(name, 2 | 0x100));
    }

    // Everything the container wrote is in the pty buffer once it has exited; read until the master reports EIO.
    private static string ReadAvailable(int master)
    {
        using var stream = new FileStream(new SafeFileHandle(master, ownsHandle: true), FileAccess.Read, bufferSize: 1);
        var buffer = new byte[4096];
        var text = new System.Text.StringBuilder();
        try
        {
            int n;
            while ((n = stream.Read(buffer)) > 0) text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        }
        catch (IOException) { } // EIO: no slave left open
        return text.ToString();
    }

    [DllImport("libc.so.6")] private static extern int posix_openpt(int flags);
    [DllImport("libc.so.6")] private static extern int grantpt(int fd);
    [DllImport("libc.so.6")] private static extern int unlockpt(int fd);
    [DllImport("libc.so.6")] private static extern IntPtr ptsname(int fd);
}

using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using Microsoft.Win32.SafeHandles;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Tests.Runtime;

internal sealed record RunResult(ExitStatus Status, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Runs a bundle to completion with pipes for stdout and stderr, like `crun run`, and always reaps it.</summary>
internal static class ContainerRun
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static RunResult Run(BusyboxBundle bundle, RuntimeSpec spec, IReadOnlyList<string>? cgroupJoinFiles = null)
    {
        bundle.Write(spec);
        var stdin = FileDescriptors.Open("/dev/null", FileDescriptors.ReadOnly);
        var (outRead, outWrite) = FileDescriptors.Pipe();
        var (errRead, errWrite) = FileDescriptors.Pipe();
        LaunchedContainer container;
        try
        {
            container = ContainerLauncher.Start(new LaunchRequest
            {
                BundlePath = bundle.BundlePath,
                StdinFd = stdin,
                StdoutFd = outWrite,
                StderrFd = errWrite,
                CgroupJoinFiles = cgroupJoinFiles ?? [],
                InitPath = CtInit.Path,
            });
        }
        catch
        {
            FileDescriptors.Close(outRead);
            FileDescriptors.Close(errRead);
            throw;
        }
        finally
        {
            FileDescriptors.Close(stdin);
            FileDescriptors.Close(outWrite);
            FileDescriptors.Close(errWrite);
        }

        var stdout = ReadAllAsync(outRead);
        var stderr = ReadAllAsync(errRead);
        if (!Task.WaitAll([stdout, stderr], Deadline))
        {
            Signals.Send(container.Pid, Signals.SigKill);
            ProcessWait.Wait(container.Pid);
            throw new TimeoutException($"The container did not finish within {Deadline}; killed.");
        }
        return new RunResult(ProcessWait.Wait(container.Pid), stdout.Result, stderr.Result);
    }

    private static Task<string> ReadAllAsync(int fd) => Task.Run(() =>
    {
        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 1);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}

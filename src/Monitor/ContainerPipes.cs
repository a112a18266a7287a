using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Monitor;

/// <summary>
/// The stdio of a container on pipes: stdin /dev/null, or for an Interactive container (docker run -i) a pipe whose
/// write end the attach server holds; stdout and stderr pipes whose read ends the log pumps drain.
/// </summary>
internal sealed record ContainerPipes(int Stdin, int StdinWrite, int OutRead, int OutWrite, int ErrRead, int ErrWrite)
{
    public static ContainerPipes Open(bool interactive)
    {
        var (stdin, stdinWrite) = interactive ? FileDescriptors.Pipe() : (FileDescriptors.Open("/dev/null", 2 /* O_RDWR */), -1);
        int outRead = -1, outWrite = -1;
        try
        {
            (outRead, outWrite) = FileDescriptors.Pipe();
            var (errRead, errWrite) = FileDescriptors.Pipe();
            return new ContainerPipes(stdin, stdinWrite, outRead, outWrite, errRead, errWrite);
        }
        catch
        {
            foreach (var fd in new[] { stdin, stdinWrite, outRead, outWrite }) FileDescriptors.Close(fd);
            throw;
        }
    }

    /// <summary>Once the container has them: only it holds the write ends now, so end-of-file means it and its children are done with them.</summary>
    public void CloseContainerEnds()
    {
        FileDescriptors.Close(OutWrite);
        FileDescriptors.Close(ErrWrite);
        FileDescriptors.Close(Stdin);
    }

    /// <summary>When no container took them.</summary>
    public void CloseMonitorEnds()
    {
        FileDescriptors.Close(OutRead);
        FileDescriptors.Close(ErrRead);
        FileDescriptors.Close(StdinWrite);
    }
}

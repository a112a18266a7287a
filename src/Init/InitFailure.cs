namespace ContainerTools.Init;

/// <summary>A reason to give up before execve, sent to the launcher as errno + message.</summary>
internal sealed class InitFailure(int errno, string message) : Exception(message)
{
    public const int ENOENT = 2, EINVAL = 22;
    public int Errno { get; } = errno;
}

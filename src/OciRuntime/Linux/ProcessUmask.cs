using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>umask(2) for ctinit's single thread just before execve (process.user.umask).</summary>
public static class ProcessUmask
{
    public static void Set(uint mask) => LibC.umask((ushort)(mask & 0x1ff));
}

using System.Runtime.InteropServices;

namespace ContainerTools.Runtime.Linux;

/// <summary>The few libc entry points Tmds.LibC 0.5.0 lacks (waitpid, posix_spawn, prctl).</summary>
internal static unsafe partial class LibCExtra
{
    private const string Lib = "libc";

    [DllImport(Lib, SetLastError = true)]
    public static extern int waitpid(int pid, int* status, int options);

    [DllImport(Lib, SetLastError = true)]
    public static extern int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [DllImport(Lib)]
    public static extern int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [DllImport(Lib)]
    public static extern int posix_spawn_file_actions_init(void* fileActions);

    [DllImport(Lib)]
    public static extern int posix_spawn_file_actions_destroy(void* fileActions);

    [DllImport(Lib)]
    public static extern int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [DllImport(Lib)]
    public static extern int posix_spawn_file_actions_addopen(void* fileActions, int fd, byte* path, int flags, uint mode);

    [DllImport(Lib)]
    public static extern int posix_spawnattr_init(void* attr);

    [DllImport(Lib)]
    public static extern int posix_spawnattr_destroy(void* attr);

    [DllImport(Lib)]
    public static extern int posix_spawnattr_setflags(void* attr, short flags);

    [DllImport(Lib)]
    public static extern int posix_spawnattr_setsigmask(void* attr, void* sigmask);

    [DllImport(Lib)]
    public static extern int posix_spawnattr_setsigdefault(void* attr, void* sigdefault);

    [DllImport(Lib)]
    public static extern int sigfillset(void* set);

    [DllImport(Lib)]
    public static extern int sigemptyset(void* set);

    public const int WNOHANG = 1;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;
    public const int PR_SET_CHILD_SUBREAPER = 36;
    public const int PR_SET_PDEATHSIG = 1;
}

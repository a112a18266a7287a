using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>What a spawned process starts with besides argv and envp.</summary>
public sealed record SpawnOptions
{
    /// <summary>Child fd number => parent fd to dup2 onto it. Sources are copied to high fds first, so any order is safe.</summary>
    public IReadOnlyDictionary<int, int> FileDescriptors { get; init; } = new Dictionary<int, int>();
    /// <summary>Every signal handler back to default and an empty signal mask (the CLR ignores SIGPIPE, and that survives execve).</summary>
    public bool ResetSignals { get; init; } = true;
    /// <summary>setsid() in the child: a new session, so it can take a controlling terminal.</summary>
    public bool NewSession { get; init; }
}

/// <summary>
/// posix_spawn (vfork + exec in glibc): the only safe way to start a process from a multithreaded CLR,
/// since no managed code runs in the child.
/// </summary>
public static unsafe class ProcessSpawn
{
    private const short SetSigDef = 0x04, SetSigMask = 0x08, SetSid = 0x80;
    // glibc x86-64 sizes are 80 and 336 bytes; generous buffers keep this independent of that.
    private const int FileActionsSize = 256, AttributesSize = 1024, SigSetSize = 128;

    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp, SpawnOptions options)
    {
        using var text = new NativeText();
        var fileActions = NativeMemory.AllocZeroed(FileActionsSize);
        var attributes = NativeMemory.AllocZeroed(AttributesSize);
        var sigset = NativeMemory.AllocZeroed(SigSetSize);
        var staged = new List<int>();
        try
        {
            Check(posix_spawn_file_actions_init(fileActions), "posix_spawn_file_actions_init");
            Check(posix_spawnattr_init(attributes), "posix_spawnattr_init");
            try
            {
                foreach (var (target, source) in options.FileDescriptors)
                {
                    // A staged copy above every target means a later dup2 never clobbers a source still needed.
                    var copy = Linux.FileDescriptors.DuplicateCloseOnExec(source, 100);
                    staged.Add(copy);
                    Check(posix_spawn_file_actions_adddup2(fileActions, copy, target), "posix_spawn_file_actions_adddup2");
                }

                short flags = 0;
                if (options.ResetSignals)
                {
                    sigfillset(sigset);
                    Check(posix_spawnattr_setsigdefault(attributes, sigset), "posix_spawnattr_setsigdefault");
                    sigemptyset(sigset);
                    Check(posix_spawnattr_setsigmask(attributes, sigset), "posix_spawnattr_setsigmask");
                    flags |= SetSigDef | SetSigMask;
                }
                if (options.NewSession) flags |= SetSid;
                Check(posix_spawnattr_setflags(attributes, flags), "posix_spawnattr_setflags");

                int pid;
                Check(posix_spawn(&pid, text.String(path), fileActions, attributes, text.Vector(argv), text.Vector(envp)), "posix_spawn", path);
                return pid;
            }
            finally
            {
                posix_spawn_file_actions_destroy(fileActions);
                posix_spawnattr_destroy(attributes);
            }
        }
        finally
        {
            foreach (var fd in staged) Linux.FileDescriptors.Close(fd);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(sigset);
        }
    }

    // posix_spawn* return the error number instead of setting errno.
    private static void Check(int result, string call, string? subject = null)
    {
        if (result != 0) throw new SystemCallException(call, result, subject);
    }

    [DllImport(LibcLibrary.Name, EntryPoint = "posix_spawn")]
    private static extern int posix_spawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);
    [DllImport(LibcLibrary.Name)] private static extern int posix_spawn_file_actions_init(void* actions);
    [DllImport(LibcLibrary.Name)] private static extern int posix_spawn_file_actions_destroy(void* actions);
    [DllImport(LibcLibrary.Name)] private static extern int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);
    [DllImport(LibcLibrary.Name)] private static extern int posix_spawnattr_init(void* attributes);
    [DllImport(LibcLibrary.Name)] private static extern int posix_spawnattr_destroy(void* attributes);
    [DllImport(LibcLibrary.Name)] private static extern int posix_spawnattr_setflags(void* attributes, short flags);
    [DllImport(LibcLibrary.Name)] private static extern int posix_spawnattr_setsigdefault(void* attributes, void* sigset);
    [DllImport(LibcLibrary.Name)] private static extern int posix_spawnattr_setsigmask(void* attributes, void* sigset);
    [DllImport(LibcLibrary.Name)] private static extern int sigfillset(void* sigset);
    [DllImport(LibcLibrary.Name)] private static extern int sigemptyset(void* sigset);
}

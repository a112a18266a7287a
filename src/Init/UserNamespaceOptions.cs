using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Init;

/// <summary>
/// What ctinit's user namespace stage (Native/user_namespace.c, before Main) leaves the managed side: its options in
/// argv, and config.json open on <see cref="InitProtocol.SpecFd"/>, since the bundle may not be searchable by the
/// container's root, which ctinit now is.
/// </summary>
internal static class UserNamespaceOptions
{
    private static readonly string[] StageOptions = ["--user-namespace", "--unshare", "--oom-score-adj"];

    public static bool IsStageOption(string arg) => StageOptions.Contains(arg);

    public static bool Given(string[] args) => args.Contains(StageOptions[0]);

    public static byte[] ReadSpec()
    {
        try { return FileDescriptors.ReadToEnd(InitProtocol.SpecFd); }
        finally { FileDescriptors.Close(InitProtocol.SpecFd); }
    }
}

using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Containers.Services;

/// <summary>
/// -Init, as Docker's --init: the host's static tini (Debian's tini-static, which is also docker-init) bind-mounted
/// read-only at /sbin/docker-init and run as PID 1 in front of the program, so that signals are forwarded and zombies
/// reaped. Why tini and not ctinit staying PID 1: see docs/processes.md, "An init".
/// </summary>
public static class ContainerInitBinary
{
    public const string PathInContainer = "/sbin/docker-init";
    public const string EnvironmentVariable = "CONTAINERTOOLS_DOCKER_INIT";

    private static readonly string[] HostCandidates =
        ["/usr/bin/docker-init", "/usr/libexec/docker/docker-init", "/usr/bin/tini-static", "/usr/local/bin/docker-init", "/sbin/tini-static"];

    /// <summary>A statically linked tini on the host: the environment variable, else the usual places.</summary>
    public static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var candidates = string.IsNullOrEmpty(fromEnvironment) ? HostCandidates : [fromEnvironment];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new ContainerToolsException(ErrorIds.ContainerInitNotFound,
                $"-Init needs a static tini on the host (looked at: {string.Join(", ", candidates)}); install Debian's tini package, or set {EnvironmentVariable}.",
                "docker-init");
    }

    /// <summary>The program's argv behind the init, as Docker runs it: docker-init -- ARGS.</summary>
    public static IReadOnlyList<string> Wrap(IReadOnlyList<string> args) => [PathInContainer, "--", .. args];

    public static MountSpec Mount(string hostPath) => new()
    {
        Destination = PathInContainer,
        Type = "bind",
        Source = hostPath,
        Options = ["rbind", "ro", "rprivate"],
    };
}

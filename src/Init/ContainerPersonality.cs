using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

internal static class ContainerPersonality
{
    /// <summary>linux.personality: set just before execve, and before a filter that may allow personality(2) for few values only.</summary>
    public static void Apply(RuntimeSpec spec)
    {
        if (spec.Linux.Personality is not { } personality) return;
        if (personality.Flags is { Count: > 0 } flags)
            throw new InitFailure(InitFailure.EINVAL, $"linux.personality.flags ({string.Join(", ", flags)}) are not supported: the runtime spec defines none yet");
        var domain = ExecutionDomain.FromSpecName(personality.Domain)
            ?? throw new InitFailure(InitFailure.EINVAL, $"linux.personality.domain '{personality.Domain}' is not LINUX or LINUX32");
        ExecutionDomain.Set(domain);
    }
}

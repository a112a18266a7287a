using System.Buffers.Binary;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// The launcher's side of ctinit's user namespace stage (src/Init/Native/user_namespace.c, which runs before ctinit's
/// runtime has threads): the stage's arguments, and the conversation on <see cref="InitProtocol.UserNamespaceSyncFd"/>.
/// The stage makes (or joins) the user namespace; the launcher, outside it and privileged, writes uid_map and gid_map;
/// the stage then becomes root inside, unshares the other namespaces (so that they belong to the user namespace) and,
/// for a new pid namespace, forks the container's init as the launcher's own child.
/// </summary>
internal static class UserNamespaceStage
{
    public const string UserNamespaceOption = "--user-namespace";
    public const string UnshareOption = "--unshare";
    public const string OomScoreAdjOption = "--oom-score-adj";
    public const string HoldOption = "--hold-user-namespace";
    private const byte Created = (byte)'U', Mapped = (byte)'M', Finished = (byte)'P';

    public static IEnumerable<string> Arguments(NamespacePlan plan, RuntimeSpec spec)
    {
        if (plan.User is null) yield break;
        yield return UserNamespaceOption;
        yield return plan.User;
        yield return UnshareOption;
        yield return plan.UnshareAfterUser.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (spec.Process.OomScoreAdj is { } score)
        {
            // Inside, a lower score than the launcher's would need the host's CAP_SYS_RESOURCE.
            yield return OomScoreAdjOption;
            yield return score.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// Answers the stage until it is done. Returns the container's init: the stage itself, or the child it forked into a
    /// new pid namespace (the stage, which then exits, is reaped here); null when the stage gave up (its report says why).
    /// </summary>
    public static int? Complete(int sync, int stagePid, IReadOnlyList<IdMappingSpec>? uids, IReadOnlyList<IdMappingSpec>? gids)
    {
        Span<byte> message = stackalloc byte[8];
        while (true)
        {
            var length = UnixSockets.Receive(sync, message);
            if (length == 0) return null;
            if (message[0] == Created)
            {
                WriteMappings(stagePid, uids ?? [], gids ?? []);
                if (!UnixSockets.Send(sync, [Mapped])) return null;
            }
            else if (message[0] == Finished && length == 5)
            {
                var init = BinaryPrimitives.ReadInt32LittleEndian(message[1..]);
                if (init == 0) return stagePid;
                ProcessWait.Wait(stagePid);
                return init;
            }
            else
            {
                return null;
            }
        }
    }

    /// <summary>Privileged writers may map any ids, and need not deny setgroups first.</summary>
    public static void WriteMappings(int pid, IReadOnlyList<IdMappingSpec> uids, IReadOnlyList<IdMappingSpec> gids)
    {
        Write($"/proc/{pid}/uid_map", IdMappingSpec.MapText(uids));
        Write($"/proc/{pid}/gid_map", IdMappingSpec.MapText(gids));
    }

    private static void Write(string path, string text)
    {
        try
        {
            var fd = FileDescriptors.Open(path, FileDescriptors.WriteOnly);
            try { FileDescriptors.WriteAll(fd, System.Text.Encoding.ASCII.GetBytes(text)); }
            finally { FileDescriptors.Close(fd); }
        }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorIds.UserNamespaceMappingFailed,
                $"The user namespace's id mappings could not be written to {path} ({ex.Message}): '{text.TrimEnd().Replace('\n', ',')}'.", path, ex);
        }
    }
}

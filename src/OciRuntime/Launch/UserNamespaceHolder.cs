using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// A user namespace with given maps and no process in it, for idmapped mounts (mount_setattr takes a user namespace fd;
/// any namespace with the container's maps gives the same ids). A multithreaded process cannot make one itself, so
/// ctinit's user namespace stage makes it (ctinit --hold-user-namespace), the launcher maps it, opens
/// /proc/PID/ns/user, and lets the process go. Podman makes its idmapped layers the same way.
/// </summary>
public static class UserNamespaceHolder
{
    /// <summary>An O_RDONLY fd of the new namespace (close-on-exec); the caller closes it.</summary>
    public static int Create(IReadOnlyList<IdMappingSpec> uids, IReadOnlyList<IdMappingSpec> gids, string? initPath = null)
    {
        var init = HelperBinary.Init.Locate(initPath);
        var (reportRead, reportWrite) = FileDescriptors.Pipe();
        var (sync, syncForInit) = UnixSockets.SeqPacketPair();
        int pid;
        try
        {
            var fds = new Dictionary<int, int> { [InitProtocol.ReportFd] = reportWrite, [InitProtocol.UserNamespaceSyncFd] = syncForInit };
            pid = ProcessSpawn.Spawn(init, [init, UserNamespaceStage.HoldOption], [], new SpawnOptions { FileDescriptors = fds });
        }
        catch
        {
            FileDescriptors.Close(reportRead);
            FileDescriptors.Close(sync);
            throw;
        }
        finally
        {
            FileDescriptors.Close(reportWrite);
            FileDescriptors.Close(syncForInit);
        }

        try
        {
            Span<byte> message = stackalloc byte[8];
            if (UnixSockets.Receive(sync, message) == 0)
            {
                var report = FileDescriptors.ReadToEnd(reportRead);
                var (errno, reason) = report.Length > 0 ? InitProtocol.DecodeFailure(report.AsSpan(1)) : (0, "ctinit ended without a report");
                throw new ContainerToolsException(ErrorIds.UserNamespaceMappingFailed, $"A user namespace could not be made: {reason}", init, reason: reason, errno: errno);
            }
            UserNamespaceStage.WriteMappings(pid, uids, gids);
            var ns = FileDescriptors.Open($"/proc/{pid}/ns/user", FileDescriptors.ReadOnly);
            UnixSockets.Send(sync, "M"u8);
            return ns;
        }
        finally
        {
            FileDescriptors.Close(sync);
            FileDescriptors.Close(reportRead);
            try { ProcessWait.Wait(pid); } catch (SystemCallException) { }
        }
    }
}

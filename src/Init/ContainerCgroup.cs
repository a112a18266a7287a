using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

internal static class ContainerCgroup
{
    /// <summary>
    /// Joins the container's cgroups first, then creates the cgroup namespace: its root is the cgroup the process is in
    /// at unshare time, so the container sees its own cgroup as "/".
    /// </summary>
    public static void Enter(RuntimeSpec spec, IReadOnlyList<string> cgroupJoinFiles)
    {
        foreach (var file in cgroupJoinFiles)
        {
            // "0" is the writer itself, in every pid namespace and in both cgroup versions (v1 "tasks": this thread only,
            // which is the one that execs; see Cgroup.JoinFiles).
            var fd = FileDescriptors.Open(file, FileDescriptors.WriteOnly);
            try { FileDescriptors.WriteAll(fd, "0"u8); }
            catch (SystemCallException ex) { throw new SystemCallException("join cgroup", ex.Errno, file); }
            finally { FileDescriptors.Close(fd); }
        }

        var cgroupNamespace = spec.Linux.Namespaces.FirstOrDefault(ns => ns.Type == "cgroup");
        if (cgroupNamespace is null) return;
        if (string.IsNullOrEmpty(cgroupNamespace.Path))
        {
            Namespaces.Unshare(Namespaces.CloneFlag(NamespaceKind.Cgroup));
            return;
        }
        var nsFd = FileDescriptors.Open(cgroupNamespace.Path, FileDescriptors.ReadOnly);
        try { Namespaces.Join(nsFd, NamespaceKind.Cgroup); }
        finally { FileDescriptors.Close(nsFd); }
    }
}

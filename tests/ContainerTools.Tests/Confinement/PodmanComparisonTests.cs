using ContainerTools.Runtime.Containers;
using ContainerTools.Tests.Fixtures;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Confinement;

/// <summary>
/// The same probe in a podman container with podman's defaults (its seccomp profile, Debian's
/// /usr/share/containers/seccomp.json) and in ours: everything podman refuses, ours refuses too.
/// </summary>
public sealed class PodmanComparisonTests : IDisposable
{
    private readonly ContainerHost _host = new();
    private readonly SyscallProbe _probe = new();

    public void Dispose()
    {
        _host.Dispose();
        _probe.Dispose();
    }

    /// <summary>Errnos a seccomp profile answers with (Docker's and podman's EPERM, ENOSYS where they ask for it).</summary>
    private static bool Refused(string result) => result is "EPERM" or "ENOSYS" or "EACCES";

    [Fact]
    public void OursRefusesEverythingPodmanRefuses()
    {
        var podman = SyscallProbe.Results(RunInPodman());
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["/probe/probe"], Volumes = [_probe.Directory + ":/probe:ro"], Network = "none" });
        Assert.Equal(0, _host.Store.Wait(container.Id, TimeSpan.FromSeconds(60)));
        var ours = SyscallProbe.Results(_host.Output(container));

        Assert.Equal(podman.Keys.Order(), ours.Keys.Order());
        var refusedByPodman = podman.Where(p => Refused(p.Value)).Select(p => p.Key).ToList();
        Assert.True(refusedByPodman.Count >= 15, $"podman refused only {string.Join(", ", refusedByPodman)}: is its profile applied?");
        foreach (var name in refusedByPodman) Assert.True(Refused(ours[name]), $"{name}: podman {podman[name]}, ours {ours[name]}");
        // And more: podman's profile lets a user namespace be made and keyctl through; Docker's (ours) does not.
        Assert.Equal("EPERM", ours["unshare_user"]);
        Assert.Equal("EPERM", ours["keyctl"]);
    }

    /// <summary>
    /// podman run --rootfs (a directory holding only the probe), in a store of its own. crun refuses this hybrid host's
    /// cgroup2 mount holding only hugetlb, so podman runs in a private mount namespace without it and without
    /// cgroups (as bench/ does); podman's ulimits are set because this session may not raise its own.
    /// </summary>
    private string RunInPodman()
    {
        var work = Directory.CreateTempSubdirectory("ct-podman-probe-").FullName;
        try
        {
            var rootfs = Directory.CreateDirectory(Path.Combine(work, "rootfs")).FullName;
            File.Copy(Path.Combine(_probe.Directory, "probe"), Path.Combine(rootfs, "probe"));
            File.SetUnixFileMode(Path.Combine(rootfs, "probe"), (UnixFileMode)0b111_101_101);
            var podman = $"podman --root {work}/root --runroot {work}/run --tmpdir {work}/tmp --storage-driver vfs --events-backend none --cgroup-manager cgroupfs " +
                $"run --rm --network none --cgroups disabled --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --rootfs {rootfs} /probe";
            return TestImages.Run("unshare", "-m", "--propagation", "private", "sh", "-c",
                $"if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi; exec {podman}");
        }
        finally
        {
            ContainerTools.Runtime.Storage.DirectoryRemover.TryRemove(work);
        }
    }
}

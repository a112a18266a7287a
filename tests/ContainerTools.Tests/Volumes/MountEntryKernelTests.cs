using System.Diagnostics;
using ContainerTools.Runtime.Storage;
using ContainerTools.Runtime.Volumes;

namespace ContainerTools.Tests.Volumes;

/// <summary>The entries' options, as mount(8) passes them to mount(2), do what they say (in a private mount namespace).</summary>
public sealed class MountEntryKernelTests
{
    [Fact]
    public void ResolvedEntriesMountWithTheirOptions()
    {
        var root = Directory.CreateTempSubdirectory("ct-mountk-");
        try
        {
            var volumes = new VolumeStore(new StoreRoot(root.FullName));
            var host = Path.Combine(root.FullName, "host");
            Directory.CreateDirectory(host);
            File.WriteAllText(Path.Combine(host, "page"), "from host");
            var entries = MountResolver.Resolve(
            [
                MountArguments.ParseVolume($"{host}:/srv:ro"),
                MountArguments.ParseTmpfs("/scratch:size=1m,mode=1777"),
                MountArguments.ParseMount("type=volume,source=kept,target=/kept"),
            ], volumes, "c1");
            var rootfs = Path.Combine(root.FullName, "rootfs");
            var script = "set -e\n" + string.Join('\n', entries.Select(e =>
            {
                var target = rootfs + e.Destination;
                Directory.CreateDirectory(target);
                return $"mount -t {e.Type} -o {string.Join(',', e.Options)} '{e.Source}' '{target}'";
            })) + $$"""

                cat {{rootfs}}/srv/page; echo
                if touch {{rootfs}}/srv/new 2>/dev/null; then echo srv-writable; else echo srv-readonly; fi
                stat -c %a {{rootfs}}/scratch
                grep ' {{rootfs}}/scratch ' /proc/self/mounts
                echo data > {{rootfs}}/kept/file
                """;
            var start = new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "sh", "-c", script])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();

            Assert.True(process.ExitCode == 0, errors + output);
            var lines = output.Split('\n');
            Assert.Equal(["from host", "srv-readonly", "1777"], lines[..3]);
            Assert.Contains("nosuid,nodev,noexec", lines[3]);
            Assert.Contains("size=1024k", lines[3]);
            // The volume's data outlives the mount namespace; the read-only bind left the host directory untouched.
            Assert.Equal("data\n", File.ReadAllText(Path.Combine(volumes.Get("kept").Mountpoint, "file")));
            Assert.False(File.Exists(Path.Combine(host, "new")));
        }
        finally
        {
            DirectoryRemover.Remove(root.FullName);
        }
    }
}

using System.Text;
using Tmds.Linux;

namespace ContainerTools.Tests.Layers;

/// <summary>The applied layers must mean to the kernel's overlayfs what the OCI whiteouts meant in the image.</summary>
public sealed class OverlayWhiteoutTests : IDisposable
{
    private readonly LayerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public unsafe void WhiteoutsAndOpaqueDirectoriesHideLowerContentInAnOverlayMount()
    {
        var lower = Path.Combine(_sandbox.Target, "lower");
        var upper = Path.Combine(_sandbox.Target, "upper");
        var merged = Path.Combine(_sandbox.Target, "merged");
        foreach (var dir in new[] { lower, upper, merged })
        {
            Directory.CreateDirectory(dir);
        }
        _sandbox.Apply(LayerBuilder.Gzip(new LayerBuilder()
            .File("file", "lower").File("keep", "kept")
            .Directory("dir/").File("dir/a", "lower a").File("dir/sub/x", "lower x")
            .Directory("gone-dir/").File("gone-dir/y", "y")
            .Tar()), lower);
        _sandbox.Apply(LayerBuilder.Gzip(new LayerBuilder()
            .Whiteout(".wh.file")
            .Whiteout(".wh.gone-dir")
            .Directory("dir/").Whiteout("dir/.wh..wh..opq").File("dir/b", "upper b")
            .Tar()), upper);

        var options = Encoding.UTF8.GetBytes($"lowerdir={upper}:{lower}\0");
        var mounted = false;
        try
        {
            fixed (byte* source = "overlay\0"u8)
            fixed (byte* type = "overlay\0"u8)
            fixed (byte* target = Encoding.UTF8.GetBytes(merged + "\0"))
            fixed (byte* data = options)
            {
                var rc = LibC.mount(source, target, type, LibC.MS_RDONLY, data);
                Assert.True(rc == 0, $"mount overlay: errno {LibC.errno}");
                mounted = true;
            }

            Assert.False(File.Exists(Path.Combine(merged, "file")));
            Assert.False(Directory.Exists(Path.Combine(merged, "gone-dir")));
            Assert.Equal("kept", File.ReadAllText(Path.Combine(merged, "keep")));
            Assert.Equal(["b"], Directory.GetFileSystemEntries(Path.Combine(merged, "dir")).Select(Path.GetFileName));
            Assert.Equal("upper b", File.ReadAllText(Path.Combine(merged, "dir", "b")));
        }
        finally
        {
            if (mounted)
            {
                fixed (byte* target = Encoding.UTF8.GetBytes(merged + "\0"))
                {
                    if (LibC.umount2(target, 0) != 0)
                    {
                        LibC.umount2(target, LibC.MNT_DETACH);
                    }
                }
            }
        }
    }
}

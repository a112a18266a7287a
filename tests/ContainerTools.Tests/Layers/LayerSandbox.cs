using System.Text;
using ContainerTools.Runtime.Layers;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Layers;

/// <summary>
/// A fresh directory on the real disk holding the layer target plus a sentinel tree and an empty "outside" dir that
/// no layer may touch; <see cref="AssertHostUntouched"/> proves it.
/// </summary>
public sealed class LayerSandbox : IDisposable
{
    private readonly Dictionary<string, string> _sentinelBefore;

    public LayerSandbox()
    {
        Base = Path.Combine(Path.GetTempPath(), "ct-layers-" + Guid.NewGuid().ToString("N"));
        Target = Path.Combine(Base, "target");
        Sentinel = Path.Combine(Base, "sentinel");
        Outside = Path.Combine(Base, "outside");
        try
        {
            _sentinelBefore = Populate();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private Dictionary<string, string> Populate()
    {
        System.IO.Directory.CreateDirectory(Target);
        System.IO.Directory.CreateDirectory(Path.Combine(Sentinel, "etc"));
        System.IO.Directory.CreateDirectory(Outside);
        System.IO.File.WriteAllText(Path.Combine(Sentinel, "etc", "passwd"), "root:x:0:0::/root:/bin/sh\n");
        System.IO.File.WriteAllText(Path.Combine(Outside, "victim"), "original");
        return Snapshot(Base, exclude: Target);
    }

    public string Base { get; }
    public string Target { get; }
    public string Sentinel { get; }
    public string Outside { get; }

    public LayerApplyResult Apply(byte[] layer, string? target = null) =>
        LayerApplier.Apply(new NonSeekableStream(layer), target ?? Target);

    public string In(string relative) => Path.Combine(Target, relative);

    public void AssertHostUntouched()
    {
        Assert.Equal(_sentinelBefore, Snapshot(Base, exclude: Target));
    }

    /// <summary>Every path under <paramref name="root"/> (not following symlinks) with its type, mode, links and content.</summary>
    public static Dictionary<string, string> Snapshot(string root, string? exclude = null)
    {
        var result = new Dictionary<string, string>();
        void Walk(string dir)
        {
            foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(dir))
            {
                if (path == exclude) { continue; }
                var st = FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out var errno);
                Assert.Equal(0, errno);
                var mode = (uint)(ushort)st.st_mode;
                var kind = FileNodes.KindOf(mode);
                var content = kind == FileNodeKind.RegularFile ? System.IO.File.ReadAllText(path)
                    : kind == FileNodeKind.Symlink ? "-> " + new FileInfo(path).LinkTarget : "";
                result[path] = $"{Convert.ToString(mode, 8)} n{(ulong)st.st_nlink} {(uint)st.st_uid}:{(uint)st.st_gid} {content}";
                if (kind == FileNodeKind.Directory) { Walk(path); }
            }
        }
        Walk(root);
        return result;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Base, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    /// <summary>Layers arrive from the network: the applier must not seek.</summary>
    private sealed class NonSeekableStream(byte[] data) : ContainerTools.Runtime.Storage.ReadOnlyForwardStream
    {
        private readonly MemoryStream _inner = new(data);
        public override int Read(Span<byte> buffer) => _inner.Read(buffer[..Math.Min(buffer.Length, 7919)]);
    }
}

internal static class Stat
{
    public static Tmds.Linux.stat Of(string path)
    {
        var st = FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out var errno);
        Assert.True(errno == 0, $"lstat {path}: errno {errno}");
        return st;
    }

    public static uint Mode(string path) => (uint)(ushort)Of(path).st_mode;

    public static string Text(string path) => Encoding.UTF8.GetString(System.IO.File.ReadAllBytes(path));
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Files;

/// <summary>
/// A fresh directory holding a container root ("rootfs"), a host work area ("host") and a sentinel tree standing for
/// the host's own files, which no copy may read or change; <see cref="AssertSentinelUntouched"/> proves it.
/// </summary>
public sealed class FileSandbox : IDisposable
{
    private readonly Dictionary<string, string> _sentinelBefore;

    public FileSandbox()
    {
        Base = Path.Combine(Path.GetTempPath(), "ct-files-" + Guid.NewGuid().ToString("N"));
        Rootfs = Path.Combine(Base, "rootfs");
        Host = Path.Combine(Base, "host");
        Sentinel = Path.Combine(Base, "sentinel");
        try
        {
            Directory.CreateDirectory(Rootfs);
            Directory.CreateDirectory(Host);
            Directory.CreateDirectory(Path.Combine(Sentinel, "etc"));
            File.WriteAllText(Path.Combine(Sentinel, "etc", "passwd"), "host-secret\n");
            File.WriteAllText(Path.Combine(Sentinel, "victim"), "original");
            _sentinelBefore = TreeSnapshot.Of(Base, exclude: [Rootfs, Host]);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Base { get; }
    public string Rootfs { get; }
    public string Host { get; }
    public string Sentinel { get; }

    public string InRoot(string relative) => Path.Combine(Rootfs, relative.TrimStart('/'));

    public string InHost(string relative) => Path.Combine(Host, relative.TrimStart('/'));

    /// <summary>Nothing outside rootfs and host changed or appeared: the sentinel tree and the base dir are as they were.</summary>
    public void AssertSentinelUntouched() => Assert.Equal(_sentinelBefore, TreeSnapshot.Of(Base, exclude: [Rootfs, Host]));

    /// <summary>
    /// Symlinks a hostile container would plant, each aimed at the sentinel: absolute (the host path), a relative
    /// chain of "..", one level up out of the root, and a symlinked parent directory.
    /// </summary>
    public void PlantHostileLinks()
    {
        File.CreateSymbolicLink(InRoot("abs"), Sentinel);
        File.CreateSymbolicLink(InRoot("rel"), string.Concat(Enumerable.Repeat("../", 12)) + Sentinel.TrimStart('/'));
        File.CreateSymbolicLink(InRoot("up"), "../sentinel");
        File.CreateSymbolicLink(InRoot("etc"), Path.Combine(Sentinel, "etc"));
        File.CreateSymbolicLink(InRoot("victim"), Path.Combine(Sentinel, "victim"));
    }

    public void Dispose()
    {
        try { Directory.Delete(Base, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}

/// <summary>A sample tree with everything a copy or an export must keep.</summary>
internal static class SampleTree
{
    public static readonly FileTime FixedTime = new(1_600_000_000, 123_456_700);

    public static void Build(string root)
    {
        Directory.CreateDirectory(root);
        Write(root, "file", "hello\n", "644", 1000, 1001);
        Write(root, "suid", "x", "4755", 0, 0);
        Write(root, "private", "secret", "600", 33, 33);
        Directory.CreateDirectory(Path.Combine(root, "shared"));
        Chmod(Path.Combine(root, "shared"), "2775");
        Chown(Path.Combine(root, "shared"), 7, 8);
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        Chmod(Path.Combine(root, "tmp"), "1777");
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        Directory.CreateDirectory(Path.Combine(root, "sub", "deep"));
        Write(root, "sub/deep/file", "deep", "640", 5, 6);
        Write(root, "hard1", "linked", "755", 2, 3);
        FileNodes.MakeHardLink(FileDescriptors.CurrentDirectory, Path.Combine(root, "hard1"), FileDescriptors.CurrentDirectory, Path.Combine(root, "sub", "hard2"));
        File.CreateSymbolicLink(Path.Combine(root, "link"), "file");
        File.CreateSymbolicLink(Path.Combine(root, "abs"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(root, "sub", "up"), "../../../../..");
        FileNodes.SetOwner(FileDescriptors.CurrentDirectory, Path.Combine(root, "link"), 11, 12);
        FileNodes.MakeNode(FileDescriptors.CurrentDirectory, Path.Combine(root, "fifo"), 0x1000 | 0b110_100_000, 0, 0);
        FileNodes.MakeNode(FileDescriptors.CurrentDirectory, Path.Combine(root, "null"), 0x2000 | 0b110_110_110, 1, 3);
        FileNodes.MakeNode(FileDescriptors.CurrentDirectory, Path.Combine(root, "loop0"), 0x6000 | 0b110_110_000, 7, 0);
        Chmod(Path.Combine(root, "fifo"), "640");
        Chmod(Path.Combine(root, "null"), "666");
        Chmod(Path.Combine(root, "loop0"), "660");
        Write(root, "tagged", "t", "644", 0, 0);
        Xattrs.SetNoFollow(Path.Combine(root, "tagged"), "user.note", "hi there"u8);
        Xattrs.SetNoFollow(Path.Combine(root, "sub"), "user.dir", "d"u8);
        SetAllTimes(root);
    }

    /// <summary>Fixed mtimes everywhere, children before their directory. Never follows a symlink: the tree holds
    /// one that leads to the host's "/".</summary>
    public static void SetAllTimes(string directory)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory))
        {
            if (FileNodes.Kind(FileDescriptors.CurrentDirectory, path) == FileNodeKind.Directory)
            {
                SetAllTimes(path);
            }
            else
            {
                FileNodes.SetTimes(FileDescriptors.CurrentDirectory, path, FixedTime);
            }
        }
        FileNodes.SetTimes(FileDescriptors.CurrentDirectory, directory, FixedTime);
    }

    private static void Write(string root, string relative, string content, string mode, int uid, int gid)
    {
        var path = Path.Combine(root, relative);
        File.WriteAllText(path, content);
        Chown(path, uid, gid);
        Chmod(path, mode);
    }

    public static void Chmod(string path, string octal) =>
        FileNodes.SetMode(FileDescriptors.CurrentDirectory, path, Convert.ToUInt32(octal, 8));

    public static void Chown(string path, int uid, int gid) =>
        FileNodes.SetOwner(FileDescriptors.CurrentDirectory, path, uid, gid);
}

/// <summary>Everything a faithful copy keeps, per relative path, never following symlinks.</summary>
internal static class TreeSnapshot
{
    public static Dictionary<string, string> Of(string root, string[]? exclude = null, bool times = true)
    {
        var result = new Dictionary<string, string>();
        var firstByInode = new Dictionary<(ulong, ulong), string>();
        void Walk(string dir, string prefix)
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
            {
                if (exclude is not null && exclude.Contains(path)) { continue; }
                var relative = prefix + Path.GetFileName(path);
                var st = FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out var errno);
                Assert.Equal(0, errno);
                var mode = (uint)(ushort)st.st_mode;
                var kind = FileNodes.KindOf(mode);
                var text = new StringBuilder($"{Convert.ToString(mode, 8)} {(uint)st.st_uid}:{(uint)st.st_gid}");
                if (times) { text.Append($" t{(long)st.st_mtim.tv_sec}.{(long)st.st_mtim.tv_nsec}"); }
                switch (kind)
                {
                    case FileNodeKind.RegularFile:
                        text.Append(" sha:" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))[..16]);
                        break;
                    case FileNodeKind.Symlink:
                        text.Append(" -> " + new FileInfo(path).LinkTarget);
                        break;
                    case FileNodeKind.Other:
                        text.Append($" dev {FileNodes.DeviceMajor((ulong)st.st_rdev)},{FileNodes.DeviceMinor((ulong)st.st_rdev)}");
                        break;
                }
                if (kind != FileNodeKind.Directory && (ulong)st.st_nlink > 1)
                {
                    var key = ((ulong)st.st_dev, (ulong)st.st_ino);
                    if (firstByInode.TryGetValue(key, out var first)) { text.Append(" =" + first); }
                    else { firstByInode[key] = relative; }
                }
                foreach (var name in Xattrs.ListNoFollow(path).Order(StringComparer.Ordinal))
                {
                    text.Append($" {name}={Convert.ToHexString(Xattrs.GetNoFollow(path, name) ?? [])}");
                }
                result[relative] = text.ToString();
                if (kind == FileNodeKind.Directory) { Walk(path, relative + "/"); }
            }
        }
        Walk(root, "");
        return result;
    }

    /// <summary>The root directory's own mode, owner and time, which a copy of the directory also keeps.</summary>
    public static string Top(string path)
    {
        var st = FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out var errno);
        Assert.Equal(0, errno);
        return $"{Convert.ToString((uint)(ushort)st.st_mode, 8)} {(uint)st.st_uid}:{(uint)st.st_gid} t{(long)st.st_mtim.tv_sec}.{(long)st.st_mtim.tv_nsec}";
    }
}

internal static class Run
{
    public static string Tool(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) { info.ArgumentList.Add(arg); }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {error}");
        return output;
    }
}

internal static class Resolver
{
    /// <summary>Tests name the resolver as text: ResolveMode is internal and xunit theories are public.</summary>
    public static ContainerTools.Runtime.Files.ResolveMode Parse(string name) => name switch
    {
        "openat2" => ContainerTools.Runtime.Files.ResolveMode.Openat2,
        "walk" => ContainerTools.Runtime.Files.ResolveMode.Walk,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}

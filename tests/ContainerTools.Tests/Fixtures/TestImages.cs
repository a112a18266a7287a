using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Tests.Fixtures;

/// <summary>One image of a generated docker-archive: its tags and the text of its top layer's /etc/marker (same marker, same image).</summary>
public sealed record TestImage(string[] Tags, string Marker = "default");

/// <summary>
/// Builds test images locally, without a registry: a busybox root filesystem from the host's busybox-static, and docker-archives
/// of two-layer images (busybox base + a small marker layer). Output is deterministic: equal inputs give equal image ids.
/// </summary>
public static class TestImages
{
    public static readonly DateTimeOffset FixedTime = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<byte[]> BusyboxTar = new(CreateBusyboxRootfsTar);

    public static string BusyboxBinary => File.Exists("/bin/busybox") ? "/bin/busybox" : "/usr/bin/busybox";

    /// <summary>A plain tar of a minimal busybox root filesystem: bin/busybox plus one symlink per applet, etc/passwd, etc/group, tmp, proc, sys, dev.</summary>
    public static void BuildBusyboxRootfsTar(string path) => File.WriteAllBytes(path, BusyboxTar.Value);

    /// <summary>The busybox rootfs tar's bytes (the base layer of every generated image).</summary>
    public static byte[] BusyboxRootfsTarBytes() => BusyboxTar.Value;

    /// <summary>A one-file layer: etc/marker holding <paramref name="marker"/>.</summary>
    public static byte[] MarkerLayerTar(string marker)
    {
        using var memory = new MemoryStream();
        using (var writer = new TarWriter(memory, TarEntryFormat.Ustar, leaveOpen: true))
        {
            AddDirectory(writer, "etc/", Mode755);
            AddFile(writer, "etc/marker", Encoding.UTF8.GetBytes(marker + "\n"), Mode644);
        }
        return memory.ToArray();
    }

    /// <summary>A docker-archive with one two-layer image carrying <paramref name="tags"/>.</summary>
    public static void BuildDockerArchive(string path, params string[] tags) => BuildDockerArchive(path, new TestImage(tags));

    /// <summary>A docker-archive with several images; images share the busybox base layer.</summary>
    public static void BuildDockerArchive(string path, params TestImage[] images) =>
        BuildDockerArchive(path, images, gzipLayers: false);

    /// <summary>
    /// A docker-archive as docker/podman save write it: manifest.json, HEX.json configs, HEX.tar layers (gzip-compressed when
    /// <paramref name="gzipLayers"/>), each file once.
    /// </summary>
    public static void BuildDockerArchive(string path, IReadOnlyList<TestImage> images, bool gzipLayers)
    {
        var files = new List<(string Name, byte[] Content)>();
        var manifest = new List<object>();
        foreach (var image in images)
        {
            var layers = new[] { BusyboxTar.Value, MarkerLayerTar(image.Marker) };
            var config = ConfigJson(layers.Select(DigestOf).ToArray(), image.Marker);
            var configName = Hex(config) + ".json";
            var layerNames = new List<string>();
            foreach (var layer in layers)
            {
                var blob = gzipLayers ? Gzip(layer) : layer;
                var name = Hex(blob) + ".tar";
                layerNames.Add(name);
                if (files.All(f => f.Name != name))
                {
                    files.Add((name, blob));
                }
            }
            if (files.All(f => f.Name != configName))
            {
                files.Add((configName, config));
            }
            manifest.Add(new { Config = configName, RepoTags = image.Tags, Layers = layerNames });
        }
        files.Add(("manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest)));
        WriteTar(path, files);
    }

    /// <summary>An image config for the given layers; the marker goes into a label so different markers give different ids.</summary>
    public static byte[] ConfigJson(string[] diffIds, string marker) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["created"] = FixedTime,
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new Dictionary<string, object>
            {
                ["Env"] = new[] { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
                ["Cmd"] = new[] { "sh" },
                ["Labels"] = new Dictionary<string, string> { ["test.marker"] = marker },
            },
            ["rootfs"] = new { type = "layers", diff_ids = diffIds },
            ["history"] = diffIds.Select(_ => new { created = FixedTime, created_by = "ContainerTools tests" }).ToArray(),
        });

    /// <summary>Writes a tar of (name, content) regular files in the order given, names taken literally (tests use hostile ones).</summary>
    public static void WriteTar(string path, IEnumerable<(string Name, byte[] Content)> files)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true);
        foreach (var (name, content) in files)
        {
            AddFile(writer, name, content, Mode644);
        }
    }

    public static string DigestOf(byte[] content) => "sha256:" + Hex(content);

    public static string Hex(byte[] content) => Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    public static byte[] Gzip(byte[] content)
    {
        using var memory = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(memory, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return memory.ToArray();
    }

    /// <summary>Runs a peer tool (skopeo, umoci, podman); fails the test with its output when it exits non-zero.</summary>
    public static string Run(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}{stdout}");
        }
        return stdout;
    }

    private const UnixFileMode Mode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode755 = Mode644 | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static byte[] CreateBusyboxRootfsTar()
    {
        var applets = Run(BusyboxBinary, "--list").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(a => a != "busybox" && !a.Contains('/'))
            .Order(StringComparer.Ordinal);
        using var memory = new MemoryStream();
        using (var writer = new TarWriter(memory, TarEntryFormat.Ustar, leaveOpen: true))
        {
            AddDirectory(writer, "bin/", Mode755);
            AddFile(writer, "bin/busybox", File.ReadAllBytes(BusyboxBinary), Mode755);
            foreach (var applet in applets)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox", ModificationTime = FixedTime, Mode = Mode755 | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite });
            }
            AddDirectory(writer, "etc/", Mode755);
            AddFile(writer, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"u8.ToArray(), Mode644);
            AddFile(writer, "etc/group", "root:x:0:\nnogroup:x:65534:\n"u8.ToArray(), Mode644);
            AddDirectory(writer, "tmp/", Mode755 | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);
            AddDirectory(writer, "proc/", Mode755);
            AddDirectory(writer, "sys/", Mode755);
            AddDirectory(writer, "dev/", Mode755);
            AddDirectory(writer, "root/", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return memory.ToArray();
    }

    private static void AddDirectory(TarWriter writer, string name, UnixFileMode mode) =>
        writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, name) { Mode = mode, ModificationTime = FixedTime });

    private static void AddFile(TarWriter writer, string name, byte[] content, UnixFileMode mode) =>
        writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { Mode = mode, ModificationTime = FixedTime, DataStream = new MemoryStream(content) });
}

/// <summary>A fresh store root under a unique temp directory, deleted (read-only dirs and device nodes included) on Dispose.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Directory = Path.Combine(Path.GetTempPath(), "ct-test-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        Root = new StoreRoot(Path.Combine(Directory, "store"));
        Root.EnsureCreated();
        Images = new ImageStore(Root);
    }

    /// <summary>The temp directory: the store root is its "store" subdirectory; tests put their archives next to it.</summary>
    public string Directory { get; }

    public StoreRoot Root { get; }

    public ImageStore Images { get; }

    /// <summary>A path for a scratch file or directory inside the temp directory.</summary>
    public string PathFor(string name) => Path.Combine(Directory, name);

    /// <summary>Builds a one-image docker archive (its top layer holds <paramref name="marker"/>) and imports it.</summary>
    public Image ImportTestImage(string marker, params string[] tags)
    {
        var archive = PathFor(marker + ".tar");
        TestImages.BuildDockerArchive(archive, new TestImage(tags, marker));
        return Assert.Single(Images.Import(archive, null));
    }

    /// <summary>Every file and directory of the store (relative paths), ignoring tmp/ and locks/: to prove a failure changed nothing.</summary>
    public IReadOnlyList<string> Listing()
    {
        var root = Root.Path;
        return System.IO.Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p))
            .Where(p => !p.StartsWith("tmp", StringComparison.Ordinal) && !p.StartsWith("locks", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public void Dispose() => DirectoryRemover.TryRemove(Directory);
}

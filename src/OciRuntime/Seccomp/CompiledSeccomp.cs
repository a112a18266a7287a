using System.Buffers.Binary;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Seccomp;

/// <summary>
/// BUNDLE/seccomp.bpf: a filter the engine compiled for the bundle's linux.seccomp, next to config.json. Its layout:
/// the length of the section's UTF-8 text (4 bytes, little-endian), that text exactly as config.json has it, the length
/// of the BPF program (4 bytes), the program. ctinit loads the program only when the text is byte for byte the one in
/// the config.json it read and the file is whole; otherwise (no file, an edited config.json, a stale or torn file, a
/// bundle from elsewhere) it compiles the section with libseccomp itself. Comparing the text costs microseconds (a
/// memcmp of about 11 KB), and unlike a digest it needs no hashing code in ctinit.
/// </summary>
public static class CompiledSeccomp
{
    public const string FileName = "seccomp.bpf";

    public static byte[] Encode(ReadOnlySpan<byte> source, ReadOnlySpan<byte> program)
    {
        var file = new byte[4 + source.Length + 4 + program.Length];
        BinaryPrimitives.WriteInt32LittleEndian(file, source.Length);
        source.CopyTo(file.AsSpan(4));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4 + source.Length), program.Length);
        program.CopyTo(file.AsSpan(8 + source.Length));
        return file;
    }

    /// <summary>The program in <paramref name="file"/> if it was compiled from exactly <paramref name="source"/>; empty otherwise.</summary>
    public static ReadOnlySpan<byte> Match(ReadOnlySpan<byte> file, ReadOnlySpan<byte> source)
    {
        if (file.Length < 8) return [];
        var length = BinaryPrimitives.ReadInt32LittleEndian(file);
        if (length != source.Length || length > file.Length - 8) return [];
        if (!file.Slice(4, length).SequenceEqual(source)) return [];
        var program = file[(8 + length)..];
        // A file cut short (written without a sync, then a crash) is no program: its length says so.
        return BinaryPrimitives.ReadInt32LittleEndian(file[(4 + length)..]) == program.Length ? program : [];
    }

    /// <summary>
    /// Another bundle for the same container (an exec's, a health probe's) gets the container's program: its
    /// config.json carries the same section. A hard link, else a copy; nothing when the container has no program.
    /// A bundle used again (the container's exec bundle) keeps a link that is still the container's file.
    /// </summary>
    public static void ShareInto(string containerBundle, string otherBundle)
    {
        var source = Path.Combine(containerBundle, FileName);
        var target = Path.Combine(otherBundle, FileName);
        if (IsSameFile(source, target)) return;
        File.Delete(target);
        if (!TryLink(source, target) && File.Exists(source)) File.Copy(source, target, overwrite: true);
    }

    private static bool IsSameFile(string source, string target)
    {
        var linked = FileNodes.Stat(FileDescriptors.CurrentDirectory, target, out var targetErrno);
        if (targetErrno != 0) return false;
        var original = FileNodes.Stat(FileDescriptors.CurrentDirectory, source, out var sourceErrno);
        return sourceErrno == 0 && original.st_dev == linked.st_dev && original.st_ino == linked.st_ino;
    }

    /// <summary>A hard link; false when <paramref name="file"/> is gone, or links are refused or cross filesystems.</summary>
    public static bool TryLink(string file, string target)
    {
        try
        {
            FileNodes.MakeHardLink(FileDescriptors.CurrentDirectory, file, FileDescriptors.CurrentDirectory, target);
            return true;
        }
        catch (IOException ex) when (ex.HResult is Errno.ENOENT or Errno.EXDEV or Errno.EPERM)
        {
            return false;
        }
    }
}

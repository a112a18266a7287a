using System.Buffers.Binary;
using System.Text;

namespace ContainerTools.OciRuntime.Seccomp;

/// <summary>
/// BUNDLE/seccomp.bpf: a filter the engine compiled for the bundle's linux.seccomp, next to config.json. Its layout:
/// the length of the section's text (4 bytes, little-endian), that text exactly as config.json has it, then the BPF
/// program. ctinit loads the program only when the text is byte for byte the one in config.json it read; otherwise
/// (no file, an edited config.json, a bundle from elsewhere) it compiles the section with libseccomp itself.
/// </summary>
public static class CompiledSeccomp
{
    public const string FileName = "seccomp.bpf";

    public static byte[] Encode(string sourceText, ReadOnlySpan<byte> program)
    {
        var text = Encoding.UTF8.GetBytes(sourceText);
        var file = new byte[4 + text.Length + program.Length];
        BinaryPrimitives.WriteInt32LittleEndian(file, text.Length);
        text.CopyTo(file, 4);
        program.CopyTo(file.AsSpan(4 + text.Length));
        return file;
    }

    /// <summary>The program in <paramref name="file"/> if it was compiled from exactly <paramref name="sourceText"/>; empty otherwise.</summary>
    public static ReadOnlySpan<byte> Match(ReadOnlySpan<byte> file, string sourceText)
    {
        if (file.Length < 4) return [];
        var length = BinaryPrimitives.ReadInt32LittleEndian(file);
        if (length < 0 || length > file.Length - 4) return [];
        var text = file.Slice(4, length);
        if (Encoding.UTF8.GetByteCount(sourceText) != length) return [];
        Span<byte> expected = length <= 64 * 1024 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(sourceText, expected);
        return text.SequenceEqual(expected) ? file[(4 + length)..] : [];
    }
}

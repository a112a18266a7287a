using System.Text;

namespace ContainerTools.Runtime.Linux;

/// <summary>NUL-terminated UTF-8 for system calls, on the caller's stack when it fits so a path costs no allocation.</summary>
internal static class NativeText
{
    public const int ScratchSize = 1024;

    public static Span<byte> Terminate(ReadOnlySpan<char> text, Span<byte> scratch)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length) + 1;
        var target = max <= scratch.Length ? scratch : new byte[max];
        var length = Encoding.UTF8.GetBytes(text, target);
        target[length] = 0;
        return target[..(length + 1)];
    }
}

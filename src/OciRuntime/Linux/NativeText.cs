using System.Runtime.InteropServices;
using System.Text;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// NUL-terminated UTF-8 for system calls: strings and string vectors in unmanaged memory (argv/envp), or a path on the
/// caller's stack when it fits so it costs no allocation.
/// </summary>
public sealed unsafe class NativeText : IDisposable
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

    private readonly List<IntPtr> _allocations = [];

    public byte* String(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var buffer = (byte*)NativeMemory.Alloc((nuint)count + 1);
        _allocations.Add((IntPtr)buffer);
        Encoding.UTF8.GetBytes(value, new Span<byte>(buffer, count));
        buffer[count] = 0;
        return buffer;
    }

    public byte** Vector(IReadOnlyList<string> values)
    {
        var vector = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        _allocations.Add((IntPtr)vector);
        for (var i = 0; i < values.Count; i++) vector[i] = String(values[i]);
        vector[values.Count] = null;
        return vector;
    }

    public void Dispose()
    {
        foreach (var allocation in _allocations) NativeMemory.Free((void*)allocation);
        _allocations.Clear();
    }
}

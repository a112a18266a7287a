using System.Runtime.InteropServices;
using System.Text;

namespace ContainerTools.Runtime.Linux;

/// <summary>NUL-terminated UTF-8 strings and string vectors in unmanaged memory, for argv/envp and path arguments.</summary>
public sealed unsafe class NativeText : IDisposable
{
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

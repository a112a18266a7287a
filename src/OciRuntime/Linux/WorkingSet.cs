using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// Gives back the code pages a process touched while starting up (its own, libc's), with madvise(MADV_DONTNEED) on
/// its executable file mappings. Code pages are never written, so dropping them is safe: they stay in the page cache
/// and fault back in when used. For a long-lived helper that did a lot once and then idles, this is most of its
/// resident size.
/// </summary>
public static unsafe class WorkingSet
{
    private const int MadvRandom = 1, MadvDontNeed = 4;

    /// <summary>
    /// Returns how many bytes were advised away: every read-only, file-backed private mapping (code, and read-only
    /// data such as .rodata and the runtime's metadata) that holds no anonymous page. A mapping with anonymous pages
    /// (RELRO: relocated, then made read-only) is left alone, since dropping its pages would lose the relocations.
    /// </summary>
    public static long TrimCode()
    {
        // Read into native memory (glibc mmaps a block this size and unmaps it on free): as a managed string, smaps
        // (tens of KB) would grow the GC heap by more than the trim gives back.
        const int Capacity = 512 * 1024;
        var buffer = (byte*)NativeMemory.Alloc(Capacity);
        try
        {
            var fd = FileDescriptors.Open("/proc/self/smaps", FileDescriptors.ReadOnly);
            var size = 0;
            try
            {
                int n;
                while (size < Capacity && (n = FileDescriptors.Read(fd, new Span<byte>(buffer + size, Capacity - size))) > 0) size += n;
            }
            finally { FileDescriptors.Close(fd); }
            return Trim(new ReadOnlySpan<byte>(buffer, size));
        }
        catch (SystemCallException) { return 0; }
        finally { NativeMemory.Free(buffer); }
    }

    private static long Trim(ReadOnlySpan<byte> smaps)
    {
        long advised = 0;
        ulong start = 0, end = 0;
        var candidate = false;
        while (smaps.Length > 0)
        {
            var newline = smaps.IndexOf((byte)'\n');
            var line = newline < 0 ? smaps : smaps[..newline];
            smaps = newline < 0 ? default : smaps[(newline + 1)..];
            var dash = line.IndexOf((byte)'-');
            var space = line.IndexOf((byte)' ');
            if (dash > 0 && space > dash && IsHex(line[..dash]))
            {
                // A mapping's header: "start-end perms offset dev inode [path]"; only private, read-only, file-backed ones.
                start = ParseHex(line[..dash]);
                end = ParseHex(line[(dash + 1)..space]);
                var perms = line[(space + 1)..];
                candidate = (perms.StartsWith("r-xp "u8) || perms.StartsWith("r--p "u8)) && line.IndexOf((byte)'/') > 0;
                continue;
            }
            // "Anonymous:" comes once per mapping: a mapping without anonymous (copied-on-write) pages is clean.
            if (!candidate || !line.StartsWith("Anonymous:"u8)) continue;
            candidate = false;
            if (line["Anonymous:".Length..].Trim((byte)' ').StartsWith("0 "u8))
            {
                var length = (nuint)(end - start);
                // Random access: a later fault brings back the page it needs, not its neighbours too.
                madvise((void*)start, length, MadvRandom);
                if (madvise((void*)start, length, MadvDontNeed) == 0) advised += (long)length;
            }
        }
        return advised;
    }

    private static bool IsHex(ReadOnlySpan<byte> text)
    {
        foreach (var c in text) if (!char.IsAsciiHexDigit((char)c)) return false;
        return true;
    }

    private static ulong ParseHex(ReadOnlySpan<byte> text)
    {
        ulong value = 0;
        foreach (var c in text) value = (value << 4) | (uint)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        return value;
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int madvise(void* address, nuint length, int advice);
}

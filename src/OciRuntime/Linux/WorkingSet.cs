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
    private const int MadvRandom = 1, MadvDontNeed = 4, ENOSYS = 38;

    /// <summary>
    /// Drops the code pages (see <see cref="TrimmableMappings"/>) and waits for the child <paramref name="pid"/> to end,
    /// reaping it. Code that runs after a trim faults its pages back, and the kernel maps the 64 KB around every such
    /// fault: trimmed from managed code, the return from madvise and the way to waitpid brought back about 1 MB of
    /// ctmon's and libc's code. So the trim and the wait are made by <paramref name="trimAndWait"/>, native code that
    /// touches nothing but its own page between the two (ctmon's src/Monitor/Native/trim_and_wait.c, compiled at build
    /// time): given the {address, length} pairs, the pid and where to put the status, it returns wait4's result (the
    /// pid, or -errno; -ENOSYS where it has no code for this architecture). Without it (null, or -ENOSYS), it trims and
    /// then waits from managed code.
    /// </summary>
    public static ExitStatus TrimCodeAndWait(int pid, delegate*<nuint*, int, int*, nint> trimAndWait)
    {
        var ranges = TrimmableMappings();
        try
        {
            if (ranges is not null && trimAndWait != null)
            {
                int status;
                var result = trimAndWait(ranges, pid, &status);
                if (result == pid) return ExitStatus.FromWaitStatus(status);
                if (result != -ENOSYS) throw new SystemCallException("waitpid", (int)-result, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            if (ranges is not null) Advise(ranges, MadvDontNeed);
        }
        finally { NativeMemory.Free(ranges); }
        return ProcessWait.Wait(pid);
    }

    /// <summary>Trims, then waits, both from managed code (no native stage).</summary>
    public static ExitStatus TrimCodeAndWait(int pid) => TrimCodeAndWait(pid, null);

    /// <summary>
    /// The mappings to drop: every read-only, file-backed private mapping (code, and read-only data such as .rodata and
    /// the runtime's metadata) that holds no anonymous page. A mapping with anonymous pages (RELRO: relocated, then made
    /// read-only) is left alone, since dropping its pages would lose the relocations. As {address, length} pairs ending
    /// with {0, 0} in native memory (the caller frees it), already advised MADV_RANDOM; null if smaps cannot be read.
    /// </summary>
    private static nuint* TrimmableMappings()
    {
        // Read into native memory (glibc mmaps a block this size and unmaps it on free): as a managed string, smaps
        // (tens of KB) would grow the GC heap by more than the trim gives back.
        const int Capacity = 512 * 1024, MaxRanges = 256;
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
            var ranges = (nuint*)NativeMemory.AllocZeroed((nuint)(2 * (MaxRanges + 1)), (nuint)sizeof(nuint));
            Collect(new ReadOnlySpan<byte>(buffer, size), ranges, MaxRanges);
            // Random access: should the page cache have dropped the file, a later fault reads only the page it needs (no
            // readahead). It does not stop the kernel from mapping the cached pages around the fault (fault-around).
            Advise(ranges, MadvRandom);
            return ranges;
        }
        catch (SystemCallException) { return null; }
        finally { NativeMemory.Free(buffer); }
    }

    private static void Advise(nuint* ranges, int advice)
    {
        for (var range = ranges; range[1] != 0; range += 2) madvise((void*)range[0], range[1], advice);
    }

    private static void Collect(ReadOnlySpan<byte> smaps, nuint* ranges, int maxRanges)
    {
        var count = 0;
        ulong start = 0, end = 0;
        var candidate = false;
        while (smaps.Length > 0 && count < maxRanges)
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
                ranges[2 * count] = (nuint)start;
                ranges[2 * count + 1] = (nuint)(end - start);
                count++;
            }
        }
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

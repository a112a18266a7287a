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
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 2, MapAnonymous = 0x20, PageSize = 4096;

    // x86_64: trim_wait(ranges = {address, length}... {0, 0}, pid, int* status): madvise(MADV_DONTNEED) each range, then
    // wait4(pid, status, 0, NULL) again while it fails with EINTR; returns wait4's result (a pid, or -errno). Source:
    // push rbx; push r12; push r13; mov rbx,rdi; mov r12d,esi; mov r13,rdx
    // 1: mov rsi,[rbx+8]; test rsi,rsi; jz 2f; mov rdi,[rbx]; mov edx,4; mov eax,28 (madvise); syscall; add rbx,16; jmp 1b
    // 2: mov edi,r12d; mov rsi,r13; xor edx,edx; xor r10d,r10d; mov eax,61 (wait4); syscall; cmp rax,-4; je 2b
    // pop r13; pop r12; pop rbx; ret
    private static ReadOnlySpan<byte> TrimWaitX64 =>
    [
        0x53, 0x41, 0x54, 0x41, 0x55, 0x48, 0x89, 0xfb, 0x41, 0x89, 0xf4, 0x49,
        0x89, 0xd5, 0x48, 0x8b, 0x73, 0x08, 0x48, 0x85, 0xf6, 0x74, 0x15, 0x48,
        0x8b, 0x3b, 0xba, 0x04, 0x00, 0x00, 0x00, 0xb8, 0x1c, 0x00, 0x00, 0x00,
        0x0f, 0x05, 0x48, 0x83, 0xc3, 0x10, 0xeb, 0xe2, 0x44, 0x89, 0xe7, 0x4c,
        0x89, 0xee, 0x31, 0xd2, 0x45, 0x31, 0xd2, 0xb8, 0x3d, 0x00, 0x00, 0x00,
        0x0f, 0x05, 0x48, 0x83, 0xf8, 0xfc, 0x74, 0xe8, 0x41, 0x5d, 0x41, 0x5c,
        0x5b, 0xc3,
    ];

    /// <summary>
    /// Drops the code pages (see <see cref="TrimmableMappings"/>) and waits for the child <paramref name="pid"/> to end,
    /// reaping it. Code that runs after a trim faults its pages back, and the kernel maps the 64 KB around every such fault: trimmed
    /// from managed code, the return from madvise and the way to waitpid brought back about 1 MB of ctmon's and libc's
    /// code. So on x86_64 the madvise calls and the wait run in a 74-byte stub (an anonymous page, written, then made
    /// executable and no longer writable): nothing but that page is touched between the trim and the child's end.
    /// Elsewhere, or where the page cannot be made executable, it trims and then waits.
    /// </summary>
    public static ExitStatus TrimCodeAndWait(int pid)
    {
        var ranges = TrimmableMappings();
        try
        {
            var stub = ranges is not null && RuntimeInformation.ProcessArchitecture == Architecture.X64 ? MapStub(TrimWaitX64) : null;
            if (stub != null)
            {
                try
                {
                    int status;
                    var result = ((delegate* unmanaged<nuint*, int, int*, nint>)stub)(ranges, pid, &status);
                    if (result == pid) return ExitStatus.FromWaitStatus(status);
                    throw new SystemCallException("waitpid", (int)-result, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                finally { munmap(stub, PageSize); }
            }
            if (ranges is not null) Advise(ranges, MadvDontNeed);
        }
        finally { NativeMemory.Free(ranges); }
        return ProcessWait.Wait(pid);
    }

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

    /// <summary>A page holding <paramref name="code"/>, readable and executable but not writable; null if refused (W^X policies).</summary>
    private static void* MapStub(ReadOnlySpan<byte> code)
    {
        var page = mmap(null, PageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == (void*)-1) return null;
        code.CopyTo(new Span<byte>(page, PageSize));
        if (mprotect(page, PageSize, ProtRead | ProtExec) == 0) return page;
        munmap(page, PageSize);
        return null;
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

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int mprotect(void* address, nuint length, int protection);

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int munmap(void* address, nuint length);
}

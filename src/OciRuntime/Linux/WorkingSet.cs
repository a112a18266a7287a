using System.Globalization;
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

    /// <summary>Returns how many bytes of executable mappings were advised away.</summary>
    public static long TrimCode()
    {
        string text;
        try { text = File.ReadAllText("/proc/self/maps"); }
        catch (IOException) { return 0; }
        long advised = 0;
        foreach (var line in text.Split('\n'))
        {
            // "start-end perms offset dev inode path": only private, executable, file-backed, never-writable mappings.
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[1] != "r-xp" || !fields[5].StartsWith('/')) continue;
            var range = fields[0].Split('-');
            var start = ulong.Parse(range[0], NumberStyles.HexNumber);
            var length = (nuint)(ulong.Parse(range[1], NumberStyles.HexNumber) - start);
            // Random access: a later fault brings back the page it needs, not its neighbours too.
            madvise((void*)start, length, MadvRandom);
            if (madvise((void*)start, length, MadvDontNeed) == 0) advised += (long)length;
        }
        return advised;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(void* address, nuint length, int advice);
}

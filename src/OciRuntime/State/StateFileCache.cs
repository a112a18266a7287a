using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.State;

/// <summary>
/// The parsed values of state files a long-lived reader (ctapi's container list) reads again and again. Every write
/// replaces a file by rename (<see cref="StateFiles.Write"/>), so one open file is one complete version, and fstat of
/// that open file names it: a new write is a new inode with its own times. A read opens the file, and only parses it
/// when that version is not the one cached; it never writes, so concurrent writers stay correct.
/// </summary>
public sealed class StateFileCache<T> where T : class
{
    private readonly record struct FileVersion(ulong Device, ulong Inode, long Size, long Modified, long ModifiedNanoseconds, long Changed, long ChangedNanoseconds);

    // A class, not a tuple: a dictionary of reference types runs the framework's precompiled shared code, where a
    // value-type entry needs its own instantiation, JIT-compiled in every process (at tier 0, then twice more).
    private sealed record Entry(FileVersion Version, T Value);

    private readonly JsonTypeInfo<T>? _type;
    private readonly Func<byte[], string, T?> _parse;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public StateFileCache(JsonTypeInfo<T> type) : this((json, path) => Deserialize(json, path, type)) => _type = type;

    /// <param name="parse">The value of a file's bytes (the path for its errors); a file that parses to null is not cached.</param>
    public StateFileCache(Func<byte[], string, T?> parse) => _parse = parse;

    /// <summary>How many files are cached.</summary>
    public int Count => _entries.Count;

    private static T? Deserialize(byte[] json, string path, JsonTypeInfo<T> type)
    {
        try { return JsonSerializer.Deserialize(json, type); }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidContainerState, $"The container file '{path}' is not valid: {ex.Message}", path, ex);
        }
    }

    /// <summary>The file's value (from the cache when the file is the version cached), or null when it does not exist or is empty.</summary>
    /// <remarks>
    /// The fast path is one stat by name: when it shows the cached version, that version was the file's content at
    /// the stat (a write landing just after is a write after this read). Otherwise the file is opened and the open
    /// file's own fstat keys what is parsed from it.
    /// </remarks>
    public T? Read(string path)
    {
        if (_entries.TryGetValue(path, out var known))
        {
            var named = FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out var statErrno);
            if (statErrno == 0 && VersionOf(named) == known.Version) return known.Value;
        }
        var fd = FileDescriptors.TryOpen(FileDescriptors.CurrentDirectory, path, Tmds.Linux.LibC.O_RDONLY, out var openErrno);
        if (fd < 0)
        {
            if (openErrno is not (Errno.ENOENT or Errno.ENOTDIR)) throw LinuxError.ToException(openErrno, "open", path);
            _entries.TryRemove(path, out _);
            return null;
        }
        try
        {
            var st = FileNodes.Stat(fd, out var errno);
            if (errno != 0) throw LinuxError.ToException(errno, "fstat", path);
            var version = VersionOf(st);
            if (_entries.TryGetValue(path, out var cached) && cached.Version == version) return cached.Value;
            // What a non-durable write of a new file can leave after a power cut: not there (StateFiles.Read).
            if (st.st_size == 0)
            {
                _entries.TryRemove(path, out _);
                return null;
            }
            var value = _parse(WholeFiles.ReadToEnd(fd, path), path);
            if (value is not null) Add(path, version, value);
            return value;
        }
        finally
        {
            FileDescriptors.Close(fd);
        }
    }

    /// <summary>
    /// Writes the file (<see cref="StateFiles.Write"/>) and keeps what was written as that version's value, so the
    /// writer's next read of it parses nothing: one stat.
    /// </summary>
    public void Write(string path, T value, bool durable)
    {
        var written = StateFiles.Write(path, value, _type ?? throw new InvalidOperationException("A cache made with a parser only reads."), durable);
        Add(path, VersionOf(written), value);
    }

    /// <summary>Beyond this many entries, those of files that are gone are forgotten (then twice as many as are left, at least 64).</summary>
    private int _pruneBeyond = 64;

    /// <summary>
    /// A cache that lives as long as its process (every store's caches of container files, ctapi's) also forgets the
    /// files that are gone, now and then, without a caller's list of what exists: a session that runs thousands of
    /// auto-removed containers would otherwise keep every one's values.
    /// </summary>
    private void Add(string path, FileVersion version, T value)
    {
        _entries[path] = new Entry(version, value);
        if (_entries.Count <= _pruneBeyond) return;
        Retain(File.Exists);
        _pruneBeyond = Math.Max(64, 2 * _entries.Count);
    }

    private static FileVersion VersionOf(in Tmds.Linux.stat st) =>
        new((ulong)st.st_dev, (ulong)st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec);

    /// <summary>Forgets the files <paramref name="keep"/> rejects (those of containers that are gone), so the cache does not grow with every container ever seen.</summary>
    public void Retain(Func<string, bool> keep)
    {
        foreach (var path in _entries.Keys)
        {
            if (!keep(path)) _entries.TryRemove(path, out _);
        }
    }
}

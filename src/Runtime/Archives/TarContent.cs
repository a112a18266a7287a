using System.Formats.Tar;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Archives;

/// <summary>
/// The members of a tar file, indexed in one pass by name and data offset, so any member can be read later without
/// extracting anything to disk. Members whose names are absolute or climb with ".." are never indexed.
/// </summary>
public sealed class TarContent : IArchiveContent
{
    private const int MaxLinkHops = 16;
    private readonly string _path;
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);

    private sealed record Member(TarEntryType Type, long Offset, long Length, string? LinkName);

    private TarContent(string path) => _path = path;

    public string Source => _path;

    public IEnumerable<string> Names => _members.Keys;

    /// <summary>Indexes a tar file; throws ContainerToolsException(InvalidData, "CorruptArchive") when it is not a readable tar.</summary>
    public static TarContent Index(string path)
    {
        var content = new TarContent(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            using var reader = new TarReader(stream, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                var name = MemberName.Normalize(entry.Name);
                if (name is null)
                {
                    continue;
                }
                var offset = DataOffset(stream, entry);
                content._members[name] = new Member(entry.EntryType, offset, entry.Length, entry.LinkName);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or IOException)
        {
            throw new ContainerToolsException(ErrorIds.CorruptArchive, $"'{path}' is not a readable tar archive: {ex.Message}", path, ex);
        }
        return content;
    }

    /// <summary>
    /// Where the entry's data starts. On a seekable stream the reader leaves the position after the entry's data padded to
    /// the 512-byte block; the first bytes are checked against the entry's own data stream so a reader change cannot go unnoticed.
    /// </summary>
    private static long DataOffset(FileStream stream, TarEntry entry)
    {
        var end = stream.Position;
        var offset = end - (entry.Length + 511) / 512 * 512;
        if (offset < 0 || offset + entry.Length > stream.Length)
        {
            throw new EndOfStreamException($"The member '{entry.Name}' runs past the end of the file.");
        }
        if (entry.DataStream is { } data && entry.Length > 0)
        {
            Span<byte> expected = stackalloc byte[(int)Math.Min(16, entry.Length)];
            Span<byte> actual = stackalloc byte[expected.Length];
            data.Position = 0;
            data.ReadExactly(expected);
            stream.Position = offset;
            stream.ReadExactly(actual);
            stream.Position = end;
            if (!expected.SequenceEqual(actual))
            {
                throw new InvalidDataException($"Cannot locate the data of member '{entry.Name}'.");
            }
        }
        return offset;
    }

    /// <summary>Whether the file starts with something System.Formats.Tar can read as a tar header.</summary>
    public static bool LooksLikeTar(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var reader = new TarReader(stream);
            return reader.GetNextEntry(copyData: false) is not null;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or IOException)
        {
            return false;
        }
    }

    public bool Contains(string name) => Find(name) is not null;

    public Stream Open(string name)
    {
        var member = Find(name) ?? throw Missing(name);
        var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return new BoundedStream(file, member.Offset, member.Length);
    }

    /// <summary>The regular file <paramref name="name"/> designates, following symlinks and hard links that stay inside the archive.</summary>
    private Member? Find(string name)
    {
        var current = MemberName.Normalize(name);
        for (var hop = 0; current is not null && hop < MaxLinkHops; hop++)
        {
            if (!_members.TryGetValue(current, out var member))
            {
                return null;
            }
            switch (member.Type)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    return member;
                case TarEntryType.HardLink:
                    current = MemberName.Normalize(member.LinkName);
                    break;
                case TarEntryType.SymbolicLink:
                    var dir = current.Contains('/') ? current[..current.LastIndexOf('/')] : "";
                    current = member.LinkName is null || member.LinkName.StartsWith('/') ? null : MemberName.Normalize(dir.Length == 0 ? member.LinkName : dir + "/" + member.LinkName);
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private ContainerToolsException Missing(string name) =>
        new(ErrorIds.MissingArchiveEntry, $"The archive '{_path}' has no file '{name}'.", _path);
}

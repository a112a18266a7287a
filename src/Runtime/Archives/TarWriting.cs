using System.Formats.Tar;

namespace ContainerTools.Runtime.Archives;

/// <summary>The few kinds of members an image archive has, written with fixed owners and times so equal images give equal archives.</summary>
internal static class TarWriting
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    public static void Directory(TarWriter writer, string name)
    {
        var entry = new PaxTarEntry(TarEntryType.Directory, name.TrimEnd('/') + "/")
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            ModificationTime = Epoch,
        };
        writer.WriteEntry(entry);
    }

    public static void File(TarWriter writer, string name, byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        File(writer, name, stream);
    }

    /// <summary>Writes a member from a seekable stream (its length goes in the header).</summary>
    public static void File(TarWriter writer, string name, Stream content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = Epoch,
            DataStream = content,
        };
        writer.WriteEntry(entry);
    }
}

using System.Formats.Tar;
using ContainerTools.Api.Http;
using ContainerTools.Runtime.Layers;

namespace ContainerTools.Api.Streams;

/// <summary>A tar a client sent (docker cp, build context): checked for entries that leave their directory, then unpacked by the engine's rooted extraction.</summary>
internal static class UploadedArchive
{
    /// <summary>Refuses (400) an archive with an absolute entry or one that climbs with "..", before anything is written.</summary>
    public static void RefuseClimbingEntries(string tarPath)
    {
        try
        {
            using var file = File.OpenRead(tarPath);
            Stream input = file;
            var magic = new byte[2];
            if (file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) { file.Position = 0; input = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress); }
            else file.Position = 0;
            using var reader = new TarReader(input);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                foreach (var name in new[] { entry.Name, entry.EntryType == TarEntryType.HardLink ? entry.LinkName : "" })
                {
                    if (name.StartsWith('/') || name.Replace('\\', '/').Split('/').Contains(".."))
                        throw ApiException.BadRequest($"the archive's entry '{name}' points outside the destination");
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw ApiException.BadRequest("the request body is not a tar archive: " + ex.Message);
        }
    }


    /// <summary>Unpacks a checked archive (plain or gzip) into <paramref name="directory"/>.</summary>
    public static void Unpack(string tarPath, string directory)
    {
        RefuseClimbingEntries(tarPath);
        using var tar = File.OpenRead(tarPath);
        try { LayerApplier.Apply(tar, directory); }
        catch (InvalidDataException ex) { throw ApiException.BadRequest("the archive could not be unpacked: " + ex.Message); }
    }
}

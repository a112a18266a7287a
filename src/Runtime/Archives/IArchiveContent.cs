namespace ContainerTools.Runtime.Archives;

/// <summary>Named files of an archive (a tar or a layout directory), opened only by normalized, relative name.</summary>
public interface IArchiveContent
{
    /// <summary>What to call the archive in errors.</summary>
    string Source { get; }

    bool Contains(string name);

    /// <summary>Opens a member; throws ContainerToolsException(InvalidData, "MissingArchiveEntry") when there is none.</summary>
    Stream Open(string name);

    /// <summary>Reads a small member (a JSON document) whole, refusing anything over <paramref name="limit"/> bytes.</summary>
    byte[] ReadSmall(string name, int limit = 16 << 20)
    {
        using var stream = Open(name);
        using var memory = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            memory.Write(buffer, 0, n);
            if (memory.Length > limit)
            {
                throw new OciRuntime.Errors.ContainerToolsException(OciRuntime.Errors.ErrorIds.ArchiveEntryTooLarge,
                    $"The member '{name}' of '{Source}' is larger than {limit} bytes; it cannot be a metadata document.", Source);
            }
        }
        return memory.ToArray();
    }
}

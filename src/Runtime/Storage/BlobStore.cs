using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Storage;

/// <summary>A blob written and verified in a staging directory, one rename away from blobs/sha256/HEX.</summary>
public sealed record StagedBlob(string Digest, long Size, string Path);

/// <summary>
/// Content-addressed blobs under blobs/sha256/HEX. Content is written to a staging file through a hashing stream
/// and checked against the expected digest and size before it is renamed into place, so a blob path
/// only ever holds exactly the bytes its name promises.
/// </summary>
public sealed class BlobStore
{
    private readonly StoreRoot _root;

    public BlobStore(StoreRoot root) => _root = root;

    public string PathOf(string digest) => Path.Combine(_root.BlobsDirectory, "sha256", Digest.Hex(digest));

    public bool Exists(string digest) => Digest.IsValid(digest) && File.Exists(PathOf(digest));

    public Stream OpenRead(string digest)
    {
        try
        {
            return new FileStream(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ContainerToolsException(ErrorIds.BlobNotFound, $"The blob {digest} is not in the store.", digest, ex);
        }
    }

    public byte[] ReadAllBytes(string digest)
    {
        using var stream = OpenRead(digest);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>
    /// Copies <paramref name="content"/> into a new file under <paramref name="stagingDirectory"/>, verifying it.
    /// On a mismatch the staging file is deleted and ContainerToolsException(InvalidData, "DigestMismatch") is thrown.
    /// </summary>
    public static StagedBlob Stage(Stream content, string stagingDirectory, string? expectedDigest = null, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        if (expectedDigest is not null)
        {
            Digest.Hex(expectedDigest);
        }
        Directory.CreateDirectory(stagingDirectory);
        var path = Path.Combine(stagingDirectory, $"blob-{Guid.NewGuid():N}");
        try
        {
            string digest;
            long size;
            using (var hashing = new HashingStream(content, leaveOpen: true))
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = hashing.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    file.Write(buffer, 0, n);
                    if (expectedSize is { } limit && hashing.BytesRead > limit)
                    {
                        break;
                    }
                }
                file.Flush(flushToDisk: true);
                digest = hashing.Digest;
                size = hashing.BytesRead;
            }
            if (expectedSize is { } expected && size != expected)
            {
                throw Mismatch(expectedDigest ?? digest, $"it is {size} bytes long, expected {expected}");
            }
            if (expectedDigest is not null && digest != expectedDigest)
            {
                throw Mismatch(expectedDigest, $"its content hashes to {digest}");
            }
            return new StagedBlob(digest, size, path);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    public static StagedBlob StageBytes(ReadOnlySpan<byte> content, string stagingDirectory)
    {
        Directory.CreateDirectory(stagingDirectory);
        var path = Path.Combine(stagingDirectory, $"blob-{Guid.NewGuid():N}");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }
        return new StagedBlob(Digest.Of(content), content.Length, path);
    }

    /// <summary>Moves a staged blob into place; returns false (and drops the staged copy) when the store already has it.</summary>
    public bool Commit(StagedBlob staged)
    {
        var target = PathOf(staged.Digest);
        if (File.Exists(target))
        {
            TryDelete(staged.Path);
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(staged.Path, target, overwrite: false);
        return true;
    }

    /// <summary>Stores and verifies content in one step (staging under the store's tmp/); returns its digest.</summary>
    public string Put(Stream content, string? expectedDigest = null, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        _root.EnsureCreated();
        var staged = Stage(content, _root.TempDirectory, expectedDigest, expectedSize, cancellationToken);
        try
        {
            Commit(staged);
        }
        catch (IOException) when (File.Exists(PathOf(staged.Digest)))
        {
            // Another writer placed the same content first.
        }
        finally
        {
            TryDelete(staged.Path);
        }
        return staged.Digest;
    }

    public string PutBytes(ReadOnlySpan<byte> content)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        return Put(stream);
    }

    public void Delete(string digest) => TryDelete(PathOf(digest));

    public IEnumerable<string> List()
    {
        var dir = Path.Combine(_root.BlobsDirectory, "sha256");
        if (!Directory.Exists(dir))
        {
            return [];
        }
        return Directory.EnumerateFiles(dir).Select(f => Digest.Sha256Prefix + Path.GetFileName(f)).Where(Digest.IsValid);
    }

    internal static ContainerToolsException Mismatch(string digest, string why) =>
        new(ErrorIds.DigestMismatch, $"The content for {digest} does not match: {why}.", digest);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

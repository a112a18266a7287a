using System.Security.Cryptography;
using System.Text;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// The build cache: a step's key (its parent's key, the instruction after substitution, and for COPY/ADD a digest of
/// the sources' content and metadata) -> the intermediate image that step made, one file per key under
/// build-cache/ in the store. An entry whose image was removed is a miss and is dropped.
/// </summary>
public sealed class BuildCache
{
    private readonly ImageStore _images;

    public BuildCache(ImageStore images) => _images = images;

    private string Directory => _images.BuildCacheDirectory;

    /// <summary>The key of a step after <paramref name="parentKey"/>, made of <paramref name="parts"/>.</summary>
    public static string Key(string parentKey, params string[] parts)
    {
        var text = new StringBuilder(parentKey);
        foreach (var part in parts)
        {
            text.Append('\n').Append(part.Length).Append(':').Append(part);
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }

    public Image? TryGet(string key)
    {
        var path = Path.Combine(Directory, key);
        string id;
        try
        {
            id = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var image = Oci.Digest.IsValid(id) ? _images.TryResolve(id) : null;
        if (image is null || !image.Layers.All(l => _images.Layers.Exists(l.DiffId)))
        {
            File.Delete(path);
            return null;
        }
        return image;
    }

    public void Put(string key, string imageId)
    {
        System.IO.Directory.CreateDirectory(Directory);
        AtomicFile.WriteAllText(Path.Combine(Directory, key), imageId);
    }
}

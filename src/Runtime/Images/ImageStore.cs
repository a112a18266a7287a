using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

/// <summary>
/// The images of one store root: records, the reference index, blobs and unpacked layers.
/// Every method is safe against concurrent processes on the same root (file locks, temp + rename).
/// </summary>
public sealed partial class ImageStore
{
    public ImageStore(StoreRoot root)
    {
        Root = root;
        Blobs = new BlobStore(root);
        Layers = new LayerStore(root);
    }

    public StoreRoot Root { get; }

    public BlobStore Blobs { get; }

    public LayerStore Layers { get; }

    // The contract the cmdlets and the container runtime rely on (implemented in the Images/ and Storage/ files):
    //   IReadOnlyList<Image> List()
    //   Image? TryResolve(string nameOrId)   name (normalized), full or short id (>= 3 hex chars, unique), or name@digest / manifest digest
    //   Image Resolve(string nameOrId)      throws ContainerToolsException(NotFound, "ImageNotFound")
    //   Image Tag(string nameOrId, string newReference)
    //   void Remove(string nameOrId, bool force)   untags a name when the image has others; deletes the image otherwise;
    //                                              refuses (InUse, "ImageInUse") when a holder exists unless force; garbage-collects
    //                                              blobs and layers no other image references
    //   IReadOnlyList<string> LayerDirectories(Image image)   unpacked layer dirs, lowest first (overlay lowerdir order is the reverse)
    //   void AddHolder(string imageId, string holderId) / void RemoveHolder(string imageId, string holderId) / IReadOnlyList<string> Holders(string imageId)
    //   IReadOnlyList<Image> Import(string path, IProgress<ImageProgress>? progress)          docker-archive, oci layout dir, oci-archive
    //   Image ImportRootFs(string tarPath, string reference, IProgress<ImageProgress>? progress)
    //   void Export(IReadOnlyList<string> nameOrIds, string path, ArchiveFormat format, IProgress<ImageProgress>? progress)
    // Also: Import/ImportRootFs overloads taking a CancellationToken; Blobs (BlobStore) and Layers (LayerStore) for pulls;
    // RemoveStaleTemporaryFiles(). The on-disk layout and why each write is safe: docs/storage.md.
}

public enum ArchiveFormat
{
    DockerArchive,
    OciArchive,
}

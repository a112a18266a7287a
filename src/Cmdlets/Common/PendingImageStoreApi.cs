using ContainerTools.Runtime.Images;

namespace ContainerTools.Cmdlets.Common;

// TEMPORARY: the ImageStore contract (src/Runtime/Images/ImageStore.cs) is being implemented on branch `store`.
// These extensions let the cmdlets compile against it now; C# prefers the real instance methods as soon as they
// exist, so deleting this file after `git merge store` changes no call site.
internal static class PendingImageStoreApi
{
    private static Exception Pending() => new NotSupportedException("The image store is not implemented yet in this build.");

    public static IReadOnlyList<Image> List(this ImageStore store) => throw Pending();
    public static Image? TryResolve(this ImageStore store, string nameOrId) => throw Pending();
    public static Image Resolve(this ImageStore store, string nameOrId) => throw Pending();
    public static Image Tag(this ImageStore store, string nameOrId, string newReference) => throw Pending();
    public static void Remove(this ImageStore store, string nameOrId, bool force) => throw Pending();
    public static IReadOnlyList<Image> Import(this ImageStore store, string path, IProgress<ImageProgress>? progress) => throw Pending();
    public static Image ImportRootFs(this ImageStore store, string tarPath, string reference, IProgress<ImageProgress>? progress) => throw Pending();
    public static void Export(this ImageStore store, IReadOnlyList<string> nameOrIds, string path, ArchiveFormat format, IProgress<ImageProgress>? progress) => throw Pending();
}

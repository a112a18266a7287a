namespace ContainerTools.Runtime.Images;

// Adding a name to an image.
public sealed partial class ImageStore
{
    /// <summary>Points <paramref name="newReference"/> at the image; a name another image had moves to this one, like docker tag.</summary>
    public Image Tag(string nameOrId, string newReference)
    {
        var reference = ImageReference.Parse(newReference);
        using (LockStore())
        {
            var image = Resolve(nameOrId);
            var index = ReadReferenceIndex();
            index.References[reference.ToString()] = image.Id;
            WriteReferenceIndex(index);
        }
        return Resolve(reference.ToString());
    }
}

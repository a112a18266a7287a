namespace ContainerTools.Runtime.Images;

/// <summary>One history entry of an image (docker history): the instruction, when, and the layer it made, if any.</summary>
public sealed record ImageHistoryEntry(DateTimeOffset? Created, string CreatedBy, string? Comment, bool EmptyLayer, ImageLayer? Layer);

/// <summary>Pairs an image's history entries with its layers: each entry that is not an empty layer made the next layer.</summary>
public static class ImageHistory
{
    /// <summary>Newest first, as docker history lists them. Layers no entry accounts for (configs without history) get an entry of their own.</summary>
    public static IReadOnlyList<ImageHistoryEntry> Of(Image image)
    {
        var entries = new List<ImageHistoryEntry>();
        var layer = 0;
        foreach (var history in image.Config.History ?? [])
        {
            var owned = !history.EmptyLayer && layer < image.Layers.Count ? image.Layers[layer++] : null;
            entries.Add(new ImageHistoryEntry(history.Created, history.CreatedBy ?? "", history.Comment, owned is null, owned));
        }
        for (; layer < image.Layers.Count; layer++)
        {
            entries.Add(new ImageHistoryEntry(null, "", null, false, image.Layers[layer]));
        }
        entries.Reverse();
        return entries;
    }
}

using ContainerTools.Runtime.Images;

namespace ContainerTools;

/// <summary>One row of Get-ContainerImageHistory (docker history): an instruction of the image's history, newest first.</summary>
public sealed class ContainerImageHistory
{
    /// <summary>The image whose history this is.</summary>
    public string ImageId { get; init; } = "";
    public DateTime? Created { get; init; }
    /// <summary>The instruction that made this entry (RUN /bin/sh -c make, COPY . /src, ENV A=1).</summary>
    public string CreatedBy { get; init; } = "";
    /// <summary>Bytes the layer of this entry adds; 0 for an entry that made no layer.</summary>
    public long Size { get; init; }
    public string? Comment { get; init; }
    public bool EmptyLayer { get; init; }
    /// <summary>The diff id of the layer this entry made, or null.</summary>
    public string? Layer { get; init; }

    public override string ToString() => CreatedBy;

    public static ContainerImageHistory From(Image image, ImageHistoryEntry entry) => new()
    {
        ImageId = image.Id,
        Created = entry.Created?.UtcDateTime,
        CreatedBy = entry.CreatedBy,
        Size = entry.Layer?.UnpackedSize ?? 0,
        Comment = entry.Comment,
        EmptyLayer = entry.EmptyLayer,
        Layer = entry.Layer?.DiffId,
    };
}

using ContainerTools.Runtime.Images;

namespace ContainerTools.Runtime.Archives;

/// <summary>One image to write into an archive, under the names the archive should carry for it.</summary>
public sealed record ExportItem(Image Image, IReadOnlyList<ImageReference> Names);

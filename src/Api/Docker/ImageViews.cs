using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Api;

/// <summary>Images in Docker's JSON shapes: list entry, inspect, history.</summary>
internal static class ImageViews
{
    public static string[] RepoTags(Image image) => image.Names.Where(n => n.Tag is not null).Select(n => n.FamiliarString).ToArray();

    public static string[] RepoDigests(Image image) => image.ManifestDigest is { } digest
        ? image.Names.Select(n => n.FamiliarName + "@" + digest).Distinct().ToArray()
        : [];

    public static object Summary(Image image, int containers = -1) => new
    {
        Id = DockerFormat.ImageId(image.Id),
        ParentId = "",
        RepoTags = RepoTags(image) is { Length: > 0 } tags ? tags : ["<none>:<none>"],
        RepoDigests = RepoDigests(image),
        Created = DockerFormat.Unix(image.Created),
        Size = image.Size,
        SharedSize = -1L,
        VirtualSize = image.Size,
        Labels = image.Config.Config?.Labels ?? new Dictionary<string, string>(),
        Containers = containers,
    };

    public static object Inspect(Image image)
    {
        var config = image.Config.Config ?? new ContainerConfig();
        var configView = new
        {
            Hostname = "",
            Domainname = "",
            User = config.User ?? "",
            AttachStdin = false,
            AttachStdout = false,
            AttachStderr = false,
            ExposedPorts = config.ExposedPorts,
            Tty = false,
            OpenStdin = false,
            StdinOnce = false,
            Env = config.Env,
            Cmd = config.Cmd,
            Healthcheck = config.Healthcheck,
            Image = "",
            Volumes = config.Volumes,
            WorkingDir = config.WorkingDir ?? "",
            Entrypoint = config.Entrypoint,
            OnBuild = config.OnBuild,
            Labels = config.Labels,
            StopSignal = config.StopSignal,
            Shell = config.Shell,
        };
        return new
        {
            Id = DockerFormat.ImageId(image.Id),
            RepoTags = RepoTags(image),
            RepoDigests = RepoDigests(image),
            Parent = "",
            // docker commit -m: the newest history entry's comment, as dockerd keeps it on the image.
            Comment = ImageHistory.Of(image).FirstOrDefault()?.Comment ?? "",
            Created = DockerFormat.Time(image.Created),
            Container = "",
            ContainerConfig = configView,
            DockerVersion = "",
            Author = image.Config.Author ?? "",
            Config = configView,
            Architecture = image.Config.Architecture,
            Variant = image.Config.Variant,
            Os = image.Config.Os,
            Size = image.Size,
            VirtualSize = image.Size,
            GraphDriver = new { Name = "overlay2", Data = (object?)null },
            RootFS = new { Type = image.Config.RootFs.Type, Layers = image.Config.RootFs.DiffIds },
            Metadata = new { LastTagTime = "0001-01-01T00:00:00Z" },
        };
    }

    public static object[] History(Image image)
    {
        var entries = ImageHistory.Of(image);
        return entries.Select((e, i) => (object)new
        {
            Id = i == 0 ? DockerFormat.ImageId(image.Id) : "<missing>",
            Created = DockerFormat.Unix(e.Created),
            CreatedBy = e.CreatedBy,
            Tags = i == 0 ? RepoTags(image) : null,
            Size = e.Layer?.UnpackedSize ?? 0,
            Comment = e.Comment ?? "",
        }).ToArray();
    }
}

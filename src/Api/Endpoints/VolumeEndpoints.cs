using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Volumes;

namespace ContainerTools.Api.Endpoints;

/// <summary>Volumes: list, create, inspect, remove, prune.</summary>
internal static class VolumeEndpoints
{
    private sealed record VolumeCreateBody
    {
        public string? Name { get; init; }
        public string? Driver { get; init; }
        public Dictionary<string, string>? DriverOpts { get; init; }
        public Dictionary<string, string>? Labels { get; init; }
    }

    public static void Map(Router router, ApiEngine engine)
    {
        var volumes = engine.Containers.Volumes;
        router.Get("/volumes", (req, res) =>
        {
            var filters = Filters.Parse(req.QueryValue("filters"));
            filters.Only("dangling", "driver", "label", "name");
            var list = volumes.List()
                .Where(v => !filters.Has("name") || filters.Values("name").Any(n => v.Name.Contains(n, StringComparison.Ordinal)))
                .Where(v => !filters.Has("dangling") || filters.Values("dangling").Contains("true") == (volumes.Users(v.Name).Count == 0))
                .Where(v => filters.AcceptsLabels(VolumeViews.Labels(v)))
                .Select(v => VolumeViews.View(v))
                .ToArray();
            res.Json(200, new { Volumes = list, Warnings = Array.Empty<string>() });
        });
        router.Post("/volumes/create", (req, res) =>
        {
            var body = req.ReadJson<VolumeCreateBody>() ?? new VolumeCreateBody();
            if (body.Driver is { Length: > 0 } driver && driver != "local") throw ApiException.BadRequest($"volume driver '{driver}' is not supported (only local)");
            if (body.DriverOpts is { Count: > 0 }) throw ApiException.BadRequest("volume driver options are not supported by ContainerTools yet");
            var volume = string.IsNullOrEmpty(body.Name) ? volumes.Create(null, body.Labels) : CreateOrGet(volumes, body.Name, body.Labels);
            res.Json(201, VolumeViews.View(volume));
        });
        router.Post("/volumes/prune", (req, res) =>
        {
            var filters = Filters.Parse(req.QueryValue("filters"));
            filters.Only("label", "all");
            // API 1.42 made prune take only anonymous volumes unless all=true; 1.41 and before take every unused one.
            var all = filters.Values("all").Any(v => v is "true" or "1") || (req.ApiVersion ?? new Version(1, 41)) < new Version(1, 42);
            var deleted = new List<string>();
            foreach (var v in volumes.List().Where(v => (all || v.Anonymous) && filters.AcceptsLabels(VolumeViews.Labels(v)) && volumes.Users(v.Name).Count == 0))
            {
                try { volumes.Remove(v.Name); deleted.Add(v.Name); }
                catch (ContainerToolsException) { }
            }
            res.Json(200, new { VolumesDeleted = deleted, SpaceReclaimed = 0L });
        });
        router.Get("/volumes/{name}", (req, res) => res.Json(200, VolumeViews.View(volumes.Get(req.Route("name")))));
        router.Delete("/volumes/{name}", (req, res) =>
        {
            volumes.Remove(req.Route("name"), req.QueryBool("force"));
            res.Empty(204);
        });
    }

    /// <summary>Docker's create of a named volume that exists answers with that volume (Compose relies on it).</summary>
    private static Volume CreateOrGet(VolumeStore volumes, string name, IReadOnlyDictionary<string, string>? labels)
    {
        try { return volumes.Create(name, labels); }
        catch (ContainerToolsException ex) when (ex.ErrorId == ErrorIds.VolumeAlreadyExists.Name) { return volumes.Get(name); }
    }
}

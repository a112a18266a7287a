using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.Api.Streams;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Api.Endpoints;

/// <summary>Containers: create, list, inspect, and the lifecycle operations (start, stop, kill, pause, rename, remove, prune).</summary>
internal static class ContainerEndpoints
{
    public static void Map(Router router, ApiEngine engine)
    {
        var containers = engine.Containers;
        router.Post("/containers/create", (req, res) => Create(engine, req, res));
        router.Get("/containers/json", (req, res) => List(engine, req, res));
        router.Post("/containers/prune", (req, res) => Prune(engine, req, res));
        router.Get("/containers/{id}/json", (req, res) =>
        {
            var c = containers.Resolve(req.Route("id"));
            res.Json(200, ContainerViews.Inspect(c, Endpoints(engine, c), engine.Execs.Of(c.Id).Where(s => s.Running).Select(s => s.Id)));
        });
        router.Post("/containers/{id}/start", (req, res) => Start(engine, req, res));
        router.Post("/containers/{id}/stop", (req, res) =>
        {
            var c = containers.Resolve(req.Route("id"));
            if (!IsActive(c)) { res.Empty(304); return; }
            containers.Stop(c.Id, Timeout(req), req.QueryValue("signal") is { Length: > 0 } s ? s : null);
            res.Empty(204);
        });
        router.Post("/containers/{id}/restart", (req, res) =>
        {
            var c = containers.Resolve(req.Route("id"));
            containers.Stop(c.Id, Timeout(req));
            containers.Start(c.Id);
            res.Empty(204);
        });
        router.Post("/containers/{id}/kill", (req, res) =>
        {
            var c = containers.Resolve(req.Route("id"));
            if (!IsActive(c)) throw ApiException.Conflict($"Container {c.Id} is not running");
            containers.Kill(c.Id, req.QueryValue("signal") is { Length: > 0 } s ? s : null);
            res.Empty(204);
        });
        router.Post("/containers/{id}/pause", (req, res) => { containers.Pause(req.Route("id")); res.Empty(204); });
        router.Post("/containers/{id}/unpause", (req, res) => { containers.Resume(req.Route("id")); res.Empty(204); });
        router.Post("/containers/{id}/rename", (req, res) =>
        {
            var name = req.QueryValue("name");
            if (string.IsNullOrEmpty(name)) throw ApiException.BadRequest("the new name is required (?name=)");
            containers.Rename(req.Route("id"), name.TrimStart('/'));
            res.Empty(204);
        });
        router.Delete("/containers/{id}", (req, res) =>
        {
            var c = containers.Resolve(req.Route("id"));
            var force = req.QueryBool("force");
            if (!force && IsActive(c))
                throw ApiException.Conflict($"You cannot remove a {DockerFormat.State(c.Status)} container {c.Id}. Stop the container before attempting removal or force remove");
            if (req.QueryBool("link")) throw ApiException.BadRequest("links are not supported");
            RemoveWithVolumes(engine, c, force, req.QueryBool("v"));
            res.Empty(204);
        });
        router.Post("/containers/{id}/update", (req, res) =>
        {
            var c = containers.Resolve(req.Route("id"));
            var body = req.ReadJson<HostConfigBody>() ?? throw ApiException.BadRequest("the request body is required: the resources to update");
            containers.Update(c.Id, ContainerCreateMapping.Update(body));
            res.Json(200, new { Warnings = Array.Empty<string>() });
        });
        router.Post("/containers/{id}/resize", (req, res) =>
        {
            var c = containers.Resolve(req.Route("id"));
            var size = Size(req);
            engine.Attaches.Active(c.Id)?.Resize(size);
            res.Empty(200);
        });
    }

    public static bool IsActive(Container c) => c.Status is ContainerStatus.Running or ContainerStatus.Paused;

    public static TimeSpan? Timeout(HttpRequest req) => req.QueryInt("t") is { } t ? TimeSpan.FromSeconds(Math.Max(0, t)) : null;

    public static TerminalSize Size(HttpRequest req)
    {
        var h = req.QueryInt("h") ?? throw ApiException.BadRequest("h is required");
        var w = req.QueryInt("w") ?? throw ApiException.BadRequest("w is required");
        if (h is < 0 or > ushort.MaxValue || w is < 0 or > ushort.MaxValue) throw ApiException.BadRequest("terminal size out of range");
        return new TerminalSize((ushort)w, (ushort)h);
    }

    /// <summary>The network endpoints of one container (read only while it is attached somewhere).</summary>
    public static IReadOnlyList<Endpoint> Endpoints(ApiEngine engine, Container c) =>
        IsActive(c) && c.Definition.UsesNetworkNamespaceFile ? engine.Containers.Networks.EndpointsOf(c.Id) : [];

    private static void Create(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var body = req.ReadJson<CreateBody>() ?? throw ApiException.BadRequest("the request body is required: a container config");
        var options = ContainerCreateMapping.Map(body, req.QueryValue("name"));
        ImageEndpoints.Resolve(engine, options.Image);
        var created = engine.Containers.Create(options);
        res.Json(201, new { Id = created.Id, Warnings = Array.Empty<string>() });
    }

    /// <summary>
    /// Starts the container; an attach waiting for this start (docker run, start -a) gets the attached run, so it sees
    /// all the output and settles the exit. Already running: 304.
    /// </summary>
    private static void Start(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var c = engine.Containers.Resolve(req.Route("id"));
        if (IsActive(c)) { res.Empty(304); return; }
        var attach = engine.Attaches.Take(c.Id);
        try
        {
            if (attach is not null) attach.Hand(engine.Containers.StartAttached(c.Id));
            else engine.Containers.Start(c.Id);
        }
        catch
        {
            FailedStart(engine, c, attach);
            throw;
        }
        res.Empty(204);
    }

    /// <summary>
    /// A start that failed: the waiting attach ends, and an AutoRemove container is removed as dockerd does (docker run
    /// --rm waits for the removal after reporting the error).
    /// </summary>
    private static void FailedStart(ApiEngine engine, Container c, PendingAttach? attach)
    {
        attach?.Hand(null);
        if (c.Definition.AutoRemove)
        {
            try
            {
                engine.Containers.Remove(c.Id, force: true);
                engine.FinishedExitCodes[c.Id] = 127;
            }
            catch (ContainerToolsException) { }
        }
    }

    private static void List(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var filters = Filters.Parse(req.QueryValue("filters"));
        filters.Only("ancestor", "before", "expose", "exited", "health", "id", "isolation", "is-task", "label", "name", "network", "publish", "since", "status", "volume");
        var all = req.QueryBool("all") || filters.Has("status") || filters.Has("exited");
        var limit = req.QueryInt("limit") ?? -1;
        var containers = engine.Containers.List()
            .Where(c => all || IsActive(c))
            .Where(c => Matches(engine, c, filters));
        if (limit > 0) containers = containers.Take(limit);
        var list = containers.ToList();
        var endpoints = list.Any(c => IsActive(c) && c.Definition.UsesNetworkNamespaceFile) ? AllEndpoints(engine) : [];
        res.Json(200, list.Select(c => ContainerViews.Summary(c, endpoints.GetValueOrDefault(c.Id) ?? [])).ToArray());
    }

    private static Dictionary<string, List<Endpoint>> AllEndpoints(ApiEngine engine)
    {
        var networks = engine.Containers.Networks;
        return networks.List().SelectMany(n => networks.Endpoints(n.Name)).GroupBy(e => e.ContainerId).ToDictionary(g => g.Key, g => g.ToList());
    }

    private static bool Matches(ApiEngine engine, Container c, Filters f)
    {
        if (f.Has("id") && !f.Values("id").Any(v => c.Id.StartsWith(v, StringComparison.Ordinal))) return false;
        if (f.Has("name") && !f.Values("name").Any(v => c.Name.Contains(v.TrimStart('/'), StringComparison.Ordinal))) return false;
        if (!f.Accepts("status", DockerFormat.State(c))) return false;
        if (!f.Accepts("health", DockerFormat.Health(c) ?? HealthStatus.None)) return false;
        if (f.Has("exited") && !(c.Status == ContainerStatus.Exited && f.Values("exited").Contains((c.State.ExitCode ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)))) return false;
        if (!f.AcceptsLabels(c.Definition.Labels)) return false;
        if (f.Has("ancestor") && !f.Values("ancestor").Any(a => a == c.Definition.Image || engine.Images.TryResolve(a)?.Id == c.Definition.ImageId)) return false;
        if (f.Has("network") && !f.Values("network").Any(n => n == c.Definition.Network || c.Definition.ConnectedNetworks.Any(x => x.Name == n))) return false;
        if (f.Has("volume") && !f.Values("volume").Any(v => c.Definition.Mounts.Any(m => m.Destination == v || m.Source == v || (m.Source?.Contains($"/volumes/{v}/", StringComparison.Ordinal) ?? false)))) return false;
        return true;
    }

    /// <summary>DELETE ?v=1: the container's anonymous volumes go with it (named ones stay, as in Docker).</summary>
    private static void RemoveWithVolumes(ApiEngine engine, Container c, bool force, bool volumes)
    {
        var anonymous = volumes
            ? engine.Containers.Volumes.List().Where(v => v.Anonymous && c.Definition.Mounts.Any(m => m.Source == v.Mountpoint)).Select(v => v.Name).ToList()
            : [];
        engine.Containers.Remove(c.Id, force);
        foreach (var name in anonymous)
        {
            try { engine.Containers.Volumes.Remove(name); }
            catch (ContainerToolsException) { }
        }
    }

    private static void Prune(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var filters = Filters.Parse(req.QueryValue("filters"));
        filters.Only("label", "until");
        var until = SystemEndpoints.ParseTime(filters.Values("until").FirstOrDefault(), "until");
        var deleted = new List<string>();
        foreach (var c in engine.Containers.List().Where(c => !IsActive(c) && filters.AcceptsLabels(c.Definition.Labels) && (until is null || c.Definition.CreatedAt < until)))
        {
            try
            {
                engine.Containers.Remove(c.Id);
                deleted.Add(c.Id);
            }
            catch (ContainerToolsException) { }
        }
        res.Json(200, new { ContainersDeleted = deleted, SpaceReclaimed = 0L });
    }
}

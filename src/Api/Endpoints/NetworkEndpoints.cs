using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Api.Endpoints;

/// <summary>Networks: list, inspect, create, connect, disconnect, remove, prune.</summary>
internal static class NetworkEndpoints
{
    private sealed record NetworkCreateBody
    {
        public string? Name { get; init; }
        public string? Driver { get; init; }
        public bool Internal { get; init; }
        public bool EnableIPv6 { get; init; }
        public IpamBody? IPAM { get; init; }
        public Dictionary<string, string>? Labels { get; init; }
        public Dictionary<string, string>? Options { get; init; }
        public bool CheckDuplicate { get; init; }
        public bool Attachable { get; init; }
    }

    private sealed record IpamBody
    {
        public string? Driver { get; init; }
        public List<IpamConfigBody>? Config { get; init; }
    }

    private sealed record IpamConfigBody
    {
        public string? Subnet { get; init; }
        public string? Gateway { get; init; }
        public string? IPRange { get; init; }
    }

    private sealed record ConnectBody
    {
        public string? Container { get; init; }
        public EndpointSettingsBody? EndpointConfig { get; init; }
        public bool Force { get; init; }
    }

    public static void Map(Router router, ApiEngine engine)
    {
        var networks = engine.Containers.Networks;
        router.Get("/networks", (req, res) => List(engine, req, res));
        router.Post("/networks/create", (req, res) => Create(engine, req, res));
        router.Post("/networks/prune", (req, res) =>
        {
            var filters = Filters.Parse(req.QueryValue("filters"));
            filters.Only("label", "until");
            var deleted = new List<string>();
            foreach (var n in networks.List().Where(n => !n.IsDefault && filters.AcceptsLabels(n.Labels ?? new Dictionary<string, string>())))
            {
                if (networks.Endpoints(n.Name).Count > 0 || engine.Containers.List().Any(c => Uses(c.Definition, n.Name))) continue;
                try { networks.Remove(n.Name); deleted.Add(n.Name); }
                catch (ContainerToolsException) { }
            }
            res.Json(200, new { NetworksDeleted = deleted });
        });
        router.Get("/networks/{id}", (req, res) =>
        {
            var name = req.Route("id");
            if (NetworkViews.BuiltIn.Contains(name)) { res.Json(200, NetworkViews.BuiltInView(name)); return; }
            var n = Resolve(engine, name);
            res.Json(200, NetworkViews.View(n, networks.Endpoints(n.Name)));
        });
        router.Delete("/networks/{id}", (req, res) =>
        {
            var name = req.Route("id");
            if (NetworkViews.BuiltIn.Contains(name) || name == ContainerNetwork.DefaultName)
                throw new ApiException(403, $"{name} is a pre-defined network and cannot be removed");
            var n = Resolve(engine, name);
            var users = engine.Containers.List().Where(c => Uses(c.Definition, n.Name)).ToList();
            if (users.Any(ContainerEndpoints.IsActive))
                throw ApiException.Conflict($"error while removing network: network {n.Name} id {n.Id} has active endpoints");
            networks.Remove(n.Name);
            res.Empty(204);
        });
        router.Post("/networks/{id}/connect", (req, res) =>
        {
            var n = Resolve(engine, req.Route("id"));
            var body = req.ReadJson<ConnectBody>() ?? throw ApiException.BadRequest("the request body is required");
            if (string.IsNullOrEmpty(body.Container)) throw ApiException.BadRequest("Container is required");
            engine.Containers.Connect(body.Container, n.Name, body.EndpointConfig?.Aliases);
            res.Empty(200);
        });
        router.Post("/networks/{id}/disconnect", (req, res) =>
        {
            var n = Resolve(engine, req.Route("id"));
            var body = req.ReadJson<ConnectBody>() ?? throw ApiException.BadRequest("the request body is required");
            if (string.IsNullOrEmpty(body.Container)) throw ApiException.BadRequest("Container is required");
            engine.Containers.Disconnect(body.Container, n.Name);
            res.Empty(200);
        });
    }

    private static bool Uses(Runtime.Containers.State.ContainerDefinition d, string network) =>
        d.Network == network || d.ConnectedNetworks.Any(c => c.Name == network);

    /// <summary>A network by name, full id or unique id prefix.</summary>
    public static ContainerNetwork Resolve(ApiEngine engine, string nameOrId)
    {
        var all = engine.Containers.Networks.List();
        var match = all.FirstOrDefault(n => n.Name == nameOrId) ?? all.FirstOrDefault(n => n.Id == nameOrId);
        if (match is null)
        {
            var prefixed = all.Where(n => n.Id.StartsWith(nameOrId, StringComparison.Ordinal)).ToList();
            if (prefixed.Count > 1) throw ApiException.BadRequest($"network {nameOrId} is ambiguous ({prefixed.Count} matches found based on ID prefix)");
            match = prefixed.SingleOrDefault();
        }
        return match ?? throw ApiException.NotFound($"network {nameOrId} not found");
    }

    private static void List(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var filters = Filters.Parse(req.QueryValue("filters"));
        filters.Only("dangling", "driver", "id", "label", "name", "scope", "type");
        var networks = engine.Containers.Networks;
        var views = new List<object>();
        foreach (var n in networks.List())
        {
            if (filters.Has("name") && !filters.Values("name").Any(v => n.Name.Contains(v, StringComparison.Ordinal))) continue;
            if (filters.Has("id") && !filters.Values("id").Any(v => n.Id.StartsWith(v, StringComparison.Ordinal))) continue;
            if (!filters.AcceptsLabels(n.Labels ?? new Dictionary<string, string>())) continue;
            if (!filters.Accepts("driver", "bridge")) continue;
            views.Add(NetworkViews.View(n, networks.Endpoints(n.Name)));
        }
        foreach (var name in NetworkViews.BuiltIn)
        {
            if (filters.Has("name") && !filters.Values("name").Any(v => name.Contains(v, StringComparison.Ordinal))) continue;
            if (filters.Has("id") || filters.Has("label") || filters.Has("driver")) continue;
            views.Add(NetworkViews.BuiltInView(name));
        }
        res.Json(200, views);
    }

    private static void Create(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var body = req.ReadJson<NetworkCreateBody>() ?? throw ApiException.BadRequest("the request body is required");
        if (string.IsNullOrWhiteSpace(body.Name)) throw ApiException.BadRequest("Name is required");
        if (body.Driver is { Length: > 0 } driver && driver != "bridge") throw ApiException.BadRequest($"network driver '{driver}' is not supported (only bridge)");
        if (body.EnableIPv6) throw ApiException.BadRequest("IPv6 networks are not supported by ContainerTools yet");
        if (NetworkViews.BuiltIn.Contains(body.Name)) throw new ApiException(403, $"{body.Name} is a pre-defined network and cannot be created");
        var ipam = body.IPAM?.Config?.FirstOrDefault();
        if (body.IPAM?.Config is { Count: > 1 }) throw ApiException.BadRequest("only one IPAM config per network is supported");
        if (engine.Containers.Networks.List().Any(n => n.Name == body.Name))
            throw ApiException.Conflict($"network with name {body.Name} already exists");
        var created = engine.Containers.Networks.Create(body.Name, ipam?.Subnet, ipam?.Gateway, body.Internal, body.Labels);
        res.Json(201, new { Id = created.Id, Warning = "" });
    }
}

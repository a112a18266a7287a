using System.Text;
using System.Text.Json;
using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.Api.Streams;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Build;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Registry;

namespace ContainerTools.Api.Endpoints;

/// <summary>Images: list, inspect, history, tag, remove, pull (create), push, load, save (get), prune, search.</summary>
internal static class ImageEndpoints
{
    public static void Map(Router router, ApiEngine engine)
    {
        var images = engine.Images;
        router.Get("/images/json", (req, res) => List(engine, req, res));
        router.Get("/images/search", (req, res) => res.Json(200, Array.Empty<object>()));
        router.Post("/images/create", (req, res) => Create(engine, req, res));
        router.Post("/images/load", (req, res) => Load(engine, req, res));
        router.Get("/images/get", (req, res) => Save(engine, req.QueryValues("names"), res));
        router.Post("/images/prune", (req, res) => Prune(engine, req, res));
        router.Get("/images/{name*}/json", (req, res) => res.Json(200, ImageViews.Inspect(Resolve(engine, req.Route("name")))));
        router.Get("/images/{name*}/history", (req, res) => res.Json(200, ImageViews.History(Resolve(engine, req.Route("name")))));
        router.Get("/images/{name*}/get", (req, res) => Save(engine, [req.Route("name")], res));
        router.Post("/images/{name*}/tag", (req, res) =>
        {
            var image = Resolve(engine, req.Route("name"));
            var repo = req.QueryValue("repo");
            if (string.IsNullOrEmpty(repo)) throw ApiException.BadRequest("repository name is required (?repo=)");
            var tag = req.QueryValue("tag") is { Length: > 0 } t ? t : ImageReference.DefaultTag;
            images.Tag(image.Id, $"{repo}:{tag}");
            res.Empty(201);
        });
        router.Post("/images/{name*}/push", (req, res) => Push(engine, req, res));
        router.Post("/commit", (req, res) => Commit(engine, req, res));
        router.Delete("/images/{name*}", (req, res) => Remove(engine, req, res));
    }

    /// <summary>An image by name or id; a name that cannot be a reference at all is a 400, an unknown one a 404.</summary>
    public static Image Resolve(ApiEngine engine, string nameOrId)
    {
        if (engine.Images.TryResolve(nameOrId) is { } image) return image;
        if (!nameOrId.StartsWith("sha256:", StringComparison.Ordinal) && !ImageReference.TryParse(nameOrId, out _))
            throw ApiException.BadRequest($"invalid reference format: '{nameOrId}'");
        throw ApiException.NotFound($"No such image: {nameOrId}");
    }

    private static void List(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var filters = Filters.Parse(req.QueryValue("filters"));
        filters.Only("before", "dangling", "label", "reference", "since");
        var all = engine.Images.List();
        var holders = engine.Containers.List().GroupBy(c => c.Definition.ImageId).ToDictionary(g => g.Key, g => g.Count());
        var list = all.Where(i =>
                (!filters.Has("dangling") || (filters.Values("dangling").Contains("true") == (ImageViews.RepoTags(i).Length == 0)))
                && filters.AcceptsLabels(i.Config.Config?.Labels ?? new Dictionary<string, string>())
                && (!filters.Has("reference") || filters.Values("reference").Any(r => ImageViews.RepoTags(i).Any(t => Matches(t, r)))))
            .Select(i => ImageViews.Summary(i, holders.GetValueOrDefault(i.Id)))
            .ToArray();
        res.Json(200, list);
    }

    /// <summary>docker images REFERENCE: "busybox", "busybox:latest", "busy*" (a glob on the familiar name).</summary>
    private static bool Matches(string familiarTag, string pattern)
    {
        var name = familiarTag.Split(':')[0];
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", "[^/]*").Replace(@"\?", ".") + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(familiarTag, regex) || System.Text.RegularExpressions.Regex.IsMatch(name, regex);
    }

    /// <summary>X-Registry-Auth: base64url JSON {username, password, serveraddress}; "{}" or absent is anonymous (stored logins still apply).</summary>
    private static RegistryLogins Logins(HttpRequest req, string registry)
    {
        RegistryCredential? credential = null;
        if (req.Header("X-Registry-Auth") is { Length: > 0 } header)
        {
            try
            {
                var padded = header.Replace('-', '+').Replace('_', '/');
                padded += new string('=', (4 - padded.Length % 4) % 4);
                using var document = JsonDocument.Parse(Convert.FromBase64String(padded));
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("username", out var user) && user.GetString() is { Length: > 0 } name
                    && root.TryGetProperty("password", out var pass))
                {
                    credential = new RegistryCredential(name, pass.GetString() ?? "");
                }
            }
            catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
            {
                throw ApiException.BadRequest("invalid X-Registry-Auth header");
            }
        }
        return RegistryLogins.With(credential, registry, CredentialStore.FromEnvironment());
    }

    /// <summary>POST /images/create: pull fromImage[:tag], or import a root filesystem tar (fromSrc=-, the body).</summary>
    private static void Create(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var fromImage = req.QueryValue("fromImage");
        var fromSrc = req.QueryValue("fromSrc");
        if (string.IsNullOrEmpty(fromImage) && fromSrc == "-")
        {
            Import(engine, req, res);
            return;
        }
        if (string.IsNullOrEmpty(fromImage)) throw ApiException.BadRequest("fromImage is required");
        var tag = req.QueryValue("tag");
        var text = string.IsNullOrEmpty(tag) ? fromImage : tag.StartsWith("sha256:", StringComparison.Ordinal) ? $"{fromImage}@{tag}" : $"{fromImage}:{tag}";
        var config = RegistryConfig.Load();
        ImageReference reference;
        try { reference = config.ParseReference(text); }
        catch (ContainerToolsException ex) { throw ApiException.BadRequest(ex.Message); }
        var platform = req.QueryValue("platform");
        if (!string.IsNullOrEmpty(platform) && !platform.StartsWith("linux", StringComparison.Ordinal))
            throw ApiException.BadRequest($"platform '{platform}' is not supported");
        var progress = new JsonProgress(res.Stream(200, "application/json"));
        progress.Status($"Pulling from {reference.FamiliarName}", reference.Tag ?? reference.Digest);
        try
        {
            using var puller = new ImagePuller(engine.Images, config, Logins(req, reference.Registry));
            var image = puller.Pull(reference, null, progress, CancellationToken.None);
            if (image.ManifestDigest is { } digest) progress.Status("Digest: " + digest);
            progress.Status($"Status: Downloaded newer image for {reference.FamiliarString}");
        }
        catch (ContainerToolsException ex)
        {
            progress.Error(ex.Message);
        }
        progress.End();
    }

    private static void Import(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var repo = req.QueryValue("repo");
        var tag = req.QueryValue("tag");
        var reference = string.IsNullOrEmpty(repo) ? "" : string.IsNullOrEmpty(tag) ? repo : $"{repo}:{tag}";
        using var upload = TempUpload.From(engine, req);
        var progress = new JsonProgress(res.Stream(200, "application/json"));
        try
        {
            var image = engine.Images.ImportRootFs(upload.Path, reference, null);
            progress.Status(DockerFormat.ImageId(image.Id));
        }
        catch (ContainerToolsException ex) { progress.Error(ex.Message); }
        progress.End();
    }

    private static void Push(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var name = req.Route("name");
        var tag = req.QueryValue("tag");
        var text = string.IsNullOrEmpty(tag) ? name : $"{name}:{tag}";
        var config = RegistryConfig.Load();
        ImageReference target;
        try { target = config.ParseReference(text); }
        catch (ContainerToolsException ex) { throw ApiException.BadRequest(ex.Message); }
        Resolve(engine, target.ToString());
        var progress = new JsonProgress(res.Stream(200, "application/json"));
        progress.Status($"The push refers to repository [{target.Name}]");
        try
        {
            using var pusher = new ImagePusher(engine.Images, config, Logins(req, target.Registry));
            var pushed = pusher.Push(target.ToString(), target, progress, CancellationToken.None);
            var size = pushed.Image.Layers.Sum(l => l.CompressedSize);
            progress.Status($"{target.Tag ?? "latest"}: digest: {pushed.ManifestDigest} size: {size}");
            progress.Send(new { progressDetail = new { }, aux = new { Tag = target.Tag ?? "latest", Digest = pushed.ManifestDigest, Size = size } });
        }
        catch (ContainerToolsException ex) { progress.Error(ex.Message); }
        progress.End();
    }

    private static void Remove(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var name = req.Route("name");
        var image = Resolve(engine, name);
        var force = req.QueryBool("force");
        var tags = ImageViews.RepoTags(image);
        var byName = !name.StartsWith("sha256:", StringComparison.Ordinal) && !image.Id.Contains(name, StringComparison.Ordinal);
        if (!force && engine.Containers.List().Any(c => c.Definition.ImageId == image.Id) && !(byName && image.Names.Count > 1))
            throw ApiException.Conflict($"conflict: unable to remove repository reference \"{name}\" (must force) - image {image.ShortId} is being used by a container");
        engine.Images.Remove(name, force, keepParents: req.QueryBool("noprune"));
        var result = new List<object>();
        if (engine.Images.TryResolve(image.Id) is { } left)
        {
            result.AddRange(tags.Except(ImageViews.RepoTags(left)).Select(t => (object)new { Untagged = t }));
        }
        else
        {
            result.AddRange(tags.Select(t => (object)new { Untagged = t }));
            result.Add(new { Deleted = DockerFormat.ImageId(image.Id) });
        }
        res.Json(200, result);
    }

    private static void Load(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        using var upload = TempUpload.From(engine, req);
        var progress = new JsonProgress(res.Stream(200, "application/json"));
        try
        {
            foreach (var image in engine.Images.Import(upload.Path, null))
            {
                var tags = ImageViews.RepoTags(image);
                if (tags.Length == 0) progress.Text($"Loaded image ID: {DockerFormat.ImageId(image.Id)}\n");
                foreach (var tag in tags) progress.Text($"Loaded image: {tag}\n");
            }
        }
        catch (ContainerToolsException ex) { progress.Error(ex.Message); }
        progress.End();
    }

    private static void Save(ApiEngine engine, IReadOnlyList<string> names, HttpResponse res)
    {
        if (names.Count == 0) throw ApiException.BadRequest("names is required");
        foreach (var name in names) Resolve(engine, name);
        var path = Path.Combine(engine.Root.TempDirectory, "api-save-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(engine.Root.TempDirectory);
        try
        {
            engine.Images.Export(names, path, ArchiveFormat.DockerArchive, null);
            var stream = res.Stream(200, "application/x-tar");
            using (var file = File.OpenRead(path)) file.CopyTo(stream, 256 * 1024);
            stream.End();
        }
        finally { File.Delete(path); }
    }

    private static void Prune(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var filters = Filters.Parse(req.QueryValue("filters"));
        filters.Only("dangling", "label", "until");
        var danglingOnly = !filters.Values("dangling").Any(v => v is "false" or "0");
        var used = engine.Containers.List().Select(c => c.Definition.ImageId).ToHashSet(StringComparer.Ordinal);
        var deleted = new List<object>();
        long reclaimed = 0;
        foreach (var image in engine.Images.List())
        {
            if (used.Contains(image.Id)) continue;
            if (danglingOnly && image.Names.Count > 0) continue;
            if (!filters.AcceptsLabels(image.Config.Config?.Labels ?? new Dictionary<string, string>())) continue;
            try
            {
                foreach (var tag in ImageViews.RepoTags(image)) deleted.Add(new { Untagged = tag });
                engine.Images.Remove(image.Id, force: false);
                deleted.Add(new { Deleted = DockerFormat.ImageId(image.Id) });
                reclaimed += image.Size;
            }
            catch (ContainerToolsException) { }
        }
        res.Json(200, new { ImagesDeleted = deleted, SpaceReclaimed = reclaimed });
    }

    /// <summary>
    /// POST /commit (docker commit): the engine's commit of the container's changes, with the CLI's --change lines
    /// (one changes= each), message, author and pause. The body's container config is not read: --change is how the
    /// CLI changes the config.
    /// </summary>
    private static void Commit(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var container = req.QueryValue("container");
        if (string.IsNullOrEmpty(container)) throw ApiException.BadRequest("the container is required (?container=)");
        engine.Containers.Resolve(container);
        var repo = req.QueryValue("repo");
        var tag = req.QueryValue("tag");
        if (string.IsNullOrEmpty(repo) && !string.IsNullOrEmpty(tag)) throw ApiException.BadRequest("a tag needs a repository (?repo=)");
        var image = new ContainerCommit(engine.Containers).Commit(new CommitOptions
        {
            Container = container,
            Name = string.IsNullOrEmpty(repo) ? null : $"{repo}:{(string.IsNullOrEmpty(tag) ? ImageReference.DefaultTag : tag)}",
            Changes = req.QueryValues("changes").SelectMany(c => c.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
            Message = req.QueryValue("comment") is { Length: > 0 } comment ? comment : null,
            Author = req.QueryValue("author") is { Length: > 0 } author ? author : null,
            Pause = req.QueryBool("pause", fallback: true),
        });
        res.Json(201, new { Id = DockerFormat.ImageId(image.Id) });
    }
}

/// <summary>A request body saved to the store's temp directory (archives the engine reads by path); deleted on dispose.</summary>
internal sealed class TempUpload : IDisposable
{
    private TempUpload(string path) => Path = path;

    public string Path { get; }

    public static TempUpload From(ApiEngine engine, HttpRequest req)
    {
        Directory.CreateDirectory(engine.Root.TempDirectory);
        var path = System.IO.Path.Combine(engine.Root.TempDirectory, "api-upload-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            req.Body.CopyTo(file, 256 * 1024);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        return new TempUpload(path);
    }

    public void Dispose() => File.Delete(Path);
}

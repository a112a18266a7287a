using System.Text.Json;
using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.Api.Streams;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Build;

namespace ContainerTools.Api.Endpoints;

/// <summary>POST /build: the legacy builder's API (a tar context in the body) on the engine's Dockerfile builder.</summary>
internal static class BuildEndpoints
{
    public static void Map(Router router, ApiEngine engine)
    {
        router.Post("/build", (req, res) => Build(engine, req, res));
        router.Post("/build/prune", (req, res) =>
        {
            var result = engine.Images.PruneBuildCache(all: req.QueryBool("all"));
            res.Json(200, new { CachesDeleted = result.RemovedImages, SpaceReclaimed = 0L });
        });
    }

    private static void Build(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        if (req.QueryValue("remote") is { Length: > 0 }) throw ApiException.BadRequest("remote build contexts are not supported; send the context as the body");
        var platform = req.QueryValue("platform");
        if (!string.IsNullOrEmpty(platform) && !platform.StartsWith("linux", StringComparison.Ordinal)) throw ApiException.BadRequest($"platform '{platform}' is not supported");
        var dockerfileName = req.QueryValue("dockerfile") is { Length: > 0 } d ? d : "Dockerfile";
        var tags = req.QueryValues("t").Where(t => t.Length > 0).ToList();
        var buildArgs = JsonMap(req.QueryValue("buildargs"), "buildargs");
        var labels = JsonMap(req.QueryValue("labels"), "labels");
        var context = Path.Combine(engine.Root.TempDirectory, "api-build-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(context);
        try
        {
            using (var upload = TempUpload.From(engine, req)) UploadedArchive.Unpack(upload.Path, context);
            var dockerfilePath = Path.GetFullPath(Path.Combine(context, dockerfileName));
            if (!dockerfilePath.StartsWith(context + "/", StringComparison.Ordinal)) throw ApiException.BadRequest($"the Dockerfile '{dockerfileName}' is outside the build context");
            if (!File.Exists(dockerfilePath)) throw ApiException.BadRequest($"Cannot locate specified Dockerfile: {dockerfileName}");
            var options = new BuildOptions
            {
                ContextDirectory = context,
                Dockerfile = File.ReadAllText(dockerfilePath),
                DockerfilePath = dockerfilePath,
                Tags = tags,
                BuildArguments = buildArgs,
                Labels = labels,
                Target = req.QueryValue("target") is { Length: > 0 } target ? target : null,
                NoCache = req.QueryBool("nocache"),
                Network = req.QueryValue("networkmode") is { Length: > 0 } mode && mode != "default" ? mode : "none",
            };
            var progress = new JsonProgress(res.Stream(200, "application/json"));
            var output = new StreamOutput(progress, quiet: req.QueryBool("q"));
            try
            {
                var image = new ImageBuilder(engine.Containers).Build(options, output);
                progress.Aux(new { ID = DockerFormat.ImageId(image.Id) });
                progress.Text($"Successfully built {image.ShortId}\n");
                foreach (var tag in tags) progress.Text($"Successfully tagged {tag}\n");
            }
            catch (ContainerToolsException ex)
            {
                progress.Error(ex.Message);
            }
            progress.End();
        }
        finally
        {
            try { Directory.Delete(context, recursive: true); } catch (IOException) { }
        }
    }

    private static Dictionary<string, string> JsonMap(string? json, string name)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            var map = JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? [];
            return map.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!);
        }
        catch (JsonException ex) { throw ApiException.BadRequest($"invalid {name}: {ex.Message}"); }
    }

    /// <summary>The builder's report as docker build's stream lines ("Step 1/3 : FROM busybox", " ---> Using cache").</summary>
    private sealed class StreamOutput(JsonProgress progress, bool quiet) : IBuildOutput
    {
        public void Step(int number, int total, string instruction) { if (!quiet) progress.Text($"Step {number}/{total} : {instruction}\n"); }
        public void UsingCache(string imageId) { if (!quiet) progress.Text(" ---> Using cache\n"); }
        public void Output(string line) { if (!quiet) progress.Text(line.EndsWith('\n') ? line : line + "\n"); }
        public void Warning(string message) => progress.Text($"[WARNING]: {message}\n");
        public void Progress(string activity, string status) { }
    }
}

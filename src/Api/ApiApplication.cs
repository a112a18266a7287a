using System.Text.Json;
using ContainerTools.Api.Endpoints;
using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Api;

/// <summary>Routes requests to the endpoint groups and turns every failure into Docker's {"message"} with its status.</summary>
internal sealed class ApiApplication
{
    private readonly Router _router = new();
    private readonly ApiEngine _engine;

    public ApiApplication(ApiEngine engine)
    {
        _engine = engine;
        SystemEndpoints.Map(_router, engine);
        ContainerEndpoints.Map(_router, engine);
        ContainerStreamEndpoints.Map(_router, engine);
        ContainerFileEndpoints.Map(_router, engine);
        ExecEndpoints.Map(_router, engine);
        ImageEndpoints.Map(_router, engine);
        NetworkEndpoints.Map(_router, engine);
        VolumeEndpoints.Map(_router, engine);
        BuildEndpoints.Map(_router, engine);
    }

    /// <summary>--debug: one line per request on stderr.</summary>
    public bool Trace { get; init; }

    public void Dispatch(HttpRequest request, HttpResponse response)
    {
        if (Trace) _engine.Log($"{request.Method} {request.Path}?{string.Join('&', request.Query.SelectMany(q => q.Value.Select(v => q.Key + "=" + v)))} upgrade={request.WantsUpgrade}");
        try
        {
            if (request.ApiVersion is { } version && version > ApiVersions.Newest)
                throw new ApiException(400, $"client version {version} is too new. Maximum supported API version is {ApiVersions.Newest}");
            if (request.ApiVersion is { } old && old < ApiVersions.Oldest)
                throw new ApiException(400, $"client version {old} is too old. Minimum supported API version is {ApiVersions.Minimum}, please upgrade your client to a newer version");
            _router.Find(request)(request, response);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException && response.Started)
        {
            // The client went away mid-stream.
        }
        catch (Exception ex)
        {
            var (status, message) = ex switch
            {
                ApiException api => (api.Status, api.Message),
                ContainerToolsException engine => (ErrorStatus.Of(engine), engine.Message),
                MalformedRequestException protocol => (protocol.Status, protocol.Message),
                JsonException json => (400, "invalid JSON: " + json.Message),
                _ => (500, ex.Message),
            };
            if (status == 500 && ex is not ContainerToolsException) _engine.Log($"{request.Method} {request.Path}: {ex}");
            if (ex is MalformedRequestException || status == 413) response.EndAfterThis();
            if (response.Started)
            {
                response.EndAfterThis();
                return;
            }
            if (Trace) _engine.Log($"  -> {status} {message}");
            try { response.Json(status, new { message }); }
            catch (IOException) { }
        }
    }
}

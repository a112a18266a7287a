using System.Text.RegularExpressions;
using ContainerTools.Api.Http;

namespace ContainerTools.Api.Routing;

/// <summary>
/// Method + path template to handler. Templates name their parts: {id} is one segment, {name*} one or more (image
/// names carry slashes: /images/127.0.0.1:5000/team/app:1/json). First match in registration order wins.
/// </summary>
internal sealed class Router
{
    private readonly List<(string Method, Regex Pattern, string[] Names, Action<HttpRequest, HttpResponse> Handler)> _routes = [];

    public void Map(string method, string template, Action<HttpRequest, HttpResponse> handler)
    {
        var names = new List<string>();
        var pattern = new System.Text.StringBuilder("^");
        foreach (var part in Regex.Split(template, @"(\{\w+\*?\})"))
        {
            if (part.StartsWith('{'))
            {
                var greedy = part.EndsWith("*}", StringComparison.Ordinal);
                names.Add(part.Trim('{', '}', '*'));
                pattern.Append(greedy ? "(.+?)" : "([^/]+)");
            }
            else
            {
                pattern.Append(Regex.Escape(part));
            }
        }
        pattern.Append("/?$");
        _routes.Add((method, new Regex(pattern.ToString(), RegexOptions.CultureInvariant), names.ToArray(), handler));
    }

    public void Get(string template, Action<HttpRequest, HttpResponse> handler) => Map("GET", template, handler);
    public void Post(string template, Action<HttpRequest, HttpResponse> handler) => Map("POST", template, handler);
    public void Delete(string template, Action<HttpRequest, HttpResponse> handler) => Map("DELETE", template, handler);
    public void Put(string template, Action<HttpRequest, HttpResponse> handler) => Map("PUT", template, handler);
    public void Head(string template, Action<HttpRequest, HttpResponse> handler) => Map("HEAD", template, handler);

    /// <summary>The handler for the request (its route values filled in); throws 404 for an unknown path, 405 for a known path with another method.</summary>
    public Action<HttpRequest, HttpResponse> Find(HttpRequest request)
    {
        var pathKnown = false;
        foreach (var (method, pattern, names, handler) in _routes)
        {
            var match = pattern.Match(request.Path);
            if (!match.Success) continue;
            pathKnown = true;
            if (method != request.Method) continue;
            for (var i = 0; i < names.Length; i++) request.RouteValues[names[i]] = match.Groups[i + 1].Value;
            return handler;
        }
        if (pathKnown) throw new ApiException(405, $"{request.Method} is not allowed on {request.Path}");
        throw new ApiException(404, "page not found");
    }
}

namespace ContainerTools.Runtime.Registry;

/// <summary>
/// One WWW-Authenticate challenge of a registry: its scheme (Basic or Bearer) and parameters
/// (realm, service, scope, error), e.g. <c>Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"</c>.
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");
    public string? Scope => Parameters.GetValueOrDefault("scope");

    /// <summary>Parses one header value; null when it has no scheme.</summary>
    public static AuthChallenge? Parse(string header)
    {
        var text = header.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        if (scheme.Length == 0)
        {
            return null;
        }
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? text.Length : space + 1;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }
            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }
            var key = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new System.Text.StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }
                    builder.Append(text[i]);
                    i++;
                }
                i++;
                value = builder.ToString();
            }
            else
            {
                var end = text.IndexOf(',', i);
                if (end < 0)
                {
                    end = text.Length;
                }
                value = text[i..end].Trim();
                i = end;
            }
            if (key.Length > 0)
            {
                parameters[key] = value;
            }
        }
        return new AuthChallenge(scheme, parameters);
    }
}

using System.Text.Json;
using ContainerTools.Api.Http;

namespace ContainerTools.Api.Endpoints;

/// <summary>
/// Docker's filters query parameter: JSON, either {"key":["v1","v2"]} (docker-py, older clients) or
/// {"key":{"v1":true}} (the Go client's filters.Args). A key with several values matches any of them.
/// </summary>
internal sealed class Filters
{
    private readonly Dictionary<string, List<string>> _values;

    private Filters(Dictionary<string, List<string>> values) => _values = values;

    public static Filters Parse(string? json)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return new Filters(values);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("filters must be a JSON object");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var list = new List<string>();
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.Array:
                        foreach (var item in property.Value.EnumerateArray())
                            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw ApiException.BadRequest($"filter '{property.Name}': values must be strings"));
                        break;
                    case JsonValueKind.Object:
                        foreach (var item in property.Value.EnumerateObject())
                            if (item.Value.ValueKind != JsonValueKind.False) list.Add(item.Name);
                        break;
                    default: throw ApiException.BadRequest($"filter '{property.Name}' must be a list or a map");
                }
                values[property.Name] = list;
            }
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest("invalid filters: " + ex.Message);
        }
        return new Filters(values);
    }

    public bool Has(string key) => _values.TryGetValue(key, out var list) && list.Count > 0;

    public IReadOnlyList<string> Values(string key) => _values.TryGetValue(key, out var list) ? list : [];

    /// <summary>True when the key is not filtered on, or one of its values equals <paramref name="value"/>.</summary>
    public bool Accepts(string key, string value) => !Has(key) || Values(key).Contains(value, StringComparer.Ordinal);

    public bool AcceptsAny(string key, IEnumerable<string> candidates) => !Has(key) || candidates.Any(c => Values(key).Contains(c, StringComparer.Ordinal));

    /// <summary>label filters: every "key" or "key=value" given must be on the object.</summary>
    public bool AcceptsLabels(IReadOnlyDictionary<string, string> labels, string key = "label") => Values(key).All(filter =>
    {
        var eq = filter.IndexOf('=');
        return eq < 0 ? labels.ContainsKey(filter) : labels.TryGetValue(filter[..eq], out var v) && v == filter[(eq + 1)..];
    });

    /// <summary>Keys this endpoint does not know are refused, as dockerd does ("invalid filter 'x'").</summary>
    public void Only(params string[] known)
    {
        foreach (var key in _values.Keys)
            if (!known.Contains(key)) throw ApiException.BadRequest($"invalid filter '{key}'");
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContainerTools.Api.Http;

/// <summary>How the API reads and writes JSON: Docker's field names as given (PascalCase), nulls written, and input matched without regard to case, as Go's encoding/json does.</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Output = new()
    {
        PropertyNamingPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions Input = new()
    {
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new StringOrListConverter() },
    };
}

/// <summary>Docker's strslice: a JSON string or an array of strings (Cmd, Entrypoint, Healthcheck.Test).</summary>
internal sealed class StringOrListConverter : JsonConverter<StringOrList>
{
    public override StringOrList? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.String: return new StringOrList([reader.GetString()!]);
            case JsonTokenType.StartArray:
                var items = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected a string in the list");
                    items.Add(reader.GetString()!);
                }
                return new StringOrList(items);
            default: throw new JsonException("expected a string or a list of strings");
        }
    }

    public override void Write(Utf8JsonWriter writer, StringOrList value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.Items, options);
}

internal sealed record StringOrList(IReadOnlyList<string> Items);

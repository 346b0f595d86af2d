using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InfiniteContext.Cli.Output;

/// <summary>One JSON convention for every command: camelCase, nulls omitted, UTF-8 text unescaped.</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>One document per line (JSON Lines) on stdout.</summary>
    public static void WriteLine<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));

    public static object Hit(SearchHit hit) => new HitJson(
        hit.Entry.Stream, hit.Entry.ExternalId, hit.Entry.Seq, hit.Entry.Time, hit.Entry.Speaker, hit.Entry.Role.ToWire(),
        hit.Entry.Session, Math.Round(hit.Score, 6), hit.Confidence, hit.Entry.Text);

    private sealed record HitJson(string Stream, string? Id, long Seq, DateTimeOffset? Time, string? Speaker, string Role, string? Session, double Score, double? Confidence, string Text);
}

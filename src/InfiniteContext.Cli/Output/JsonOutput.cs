using System.Text.Json;

namespace InfiniteContext.Cli.Output;

/// <summary>JSON output of every command, in the engine's one convention (<see cref="WireJson"/>).</summary>
internal static class JsonOutput
{
    /// <summary>One document per line (JSON Lines) on stdout.</summary>
    public static void WriteLine<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, WireJson.Options));

    public static object Hit(SearchHit hit) => new HitJson(
        hit.Entry.Stream, hit.Entry.ExternalId, hit.Entry.Seq, hit.Entry.Time, hit.Entry.Speaker, hit.Entry.Role.ToWire(),
        hit.Entry.Session, Math.Round(hit.Score, 6), hit.Confidence, hit.Entry.Text);

    private sealed record HitJson(string Stream, string? Id, long Seq, DateTimeOffset? Time, string? Speaker, string Role, string? Session, double Score, double? Confidence, string Text);
}

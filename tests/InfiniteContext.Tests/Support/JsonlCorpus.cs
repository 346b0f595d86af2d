using System.Globalization;
using System.Text;
using System.Text.Json;
using InfiniteContext.Ingest;

namespace InfiniteContext.Tests.Support;

/// <summary>One JSONL record as a user would write it: {"stream","id","session","time","role","speaker","text"}.</summary>
public sealed record JsonlRecord(string Stream, string Text, string? Id = null, string? Session = null, DateTimeOffset? Time = null,
    string? Role = null, string? Speaker = null);

/// <summary>Writes records as JSONL and ingests them through the real JSONL reader and <see cref="MemoryStore.IngestAsync(IAsyncEnumerable{IngestItem}, IngestOptions?, CancellationToken)"/>.</summary>
public static class JsonlCorpus
{
    public static string ToJsonl(IEnumerable<JsonlRecord> records)
    {
        var sb = new StringBuilder();
        foreach (var r in records)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["stream"] = r.Stream };
            if (r.Id is not null) fields["id"] = r.Id;
            if (r.Session is not null) fields["session"] = r.Session;
            if (r.Time is { } t) fields["time"] = t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            if (r.Role is not null) fields["role"] = r.Role;
            if (r.Speaker is not null) fields["speaker"] = r.Speaker;
            fields["text"] = r.Text;
            sb.Append(JsonSerializer.Serialize(fields)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Ingests every record; fails the test if the reader or the store reports a problem.</summary>
    public static async Task<IngestResult> IngestAsync(MemoryStore store, IEnumerable<JsonlRecord> records, string sourceName = "corpus.jsonl")
    {
        byte[] bytes = new UTF8Encoding(false).GetBytes(ToJsonl(records));
        using var input = new MemoryStream(bytes);
        var problems = new List<IngestProblem>();
        var items = new JsonlEntryReader().ReadAsync(input, sourceName, new IngestReaderOptions());
        var result = await store.IngestAsync(items, new IngestOptions { OnError = OnError.Skip, OnProblem = problems.Add });
        problems.ShouldBeEmpty();
        result.Problems.ShouldBe(0);
        return result;
    }
}

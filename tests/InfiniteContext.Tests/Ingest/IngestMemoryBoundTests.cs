using InfiniteContext.Ingest;

namespace InfiniteContext.Tests.Ingest;

/// <summary>
/// Ingest memory must not grow with the input: the lexical index's in-memory tail is flushed to segments as it
/// fills, and the result must search exactly like an index built in one piece.
/// </summary>
public sealed class IngestMemoryBoundTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IEnumerable<NewEntry> Corpus()
    {
        string[] words = ["harbour", "lantern", "orchard", "violin", "glacier", "meadow", "copper", "falcon", "ember", "quartz", "willow", "saddle"];
        var random = new Random(7);
        for (int i = 0; i < 3_000; i++)
        {
            var text = string.Join(' ', Enumerable.Range(0, 6 + random.Next(10)).Select(_ => words[random.Next(words.Length)]));
            yield return new NewEntry { Stream = "s" + (i % 3), ExternalId = i.ToString(System.Globalization.CultureInfo.InvariantCulture), Text = $"{text} item{i}" };
        }
    }

    [Fact]
    public async Task A_small_tail_limit_flushes_segments_during_ingest_and_searches_like_one_piece()
    {
        string bounded = _dir.File("bounded"), whole = _dir.File("whole");
        await using (var store = await MemoryStore.OpenAsync(bounded, new MemoryStoreOptions { MaxIndexTailPostings = 2_000 }))
        {
            await store.IngestAsync(Corpus(), new IngestOptions { BatchSize = 256 });
            var stats = await store.GetStatsAsync();
            stats.LexicalSegments.ShouldBeGreaterThan(1); // flushed along the way, not once at the end
            stats.LexicalCoveredSeq.ShouldBe(stats.LastSeq);
        }
        await using (var store = await MemoryStore.OpenAsync(whole))
        {
            await store.IngestAsync(Corpus(), new IngestOptions { BatchSize = 256 });
            (await store.GetStatsAsync()).LexicalSegments.ShouldBe(1);
        }

        await using var a = await MemoryStore.OpenAsync(bounded, new MemoryStoreOptions { ReadOnly = true });
        await using var b = await MemoryStore.OpenAsync(whole, new MemoryStoreOptions { ReadOnly = true });
        foreach (string query in new[] { "harbour lantern", "item1234", "falcon ember quartz", "willow" })
        {
            var left = (await a.SearchAsync(query, SearchFilter.All, 10)).Select(h => (h.Entry.ExternalId, h.Score)).ToList();
            var right = (await b.SearchAsync(query, SearchFilter.All, 10)).Select(h => (h.Entry.ExternalId, h.Score)).ToList();
            left.ShouldBe(right, $"query '{query}'");
        }
    }
}

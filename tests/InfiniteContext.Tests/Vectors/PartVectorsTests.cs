using InfiniteContext.Retrieval;
using InfiniteContext.Tests.Support;
using InfiniteContext.Vectors;

namespace InfiniteContext.Tests.Vectors;

/// <summary>
/// Sentence views beside the entry vectors: keyed seq x 16 + part in their own store, the best part per entry on
/// search, every part of an entry gone on forget, and a batch the marker does not cover dropped on reopen.
/// </summary>
public sealed class PartVectorsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string EntryPath => _dir.File("vectors/m.vec");

    private static float[] Unit(params float[] v)
    {
        double n = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => (float)(x / n)).ToArray();
    }

    [Fact]
    public void Search_gives_each_entry_its_best_part_once()
    {
        using var parts = PartVectors.Open(EntryPath, "m", 3, readOnly: false);
        parts.Append(
        [
            (1, 0, 0, Unit(1, 0, 0)), (1, 1, 0, Unit(0, 1, 0)), (1, 2, 0, Unit(0.9f, 0.1f, 0)),
            (2, 0, 0, Unit(0.8f, 0.2f, 0)),
            (3, 0, 1, Unit(0, 0, 1)), (3, 1, 1, Unit(0.5f, 0, 0.5f)),
        ], through: 4);
        parts.CoveredSeq.ShouldBe(4);
        parts.Count.ShouldBe(6);
        var hits = parts.Search(Unit(1, 0, 0), null, 10);
        hits.Select(h => h.Seq).ShouldBe([1, 2, 3]);
        hits[0].Score.ShouldBe(1.0, 0.02);
        parts.Search(Unit(1, 0, 0), null, 1).Select(h => h.Seq).ShouldBe([1]);
        parts.Search(Unit(1, 0, 0), new HashSet<int> { 1 }, 10).Select(h => h.Seq).ShouldBe([3]);
        parts.Search(Unit(1, 0, 0), null, 10, allowed: new HashSet<long> { 2, 3 }).Select(h => h.Seq).ShouldBe([2, 3]);
    }

    [Fact]
    public void The_part_rows_are_probed_by_the_part_probe_factor_and_the_entry_vectors_by_theirs()
    {
        const int dims = 8;
        var rng = new Random(3);
        var options = new VectorIndexOptions { ApproximateFrom = 1_000, ProbeFactor = 2, PartProbeFactor = 0.5 };
        var rows = new List<(long, int, int, ReadOnlyMemory<float>)>();
        var entries = new List<(long, int, ReadOnlyMemory<float>)>();
        for (long seq = 1; seq <= 1_200; seq++)
        {
            entries.Add((seq, 0, Unit(Enumerable.Range(0, dims).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray())));
            rows.Add((seq, 0, 0, Unit(Enumerable.Range(0, dims).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray())));
        }
        using var entryStore = VectorStore.Open(EntryPath, "m", dims, readOnly: false, options);
        entryStore.Append(entries);
        using var parts = PartVectors.Open(EntryPath, "m", dims, readOnly: false, options);
        parts.Append(rows, through: 1_200);

        int partLists = parts.ApproximateIndex.ShouldNotBeNull().ListCount;
        int entryLists = entryStore.ApproximateIndex.ShouldNotBeNull().ListCount;
        parts.PlannedProbes().ShouldBe((int)Math.Ceiling(0.5 * Math.Sqrt(partLists)));
        entryStore.PlannedProbes(null, null).ShouldBe((int)Math.Ceiling(2 * Math.Sqrt(entryLists)));
        // The part rows are asked for 800 rows among near-tied sentences: they need more lists than the entries' own.
        VectorIndexOptions.Default.PartProbeFactor.ShouldBeGreaterThan(VectorIndexOptions.Default.ProbeFactor);
    }

    [Fact]
    public void Search_equals_the_best_part_per_entry_by_brute_force_when_entries_hold_the_most_parts()
    {
        // Entries with up to the most parts an entry may hold, many of them near the query, so that the rows of a few
        // entries crowd the best rows: the case the search's row bound (top x MaxRowsPerEntry) must cover.
        const int dims = 8;
        var rng = new Random(17);
        using var parts = PartVectors.Open(EntryPath, "m", dims, readOnly: false, VectorIndexOptions.ExactOnly);
        var rows = new List<(long Seq, int Part, int Stream, ReadOnlyMemory<float> Blend)>();
        var query = Unit(Enumerable.Range(0, dims).Select(_ => (float)rng.NextDouble()).ToArray());
        for (long seq = 1; seq <= 300; seq++)
        {
            int count = seq % 3 == 0 ? PartVectors.MaxRowsPerEntry : rng.Next(1, PartVectors.MaxRowsPerEntry + 1);
            for (int p = 0; p < count; p++)
            {
                float near = seq % 3 == 0 ? 4f : 0.5f;
                var v = Unit(query.Select(q => q * near + (float)(rng.NextDouble() - 0.5)).ToArray());
                rows.Add((seq, p, (int)(seq % 2), v));
            }
        }
        parts.Append(rows, through: 300);
        var codes = rows.Select(r =>
        {
            var code = new sbyte[dims];
            float scale = Int8VectorCodec.Encode(r.Blend.Span, code);
            return (r.Seq, r.Stream, code, scale);
        }).ToList();
        var q8 = new sbyte[dims];
        float qScale = Int8VectorCodec.Encode(query, q8);
        foreach (int top in new[] { 1, 2, 5, 17, 60 })
        {
            foreach (var streams in new IReadOnlySet<int>?[] { null, new HashSet<int> { 1 } })
            {
                var expected = codes.Where(c => streams is null || streams.Contains(c.Stream))
                    .GroupBy(c => c.Seq)
                    .Select(g => (Seq: g.Key, Score: g.Max(c => Int8VectorCodec.Dot(q8, c.code) * qScale * c.scale)))
                    .OrderByDescending(d => d.Score).ThenByDescending(d => d.Seq).Take(top).ToList();
                var got = parts.Search(query, streams, top);
                got.Select(d => d.Seq).ShouldBe(expected.Select(d => d.Seq), $"top {top}");
                for (int i = 0; i < got.Count; i++) got[i].Score.ShouldBe(expected[i].Score, 1e-5);
            }
        }
        Should.Throw<ArgumentOutOfRangeException>(() => parts.Append([(301, PartVectors.MaxRowsPerEntry, 0, query)], through: 301));
    }

    [Fact]
    public void Forget_removes_every_part_of_an_entry_and_reopening_keeps_the_rest()
    {
        using (var parts = PartVectors.Open(EntryPath, "m", 3, readOnly: false))
        {
            parts.Append([(5, 0, 0, Unit(1, 0, 0)), (5, 1, 0, Unit(0, 1, 0)), (6, 0, 0, Unit(0, 0, 1))], through: 6);
            parts.Delete([5]).ShouldBe(2);
            parts.Search(Unit(1, 0, 0), null, 10).Select(h => h.Seq).ShouldBe([6]);
        }
        using var reopened = PartVectors.Open(EntryPath, "m", 3, readOnly: false);
        reopened.CoveredSeq.ShouldBe(6);
        reopened.Count.ShouldBe(1);
    }

    [Fact]
    public void Rows_of_a_batch_the_marker_does_not_cover_are_dropped_on_reopen()
    {
        string marker = _dir.File("vectors/m.parts.covered");
        byte[] afterFirst;
        using (var parts = PartVectors.Open(EntryPath, "m", 3, readOnly: false))
        {
            parts.Append([(1, 0, 0, Unit(1, 0, 0)), (1, 1, 0, Unit(0, 1, 0))], through: 3);
            afterFirst = File.ReadAllBytes(marker);
            parts.Append([(4, 0, 0, Unit(0, 0, 1)), (7, 0, 0, Unit(1, 1, 0))], through: 8);
        }
        // A crash after the second batch's rows were durable but before its marker was: the old marker is on disk.
        File.WriteAllBytes(marker, afterFirst);
        using (var reopened = PartVectors.Open(EntryPath, "m", 3, readOnly: false))
        {
            reopened.CoveredSeq.ShouldBe(3);
            reopened.Count.ShouldBe(2);
            reopened.Search(Unit(0, 0, 1), null, 10).Select(h => h.Seq).ShouldBe([1]);
            Should.Throw<ArgumentOutOfRangeException>(() => reopened.Append([(2, 0, 0, Unit(1, 0, 0))], through: 5)); // not past the marker
            reopened.Append([(4, 0, 0, Unit(0, 0, 1))], through: 8);
            reopened.Search(Unit(0, 0, 1), null, 1).Select(h => h.Seq).ShouldBe([4]);
        }
        // A damaged or missing marker covers nothing: every part is recomputed.
        File.WriteAllBytes(marker, [1, 2, 3]);
        using (var damaged = PartVectors.Open(EntryPath, "m", 3, readOnly: false))
        {
            damaged.CoveredSeq.ShouldBe(0);
            damaged.Count.ShouldBe(0);
        }
    }

    private static string Chatty(int k) =>
        $"Oh wow, that is so lovely to hear number {k}! Anyway the weather was grey and the bus was late again. I finally adopted a guinea pig called Oscar{k}.";

    [Fact]
    public async Task The_dense_channel_lifts_an_entry_half_way_to_its_best_sentence()
    {
        var fake = new HashingEmbeddingGenerator();
        string store = _dir.File("store");
        await using (var memory = await MemoryStore.OpenAsync(store, new MemoryStoreOptions { Embeddings = fake, BackgroundVectorIndexing = false }))
        {
            await memory.IngestAsync(Enumerable.Range(0, 6).Select(k => new NewEntry { Stream = "s", ExternalId = $"c{k}", Text = Chatty(k) })
                .Append(new NewEntry { Stream = "s", ExternalId = "one", Text = "The guinea pig needs fresh hay" }));
            await memory.IndexVectorsAsync();
            (await memory.GetStatsAsync()).VectorParts.ShouldBe(18); // three sentences for each chatty turn, none for the single sentence
        }
        const string query = "I finally adopted a guinea pig called Oscar3";
        async Task<Dictionary<string, double>> DenseAsync(bool views)
        {
            await using var reader = await MemoryStore.OpenAsync(store, new MemoryStoreOptions
            {
                ReadOnly = true, Embeddings = fake, Retrieval = new RetrievalOptions { SentenceViews = views },
            });
            var channels = await reader.RankChannelsAsync(query, SearchFilter.ForStream("s"), 100, RetrievalMode.Dense);
            var entries = (await reader.Log.GetAsync(channels.Single().Hits.Select(h => h.Seq).ToList())).ToDictionary(e => e.Seq, e => e.ExternalId!);
            return channels.Single().Hits.ToDictionary(h => entries[h.Seq], h => h.Score);
        }
        var plain = await DenseAsync(views: false);
        var viewed = await DenseAsync(views: true);
        // The sentence that is the query scores about 1: the turn moves half way from its own cosine towards it.
        viewed["c3"].ShouldBe(plain["c3"] + 0.5 * (1 - plain["c3"]), 0.03);
        viewed["c3"].ShouldBeGreaterThan(plain["c3"] + 0.1);
        viewed["one"].ShouldBe(plain["one"], 1e-9); // no views: its own cosine
        foreach (var (id, score) in plain) viewed[id].ShouldBeGreaterThanOrEqualTo(score - 1e-9);
    }

    [Fact]
    public async Task A_store_indexed_without_sentence_views_gets_them_without_recomputing_its_entry_vectors()
    {
        var fake = new HashingEmbeddingGenerator();
        string store = _dir.File("store");
        var entries = Enumerable.Range(0, 70).Select(k => new NewEntry { Stream = "s", ExternalId = $"c{k}", Text = Chatty(k) })
            .Concat(Enumerable.Range(0, 5).Select(k => new NewEntry { Stream = "s", ExternalId = $"one{k}", Text = $"The guinea pig needs fresh hay {k}" }))
            .ToList();
        await using (var memory = await MemoryStore.OpenAsync(store, new MemoryStoreOptions
        {
            Embeddings = fake, BackgroundVectorIndexing = false, Retrieval = new RetrievalOptions { SentenceViews = false },
        }))
        {
            await memory.IngestAsync(entries);
            (await memory.IndexVectorsAsync()).ShouldBe(75);
        }
        File.Exists(Path.Combine(store, "index", "vectors", "fake-hash-64.parts.vec")).ShouldBeFalse();
        fake.DocumentsEmbedded.ShouldBe(75);
        await using (var memory = await MemoryStore.OpenAsync(store, new MemoryStoreOptions { Embeddings = fake, BackgroundVectorIndexing = false }))
        {
            var before = await memory.GetStatsAsync();
            before.Vectors.ShouldBe(75);
            before.VectorsPending.ShouldBe(75); // their sentence views are
            (await memory.IndexVectorsAsync()).ShouldBe(0); // no entry vector added
            var after = await memory.GetStatsAsync();
            after.Vectors.ShouldBe(75);
            after.VectorParts.ShouldBe(210);
            after.VectorsPending.ShouldBe(0);
            // Each chatty turn once more (its blends need its vector) and its three sentences; single sentences not again.
            fake.DocumentsEmbedded.ShouldBe(75 + 70 + 210);

            await memory.ForgetAsync("s", "c5");
            (await memory.GetStatsAsync()).VectorParts.ShouldBe(207);
        }
    }
}

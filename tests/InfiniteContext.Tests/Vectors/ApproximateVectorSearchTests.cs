using InfiniteContext.Indexing;
using InfiniteContext.Vectors;

namespace InfiniteContext.Tests.Vectors;

/// <summary>
/// The IVF index behind <see cref="VectorStore.Search"/>: recall against the exact scan on clustered vectors,
/// persistence, incremental catch-up equal to a rebuild, forget, filters, and damaged or missing index files.
/// </summary>
public sealed class ApproximateVectorSearchTests : IDisposable
{
    private const int Dims = 96;
    private const int Count = 4000;
    // A store of 4,000 has 63 lists: the default factors (measured on hundreds of thousands of real vectors) would probe
    // more than half of them, where the exact scan answers instead. The mechanics are tested with a factor that probes 24.
    private static readonly VectorIndexOptions FromFourThousand = new() { ApproximateFrom = Count, ProbeFactor = 3 };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string PathOf(string name) => _dir.File(Path.Combine(name, "vectors.vec"));

    private static string IndexPathOf(string vectorPath) => Path.ChangeExtension(vectorPath, ".ivf");

    /// <summary>Seqs 1..count (with gaps: seq = 2i + 1), streams 1..4 round robin, from a seeded Gaussian mixture of 40 clusters.</summary>
    private static List<(long Seq, int Stream, float[] Vector)> Vectors(int count = Count, int seed = 11)
    {
        var mixture = new GaussianMixture(Dims, 40, 1f, seed);
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => (2L * i + 1, i % 4 + 1, mixture.Sample(random))).ToList();
    }

    private static float[][] Queries(int count = 200, int seed = 11)
    {
        var mixture = new GaussianMixture(Dims, 40, 1f, seed);
        var random = new Random(seed + 1000);
        return Enumerable.Range(0, count).Select(_ => mixture.Sample(random)).ToArray();
    }

    private static VectorStore Fill(string path, IEnumerable<(long Seq, int Stream, float[] Vector)> vectors, int batch, VectorIndexOptions options)
    {
        var store = VectorStore.Open(path, "test", Dims, readOnly: false, options);
        foreach (var chunk in vectors.Chunk(batch))
            store.Append(chunk.Select(v => (v.Seq, v.Stream, (ReadOnlyMemory<float>)v.Vector)).ToList());
        return store;
    }

    private static double RecallAt10(VectorStore store, float[][] queries, Func<float[], IReadOnlyList<ScoredDoc>> search)
    {
        double sum = 0;
        foreach (var q in queries)
        {
            var truth = store.SearchExact(q, null, 10).Select(h => h.Seq).ToHashSet();
            sum += search(q).Count(h => truth.Contains(h.Seq)) / (double)truth.Count;
        }
        return sum / queries.Length;
    }

    private static List<IReadOnlyList<ScoredDoc>> Results(VectorStore store, float[][] queries) => queries.Select(q => store.Search(q, null, 10)).ToList();

    private static void ShouldBeSame(List<IReadOnlyList<ScoredDoc>> actual, List<IReadOnlyList<ScoredDoc>> expected)
    {
        actual.Count.ShouldBe(expected.Count);
        for (int i = 0; i < actual.Count; i++) actual[i].ShouldBe(expected[i], $"query {i}");
    }

    [Fact]
    public void Recall_at_10_against_the_exact_scan_is_at_least_0_95_on_clustered_vectors()
    {
        using var store = Fill(PathOf("a"), Vectors(), 500, FromFourThousand);
        var index = store.ApproximateIndex.ShouldNotBeNull();
        var queries = Queries();
        int probes = FromFourThousand.ProbesFor(index.ListCount);
        probes.ShouldBeLessThan(index.ListCount / 2, "the default search really is approximate here");

        // What Search answers is the approximate search with the default probes.
        foreach (var q in queries.Take(20)) store.Search(q, null, 10).ShouldBe(store.SearchApproximate(q, 10, probes));
        double recall = RecallAt10(store, queries, q => store.Search(q, null, 10));
        recall.ShouldBeGreaterThanOrEqualTo(0.95);
        // The measurement can fail: one list per query loses neighbours on this set.
        RecallAt10(store, queries, q => store.SearchApproximate(q, 10, 1)).ShouldBeLessThan(0.95);
    }

    [Fact]
    public void Below_the_threshold_no_index_is_built_and_search_is_exact()
    {
        using var store = Fill(PathOf("a"), Vectors(Count - 1), 500, FromFourThousand);
        store.HasApproximateIndex.ShouldBeFalse();
        File.Exists(IndexPathOf(PathOf("a"))).ShouldBeFalse();
        foreach (var q in Queries(20)) store.Search(q, null, 10).ShouldBe(store.SearchExact(q, null, 10));
    }

    [Fact]
    public void The_index_survives_a_reopen_without_retraining_and_answers_the_same()
    {
        var queries = Queries(50);
        float[] centroids;
        List<IReadOnlyList<ScoredDoc>> before;
        using (var store = Fill(PathOf("a"), Vectors(), 300, FromFourThousand))
        {
            centroids = store.ApproximateIndex!.Centroids.ToArray();
            before = Results(store, queries);
        }
        File.Exists(IndexPathOf(PathOf("a"))).ShouldBeTrue();

        using var reopened = VectorStore.Open(PathOf("a"), "test", Dims, readOnly: false, FromFourThousand);
        reopened.ApproximateIndex!.Centroids.ToArray().ShouldBe(centroids);
        ShouldBeSame(Results(reopened, queries), before);

        using var reader = VectorStore.Open(PathOf("a"), "test", Dims, readOnly: true, FromFourThousand);
        reader.ApproximateIndex!.Centroids.ToArray().ShouldBe(centroids);
        ShouldBeSame(Results(reader, queries), before);
    }

    [Fact]
    public void An_index_caught_up_batch_by_batch_equals_one_built_at_once_and_one_rebuilt_on_open()
    {
        var vectors = Vectors(17_000);
        var queries = Queries(60);
        var options = FromFourThousand with { ApproximateFrom = 1000 }; // trains at 1,000, 4,000 and 16,000
        using var incremental = Fill(PathOf("inc"), vectors, 37, options);
        using var atOnce = Fill(PathOf("once"), vectors, vectors.Count, options);
        incremental.ApproximateIndex!.TrainedCount.ShouldBe(16_000);
        atOnce.ApproximateIndex!.Centroids.ToArray().ShouldBe(incremental.ApproximateIndex.Centroids.ToArray());
        var expected = Results(incremental, queries);
        ShouldBeSame(Results(atOnce, queries), expected);

        // Written without an index, then opened with one: trained on open from the same vectors.
        using (Fill(PathOf("late"), vectors, 1000, VectorIndexOptions.ExactOnly)) { }
        File.Exists(IndexPathOf(PathOf("late"))).ShouldBeFalse();
        using var rebuilt = VectorStore.Open(PathOf("late"), "test", Dims, readOnly: false, options);
        rebuilt.ApproximateIndex!.Centroids.ToArray().ShouldBe(incremental.ApproximateIndex.Centroids.ToArray());
        ShouldBeSame(Results(rebuilt, queries), expected);
    }

    [Fact]
    public void Forgotten_vectors_are_never_returned_even_from_a_stale_index_file()
    {
        var queries = Queries(60);
        string path = PathOf("a");
        string stale = _dir.File("stale.ivf");
        var forgotten = new HashSet<long>();
        using (var store = Fill(path, Vectors(), 400, FromFourThousand))
        {
            File.Copy(IndexPathOf(path), stale);
            // Forget what the queries would find first: the nearest neighbours of every query.
            foreach (var q in queries) forgotten.UnionWith(store.Search(q, null, 5).Select(h => h.Seq));
            store.Delete(forgotten).ShouldBe(forgotten.Count);
            store.HasApproximateIndex.ShouldBeTrue();
            foreach (var q in queries) store.Search(q, null, 50).ShouldAllBe(h => !forgotten.Contains(h.Seq));
            RecallAt10(store, queries, q => store.Search(q, null, 10)).ShouldBeGreaterThanOrEqualTo(0.95);
        }

        // A crash between the vector file's rewrite and the index file's: the index still lists the forgotten seqs.
        File.Copy(stale, IndexPathOf(path), overwrite: true);
        using var reopened = VectorStore.Open(path, "test", Dims, readOnly: false, FromFourThousand);
        reopened.Count.ShouldBe(Count - forgotten.Count);
        foreach (var q in queries) reopened.Search(q, null, 50).ShouldAllBe(h => !forgotten.Contains(h.Seq));
    }

    [Fact]
    public void Stream_and_allowed_seq_filters_are_honoured_on_the_approximate_path()
    {
        // Fewer probes than the default, so that scaling them up for a filter still leaves the index cheaper than the scan.
        using var store = Fill(PathOf("a"), Vectors(), 500, new VectorIndexOptions { ApproximateFrom = 1000, ProbeFactor = 0.5 });
        var queries = Queries(50);
        var streamTwo = new HashSet<int> { 2 };
        var everyThird = Vectors().Where((_, i) => i % 3 == 0).Select(v => v.Seq).ToHashSet();
        var few = everyThird.Take(40).ToHashSet();
        int unfiltered = store.PlannedProbes(null, null);
        unfiltered.ShouldBeGreaterThan(0);
        store.PlannedProbes(streamTwo, null).ShouldBe(unfiltered * 4, "a stream holding a quarter of the vectors probes four times the lists");
        store.PlannedProbes(null, everyThird).ShouldBe(unfiltered * 3);
        store.PlannedProbes(null, few).ShouldBe(0, "40 allowed seqs are scanned exactly");
        double streamRecall = 0, allowedRecall = 0;
        foreach (var q in queries)
        {
            var inStream = store.Search(q, streamTwo, 10);
            inStream.Count.ShouldBe(10);
            inStream.ShouldAllBe(h => (h.Seq - 1) / 2 % 4 == 1, "stream 2 holds every fourth vector");
            var exactInStream = store.SearchExact(q, streamTwo, 10).Select(h => h.Seq).ToHashSet();
            streamRecall += inStream.Count(h => exactInStream.Contains(h.Seq)) / 10.0;

            var allowed = store.Search(q, null, 10, everyThird);
            allowed.ShouldAllBe(h => everyThird.Contains(h.Seq));
            var exactAllowed = store.SearchExact(q, null, 10, everyThird).Select(h => h.Seq).ToHashSet();
            allowedRecall += allowed.Count(h => exactAllowed.Contains(h.Seq)) / 10.0;

            // A filter this selective is answered by the exact scan over just those seqs.
            store.Search(q, null, 10, few).ShouldBe(store.SearchExact(q, null, 10, few));
            store.Search(q, streamTwo, 10, few).ShouldAllBe(h => few.Contains(h.Seq) && (h.Seq - 1) / 2 % 4 == 1);
        }
        (streamRecall / queries.Length).ShouldBeGreaterThanOrEqualTo(0.95);
        (allowedRecall / queries.Length).ShouldBeGreaterThanOrEqualTo(0.95);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("garbage header")]
    [InlineData("flipped centroid byte")]
    [InlineData("torn record tail")]
    [InlineData("empty")]
    [InlineData("older format version")]
    public void A_damaged_or_missing_index_file_is_rebuilt_and_the_store_answers_as_before(string damage)
    {
        var queries = Queries(40);
        string path = PathOf("a");
        List<IReadOnlyList<ScoredDoc>> before;
        using (var store = Fill(path, Vectors(), 400, FromFourThousand)) before = Results(store, queries);
        string ivf = IndexPathOf(path);
        var bytes = File.ReadAllBytes(ivf);
        switch (damage)
        {
            case "missing": File.Delete(ivf); break;
            case "garbage header": bytes.AsSpan(0, 32).Fill(0xAB); File.WriteAllBytes(ivf, bytes); break;
            case "flipped centroid byte": bytes[100] ^= 0x40; File.WriteAllBytes(ivf, bytes); break;
            case "torn record tail": File.WriteAllBytes(ivf, bytes[..^(IvfIndexFile.RecordSize * 700 + 5)]); break;
            case "empty": File.WriteAllBytes(ivf, []); break;
            case "older format version": System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 2); File.WriteAllBytes(ivf, bytes); break; // strays by dot product
        }

        using (var reopened = VectorStore.Open(path, "test", Dims, readOnly: false, FromFourThousand))
        {
            reopened.Count.ShouldBe(Count);
            reopened.HasApproximateIndex.ShouldBeTrue();
            ShouldBeSame(Results(reopened, queries), before);
        }
        // Repaired on disk: a second open reads it back whole.
        var repaired = IvfIndexFile.TryRead(ivf, Dims).ShouldNotBeNull();
        repaired.Records.Count.ShouldBe(Count);
    }

    /// <summary>
    /// The lists hold the rows' projected codes, which a reader does not compute: without the projection file it scans
    /// exactly (and says so), and a writer's open restores both.
    /// </summary>
    [Fact]
    public void The_lists_hold_projected_codes_so_a_reader_without_the_projection_file_scans_exactly()
    {
        var queries = Queries(30);
        string path = PathOf("a");
        List<IReadOnlyList<ScoredDoc>> before;
        using (var store = Fill(path, Vectors(), 400, FromFourThousand))
        {
            store.Projection.ShouldNotBeNull("the index's lists need the projection, whatever ProjectFrom says");
            store.SearchMethod.ShouldStartWith("IVF index");
            before = Results(store, queries);
        }
        File.Delete(Path.ChangeExtension(path, ".proj"));

        using (var reader = VectorStore.Open(path, "test", Dims, readOnly: true, FromFourThousand))
        {
            reader.HasApproximateIndex.ShouldBeFalse();
            reader.SearchMethod.ShouldBe("exact scan");
            foreach (var q in queries) reader.Search(q, null, 10).ShouldBe(reader.SearchExact(q, null, 10));
            File.Exists(Path.ChangeExtension(path, ".proj")).ShouldBeFalse();
        }
        using var writer = VectorStore.Open(path, "test", Dims, readOnly: false, FromFourThousand);
        writer.HasApproximateIndex.ShouldBeTrue();
        ShouldBeSame(Results(writer, queries), before);
    }

    [Fact]
    public void Appends_after_training_are_indexed_and_found()
    {
        var vectors = Vectors(Count + 500);
        using var store = Fill(PathOf("a"), vectors.Take(Count), 500, FromFourThousand);
        store.ApproximateIndex!.TrainedCount.ShouldBe(Count);
        store.Append(vectors.Skip(Count).Select(v => (v.Seq, v.Stream, (ReadOnlyMemory<float>)v.Vector)).ToList());
        store.ApproximateIndex!.TrainedCount.ShouldBe(Count, "no retraining until four times the trained size");
        foreach (var (seq, _, v) in vectors.Skip(Count).Take(100))
            store.Search(v, null, 1)[0].Seq.ShouldBe(seq, "a new vector is its own nearest neighbour through the index");
        IvfIndexFile.TryRead(IndexPathOf(PathOf("a")), Dims).ShouldNotBeNull().Records.Count.ShouldBe(Count + 500);
    }


    /// <summary>
    /// Vectors unlike the training set (here: one wide cluster in a direction none of the 40 training clusters has,
    /// as short templated facts are among long paragraphs) sit about equally far from every centroid, so which list
    /// holds each is close to chance and a query near them probes other lists. The stray list keeps them in reach.
    /// </summary>
    [Fact]
    public void Vectors_near_no_centroid_go_to_the_stray_list_and_queries_near_them_still_find_them()
    {
        var foreign = new GaussianMixture(Dims, 1, 3f, seed: 99);
        var random = new Random(7);
        var outliers = Enumerable.Range(0, 150).Select(i => (2L * (Count + i) + 1, i % 4 + 1, foreign.Sample(random))).ToList();
        using var store = Fill(PathOf("a"), Vectors(), 500, FromFourThousand);
        store.Append(outliers.Select(v => (v.Item1, v.Item2, (ReadOnlyMemory<float>)v.Item3)).ToList());
        var index = store.ApproximateIndex.ShouldNotBeNull();

        var strays = index.Members(index.StrayList);
        var straySeqs = strays.Seqs.AsSpan(0, strays.Count).ToArray().ToHashSet();
        outliers.Count(o => straySeqs.Contains(o.Item1)).ShouldBe(outliers.Count);
        (strays.Count - outliers.Count).ShouldBeLessThanOrEqualTo(Count * 3 / 100, "few in-distribution vectors are strays: the list every query scans stays short");

        var queries = Enumerable.Range(0, 100).Select(_ => foreign.Sample(random)).ToArray();
        RecallAt10(store, queries, q => store.Search(q, null, 10)).ShouldBeGreaterThanOrEqualTo(0.95);

        // Without the stray list each outlier would sit in its nearest centroid's list; count how many of the exact
        // neighbours the probed lists would then have held: well short, so the assertion above can fail.
        int probes = FromFourThousand.ProbesFor(index.ListCount);
        double withoutStrays = 0;
        foreach (var q in queries)
        {
            var code = new sbyte[Dims];
            float scale = Int8VectorCodec.Encode(q, code);
            var probed = new int[probes];
            index.Probe(code, scale, probed);
            var truth = store.SearchExact(q, null, 10);
            withoutStrays += truth.Count(h => probed.Contains(NearestCentroid(index, outliers.Concat(Vectors()).First(v => v.Item1 == h.Seq).Item3))) / (double)truth.Count;
        }
        (withoutStrays / queries.Length).ShouldBeLessThan(0.95);

        // The threshold and the strays survive a reopen.
        store.Dispose();
        using var reopened = VectorStore.Open(PathOf("a"), "test", Dims, readOnly: true, FromFourThousand);
        reopened.ApproximateIndex!.StrayBelow.ShouldBe(index.StrayBelow);
        reopened.ApproximateIndex.Members(reopened.ApproximateIndex.StrayList).Count.ShouldBe(strays.Count);
    }

    [Fact]
    public void Vectors_shorter_than_unit_length_are_strays_by_their_direction_not_their_length()
    {
        // A part's row blends two unit vectors, (a + b) / 2, shorter than either. The stray threshold is a cosine
        // learnt on unit training points; compared with a dot product instead, most short rows fell below it and the
        // stray list every query scans grew to most of the store (80% of the parts of a 10M-token store).
        var halved = Vectors().Select(v => (v.Seq, v.Stream, v.Vector.Select(x => x * 0.5f).ToArray())).ToList();
        using var unit = Fill(PathOf("unit"), Vectors(), 500, FromFourThousand);
        using var store = Fill(PathOf("half"), halved, 500, FromFourThousand);
        var index = store.ApproximateIndex.ShouldNotBeNull();

        index.Members(index.StrayList).Count.ShouldBe(unit.ApproximateIndex!.Members(unit.ApproximateIndex.StrayList).Count);
        index.Members(index.StrayList).Count.ShouldBeLessThanOrEqualTo(Count * 3 / 100);
        RecallAt10(store, Queries(), q => store.Search(q, null, 10)).ShouldBeGreaterThanOrEqualTo(0.95);
    }

    private static int NearestCentroid(IvfIndex index, float[] v)
    {
        int best = 0;
        float bestScore = float.NegativeInfinity;
        for (int c = 0; c < index.ListCount; c++)
        {
            float s = System.Numerics.Tensors.TensorPrimitives.Dot(v, index.Centroids.Slice(c * Dims, Dims));
            if (s > bestScore) (best, bestScore) = (c, s);
        }
        return best;
    }
    [Fact]
    public void A_threshold_of_one_vector_trains_at_every_fourfold_size_and_every_vector_finds_itself()
    {
        var vectors = Vectors(300);
        using var store = Fill(PathOf("a"), vectors, 1, FromFourThousand with { ApproximateFrom = 1 });
        store.ApproximateIndex!.TrainedCount.ShouldBe(256);
        foreach (var (seq, _, v) in vectors) store.Search(v, null, 1)[0].Seq.ShouldBe(seq);
    }

    [Fact]
    public void Every_approximate_hit_carries_the_score_the_exact_scan_gives_that_vector()
    {
        // The dense channel's scores are standardized against each other before fusion: one mis-scaled score
        // (a list copy read with another row's scale, a sign flipped) would put an unrelated entry first.
        using var store = Fill(PathOf("scores"), Vectors(), batch: 500, FromFourThousand);
        store.HasApproximateIndex.ShouldBeTrue();
        foreach (var q in Queries(50))
        {
            var exact = store.SearchExact(q, null, Count).ToDictionary(h => h.Seq, h => h.Score);
            var approximate = store.Search(q, null, 100);
            approximate.Count.ShouldBe(100);
            foreach (var hit in approximate) hit.Score.ShouldBe(exact[hit.Seq], 1e-9);
        }
    }
}

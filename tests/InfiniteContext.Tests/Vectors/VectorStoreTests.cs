using InfiniteContext.Indexing;
using InfiniteContext.Tests.Support;
using InfiniteContext.Vectors;

namespace InfiniteContext.Tests.Vectors;

/// <summary>The persisted vector file: durable appends, exact search, stream scoping, torn tails, deletions, foreign files.</summary>
public sealed class VectorStoreTests : IDisposable
{
    private const string Model = "test-model";
    private const int Dims = 32;
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public VectorStoreTests() => _path = _dir.File(Path.Combine("vectors", "test.vec"));

    public void Dispose() => _dir.Dispose();

    private VectorStore Open(bool readOnly = false, string model = Model, int dims = Dims) => VectorStore.Open(_path, model, dims, readOnly);

    private static (long Seq, int StreamId, ReadOnlyMemory<float> Vector) Rec(long seq, int stream, float[] v) => (seq, stream, v);

    /// <summary>Seqs 10, 20, 30, ... with random unit vectors, appended in batches of <paramref name="batch"/>; stream = index % streams + 1.</summary>
    private static List<(long Seq, int Stream, float[] Vector)> Fill(VectorStore store, int count, int batch = 7, int streams = 3, int seed = 1, int dims = Dims)
    {
        var rng = new Random(seed);
        var all = new List<(long, int, float[])>();
        for (int i = 0; i < count; i++) all.Add(((i + 1) * 10L, i % streams + 1, Int8VectorCodecTests.RandomUnit(rng, dims)));
        foreach (var chunk in all.Chunk(batch)) store.Append(chunk.Select(r => Rec(r.Item1, r.Item2, r.Item3)).ToList());
        return all;
    }

    [Fact]
    public async Task A_search_runs_while_another_is_inside_the_store_and_an_append_waits_for_both()
    {
        using var store = Open();
        var all = Fill(store, 500);
        var query = all[42].Vector;
        var expected = store.Search(query, null, 5);
        // The first search's filter stops it inside its scan until the second search (and then an append) got going.
        var inside = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var held = new HoldingSet(all.Select(v => v.Seq), inside, release);
        var first = Task.Run(() => store.Search(query, null, 5, held));
        inside.Wait(TimeSpan.FromSeconds(30)).ShouldBeTrue("the first search reached its scan");

        var second = Task.Run(() => store.Search(query, null, 5));
        (await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(30)))).ShouldBe(second, "searches do not wait for each other");
        (await second).ShouldBe(expected);

        var append = Task.Run(() => store.Append([Rec(10_000, 1, query)]));
        (await Task.WhenAny(append, Task.Delay(300))).ShouldNotBe(append, "an append waits until no search is reading the rows");
        release.Set();
        (await first).ShouldBe(expected);
        await append;
        store.Search(query, null, 1)[0].Seq.ShouldBe(10_000);
    }

    /// <summary>A filter set that, on its first lookup, signals <paramref name="inside"/> and waits for <paramref name="release"/>.</summary>
    private sealed class HoldingSet(IEnumerable<long> seqs, ManualResetEventSlim inside, ManualResetEventSlim release) : IReadOnlySet<long>
    {
        private readonly HashSet<long> _set = [.. seqs];
        private int _entered;

        public bool Contains(long item)
        {
            if (Interlocked.Exchange(ref _entered, 1) == 0)
            {
                inside.Set();
                release.Wait(TimeSpan.FromSeconds(90)); // longer than the test waits for the second search
            }
            return _set.Contains(item);
        }

        public int Count => _set.Count;
        public IEnumerator<long> GetEnumerator() => _set.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public bool IsProperSubsetOf(IEnumerable<long> other) => _set.IsProperSubsetOf(other);
        public bool IsProperSupersetOf(IEnumerable<long> other) => _set.IsProperSupersetOf(other);
        public bool IsSubsetOf(IEnumerable<long> other) => _set.IsSubsetOf(other);
        public bool IsSupersetOf(IEnumerable<long> other) => _set.IsSupersetOf(other);
        public bool Overlaps(IEnumerable<long> other) => _set.Overlaps(other);
        public bool SetEquals(IEnumerable<long> other) => _set.SetEquals(other);
    }

    [Fact]
    public void Appended_vectors_and_the_covered_seq_survive_a_reopen()
    {
        List<(long Seq, int Stream, float[] Vector)> all;
        var before = new Dictionary<long, IReadOnlyList<ScoredDoc>>();
        using (var store = Open())
        {
            store.Count.ShouldBe(0);
            store.CoveredSeq.ShouldBe(0);
            all = Fill(store, 100);
            store.Count.ShouldBe(100);
            store.CoveredSeq.ShouldBe(1000);
            foreach (var (seq, _, v) in all) before[seq] = store.Search(v, null, 5);
        }

        using var reopened = Open();
        reopened.Count.ShouldBe(100);
        reopened.CoveredSeq.ShouldBe(1000);
        reopened.ModelId.ShouldBe(Model);
        reopened.Dimensions.ShouldBe(Dims);
        foreach (var (seq, _, v) in all)
        {
            var hits = reopened.Search(v, null, 5);
            hits[0].Seq.ShouldBe(seq, "every vector is its own nearest neighbour after reopen");
            hits[0].Score.ShouldBe(1.0, 0.01);
            hits.ShouldBe(before[seq], "the reloaded codes and scales are bit-identical to the appended ones");
        }
    }

    [Fact]
    public void A_read_only_open_of_a_missing_file_is_empty_and_creates_nothing_and_refuses_appends()
    {
        using var store = Open(readOnly: true);
        store.Count.ShouldBe(0);
        store.CoveredSeq.ShouldBe(0);
        File.Exists(_path).ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => store.Append([Rec(1, 1, new float[Dims])]));
    }

    [Fact]
    public void Exact_search_agrees_with_float_brute_force_on_500_random_vectors()
    {
        const int dims = 384;
        using var store = Open(dims: dims);
        var all = Fill(store, 500, batch: 64, streams: 1, seed: 42, dims: dims);
        var rng = new Random(99);
        for (int q = 0; q < 30; q++)
        {
            // Half random directions (near-ties everywhere), half near a stored vector (a clear winner).
            float[] query = Int8VectorCodecTests.RandomUnit(rng, dims);
            if (q % 2 == 1)
            {
                var anchor = all[rng.Next(all.Count)].Vector;
                for (int i = 0; i < dims; i++) query[i] = anchor[i] + 0.5f * query[i];
                float n = MathF.Sqrt(query.Sum(x => x * x));
                for (int i = 0; i < dims; i++) query[i] /= n;
            }
            var exact = all.Select(r => (r.Seq, Cos: Int8VectorCodecTests.FloatDot(query, r.Vector)))
                .OrderByDescending(x => x.Cos).ToList();
            var hits = store.Search(query, null, 10);

            hits.Count.ShouldBe(10);
            var truth = exact.Take(10).Select(x => x.Seq).ToHashSet();
            hits.Count(h => truth.Contains(h.Seq)).ShouldBeGreaterThanOrEqualTo(9, $"query {q}");
            if (q % 2 == 1) hits[0].Seq.ShouldBe(exact[0].Seq, $"query {q}: the clear nearest neighbour");
            for (int i = 1; i < hits.Count; i++) hits[i].Score.ShouldBeLessThanOrEqualTo(hits[i - 1].Score, "hits are ranked best first");
            var cos = exact.ToDictionary(x => x.Seq, x => x.Cos);
            foreach (var h in hits) h.Score.ShouldBe(cos[h.Seq], 0.01, $"query {q}, seq {h.Seq}: score is the cosine");
        }
    }

    [Fact]
    public void An_exact_scan_split_over_two_cores_returns_what_one_pass_over_every_row_would()
    {
        // Past ParallelScanFrom rows the scan runs in two halves; the expected ranking is computed here row by row
        // from the same int8 codes, so a lost half, a bad merge or a tie broken by thread timing changes it.
        int count = VectorStore.ParallelScanFrom + 1_001;
        using var store = VectorStore.Open(_path, Model, Dims, readOnly: false, VectorIndexOptions.ExactOnly);
        var all = Fill(store, count, batch: 4_096, streams: 3, seed: 5);
        var codes = all.Select(r =>
        {
            var code = new sbyte[Dims];
            return (r.Seq, r.Stream, Code: code, Scale: Int8VectorCodec.Encode(r.Vector, code));
        }).ToList();
        var rng = new Random(17);
        foreach (var (streams, top) in new (HashSet<int>?, int)[] { (null, 10), (null, 500), (new HashSet<int> { 2 }, 25), (new HashSet<int> { 1, 3 }, 40) })
        {
            float[] query = Int8VectorCodecTests.RandomUnit(rng, Dims);
            var q = new sbyte[Dims];
            float qScale = Int8VectorCodec.Encode(query, q);
            var expected = codes.Where(c => streams is null || streams.Contains(c.Stream))
                .Select(c => (c.Seq, Score: (double)(Int8VectorCodec.Dot(q, c.Code) * qScale * c.Scale)))
                .OrderByDescending(x => x.Score).ThenByDescending(x => x.Seq).Take(top).ToList();

            var hits = store.Search(query, streams, top);

            hits.Select(h => (h.Seq, h.Score)).ShouldBe(expected, $"streams {(streams is null ? "all" : string.Join(",", streams))}, top {top}");
        }
    }

    [Fact]
    public void Search_handles_top_larger_than_the_store_and_non_positive_top_and_rejects_a_wrong_dimension()
    {
        using var store = Open();
        var all = Fill(store, 5);
        store.Search(all[0].Vector, null, 50).Select(h => h.Seq).Order().ShouldBe(all.Select(r => r.Seq));
        store.Search(all[0].Vector, null, 0).ShouldBeEmpty();
        Should.Throw<ArgumentException>(() => store.Search(new float[Dims + 1], null, 3));
    }

    [Fact]
    public void Search_is_scoped_to_the_given_streams()
    {
        using var store = Open();
        var all = Fill(store, 60, streams: 3); // streams 1, 2, 3
        var streamOf = all.ToDictionary(r => r.Seq, r => r.Stream);
        var inStream1 = all.First(r => r.Stream == 1);

        var only2 = store.Search(inStream1.Vector, new HashSet<int> { 2 }, 100);
        only2.Count.ShouldBe(20);
        only2.ShouldAllBe(h => streamOf[h.Seq] == 2);

        var oneAndThree = store.Search(inStream1.Vector, new HashSet<int> { 1, 3 }, 100);
        oneAndThree.Count.ShouldBe(40);
        oneAndThree.ShouldAllBe(h => streamOf[h.Seq] != 2);
        oneAndThree[0].Seq.ShouldBe(inStream1.Seq);

        store.Search(inStream1.Vector, new HashSet<int> { 7 }, 10).ShouldBeEmpty();
        store.Search(inStream1.Vector, new HashSet<int>(), 10).ShouldBeEmpty();
        store.Search(inStream1.Vector, null, 100).Count.ShouldBe(60);
    }

    [Fact]
    public void Stream_id_zero_is_a_stream_like_any_other()
    {
        using var store = Open();
        var rng = new Random(3);
        var a = Int8VectorCodecTests.RandomUnit(rng, Dims);
        var b = Int8VectorCodecTests.RandomUnit(rng, Dims);
        store.Append([Rec(1, 0, a), Rec(2, 1, b)]);
        store.Search(b, new HashSet<int> { 0 }, 10).Select(h => h.Seq).ShouldBe([1L]);
        store.Search(a, new HashSet<int> { 1 }, 10).Select(h => h.Seq).ShouldBe([2L]);
    }

    [Fact]
    public void Garbage_after_the_last_record_is_cut_off_on_reopen_and_appends_continue_after_the_valid_records()
    {
        List<(long Seq, int Stream, float[] Vector)> all;
        using (var store = Open()) all = Fill(store, 10);
        long clean = new FileInfo(_path).Length;

        var junk = new byte[1000]; // longer than a record: a whole "record" of garbage fails its checksum too
        new Random(5).NextBytes(junk);
        using (var f = new FileStream(_path, FileMode.Append)) f.Write(junk);

        using (var store = Open())
        {
            store.Count.ShouldBe(10);
            store.CoveredSeq.ShouldBe(100);
            new FileInfo(_path).Length.ShouldBe(clean, "the torn tail is truncated by a writable open");
            store.Append([Rec(110, 1, all[0].Vector)]);
        }
        using (var store = Open())
        {
            store.Count.ShouldBe(11);
            store.CoveredSeq.ShouldBe(110);
            foreach (var (seq, _, v) in all) store.Search(v, null, 1)[0].Seq.ShouldBeOneOf(seq, 110);
        }
    }

    [Fact]
    public void A_record_truncated_mid_write_is_dropped_and_the_records_before_it_remain()
    {
        var lengths = new List<long>();
        List<(long Seq, int Stream, float[] Vector)> all;
        using (var store = Open())
        {
            lengths.Add(new FileInfo(_path).Length);
            var rng = new Random(8);
            all = [];
            for (int i = 1; i <= 10; i++)
            {
                var v = Int8VectorCodecTests.RandomUnit(rng, Dims);
                store.Append([Rec(i, 1, v)]);
                all.Add((i, 1, v));
                lengths.Add(new FileInfo(_path).Length);
            }
        }
        // Cut in the middle of the 10th record: as if the process died during its write.
        using (var f = new FileStream(_path, FileMode.Open)) f.SetLength((lengths[9] + lengths[10]) / 2);

        using (var ro = Open(readOnly: true))
        {
            ro.Count.ShouldBe(9);
            new FileInfo(_path).Length.ShouldBe((lengths[9] + lengths[10]) / 2, "a read-only open never writes");
        }
        using (var store = Open())
        {
            store.Count.ShouldBe(9);
            store.CoveredSeq.ShouldBe(9);
            new FileInfo(_path).Length.ShouldBe(lengths[9]);
            for (int i = 0; i < 9; i++) store.Search(all[i].Vector, null, 1)[0].Seq.ShouldBe(all[i].Seq);
            store.Append([Rec(10, 1, all[9].Vector)]); // the lost vector is recomputed once, after the valid prefix
        }
        using (var store = Open())
        {
            store.Count.ShouldBe(10);
            store.Search(all[9].Vector, null, 1)[0].Seq.ShouldBe(10);
        }
    }

    [Fact]
    public void A_record_with_a_flipped_byte_fails_its_checksum_and_ends_the_valid_prefix()
    {
        using (var store = Open()) Fill(store, 10, batch: 1);
        long length = new FileInfo(_path).Length;
        long recordSize = (length - 128) / 10;
        var bytes = File.ReadAllBytes(_path);
        bytes[128 + 6 * recordSize + 20] ^= 0x40; // inside the code of the 7th record
        File.WriteAllBytes(_path, bytes);

        using var reopened = Open();
        reopened.Count.ShouldBe(6);
        reopened.CoveredSeq.ShouldBe(60);
        new FileInfo(_path).Length.ShouldBe(128 + 6 * recordSize);
    }

    [Fact]
    public void Deleted_vectors_leave_search_results_and_the_file()
    {
        List<(long Seq, int Stream, float[] Vector)> all;
        long lengthBefore;
        var doomed = new HashSet<long> { 30, 40, 200, 500 };
        using (var store = Open())
        {
            all = Fill(store, 50);
            lengthBefore = new FileInfo(_path).Length;
            store.Delete(doomed).ShouldBe(4);
            store.Delete(new HashSet<long> { 30, 12345 }).ShouldBe(0, "already gone or never there");
            store.Delete([]).ShouldBe(0);
            store.Count.ShouldBe(46);
            foreach (var (seq, _, v) in all)
            {
                var hits = store.Search(v, null, 50);
                hits.Count.ShouldBe(46);
                hits.ShouldNotContain(h => doomed.Contains(h.Seq));
                if (!doomed.Contains(seq)) hits[0].Seq.ShouldBe(seq);
            }
            // The file handle was swapped by the rewrite: appends after a delete must still be durable.
            store.Append([Rec(510, 2, all[0].Vector)]);
        }
        new FileInfo(_path).Length.ShouldBeLessThan(lengthBefore);

        using var reopened = Open();
        reopened.Count.ShouldBe(47);
        reopened.CoveredSeq.ShouldBe(510);
        var survivors = reopened.Search(all[0].Vector, null, 100);
        survivors.Count.ShouldBe(47);
        survivors.ShouldNotContain(h => doomed.Contains(h.Seq));
        foreach (var (seq, _, v) in all.Where(r => !doomed.Contains(r.Seq)))
            reopened.Search(v, null, 1)[0].Seq.ShouldBeOneOf(seq, 510);
    }

    [Fact]
    public void A_read_only_store_hides_deleted_vectors_without_touching_the_file()
    {
        using (var store = Open()) Fill(store, 10);
        long length = new FileInfo(_path).Length;
        using (var ro = Open(readOnly: true))
        {
            ro.Delete(new HashSet<long> { 10, 20 }).ShouldBe(2);
            ro.Count.ShouldBe(8);
        }
        new FileInfo(_path).Length.ShouldBe(length);
        using var again = Open(readOnly: true);
        again.Count.ShouldBe(10);
    }

    [Theory]
    [InlineData("other-model", Dims)]
    [InlineData(Model, Dims * 2)]
    [InlineData("other-model", 16)]
    public void A_file_of_another_model_or_dimension_is_rejected(string model, int dims)
    {
        using (var store = Open()) Fill(store, 3);
        long length = new FileInfo(_path).Length;
        Should.Throw<VectorModelMismatchException>(() => Open(model: model, dims: dims)).Message.ShouldContain(Model);
        Should.Throw<VectorModelMismatchException>(() => Open(readOnly: true, model: model, dims: dims));
        new FileInfo(_path).Length.ShouldBe(length, "a rejected file is left as it was");
        using var original = Open();
        original.Count.ShouldBe(3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    [InlineData(500)]
    public void A_file_that_is_not_a_vector_file_is_rejected(int size)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var junk = new byte[size];
        new Random(size).NextBytes(junk);
        File.WriteAllBytes(_path, junk);
        Should.Throw<InvalidDataException>(() => Open());
    }

    [Fact]
    public void A_file_of_an_older_format_version_is_rebuilt_by_a_writer_and_refused_by_a_reader()
    {
        using (var store = Open()) Fill(store, 5);
        var bytes = File.ReadAllBytes(_path);
        bytes[4] = 1; // version field
        File.WriteAllBytes(_path, bytes);

        Should.Throw<InvalidDataException>(() => Open(readOnly: true));
        using var store2 = Open();
        store2.Count.ShouldBe(0, "vectors of another retrieval-text view are recomputed, not reused");
        store2.CoveredSeq.ShouldBe(0);
    }

    [Fact]
    public void Appending_a_seq_at_or_below_the_covered_seq_throws_and_writes_nothing()
    {
        using var store = Open();
        var all = Fill(store, 5); // seqs 10..50
        long length = new FileInfo(_path).Length;
        var v = all[0].Vector;

        Should.Throw<InvalidOperationException>(() => store.Append([Rec(50, 1, v)]));
        Should.Throw<InvalidOperationException>(() => store.Append([Rec(20, 1, v)]));
        Should.Throw<InvalidOperationException>(() => store.Append([Rec(60, 1, v), Rec(55, 1, v)]), "a batch must ascend too");
        Should.Throw<InvalidOperationException>(() => store.Append([Rec(60, 1, v), Rec(60, 1, v)]));
        Should.Throw<ArgumentException>(() => store.Append([Rec(60, 1, v), Rec(70, 1, new float[Dims - 1])]));

        store.Count.ShouldBe(5, "a rejected batch is rejected whole");
        store.CoveredSeq.ShouldBe(50);
        new FileInfo(_path).Length.ShouldBe(length);
        store.Append([Rec(60, 1, v)]);
        store.CoveredSeq.ShouldBe(60);
    }
}

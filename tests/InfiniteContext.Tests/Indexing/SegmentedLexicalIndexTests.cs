using System.Text;
using FsCheck;
using FsCheck.Fluent;
using InfiniteContext.Indexing;
using InfiniteContext.Tests.Support;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Indexing;

/// <summary>The segmented BM25 index on real files: ranking, persistence, merges, deletes, scopes, filters, damage.</summary>
public sealed class SegmentedLexicalIndexTests : IDisposable
{
    private static readonly EnglishAnalyzer Analyzer = new();
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string IndexDir => _dir.File("lexical");

    private SegmentedLexicalIndex Open(LexicalIndexOptions? options = null, string? directory = null) =>
        SegmentedLexicalIndex.Open(directory ?? IndexDir, Analyzer, options);

    private static IndexedDoc Doc(long seq, string text, int stream = 1, long time = IndexedDoc.NoTime, EntryRole role = EntryRole.User,
        string? speaker = null, string? session = null) => new(seq, stream, text, time, role, speaker, session);

    private static long[] Seqs(IReadOnlyList<ScoredDoc> hits) => hits.Select(h => h.Seq).ToArray();

    // ---------------------------------------------------------------- BM25

    [Fact]
    public void The_document_matching_the_rarer_term_ranks_first()
    {
        using var index = Open();
        var docs = new List<IndexedDoc>
        {
            Doc(1, "apple banana"),
            Doc(2, "zebra banana"),
        };
        for (int i = 3; i <= 12; i++) docs.Add(Doc(i, "apple cherry")); // "apple" is common, "zebra" rare
        index.Add(docs);

        var hits = index.Search("apple zebra", LexicalScope.All, 3);

        hits[0].Seq.ShouldBe(2);
        hits[0].Score.ShouldBeGreaterThan(hits[1].Score);
        // Doc 1 and the fillers match "apple" only; doc 1 is as long as the fillers, so they tie and the newest wins.
        hits[1].Score.ShouldBe(hits[2].Score);
        Seqs(hits).ShouldBe([2L, 12L, 11L]);
    }

    [Fact]
    public void Scores_follow_the_bm25_formula_over_the_scope()
    {
        using var index = Open();
        index.Add([
            Doc(1, "kettle kettle garden"),   // tf 2, length 3
            Doc(2, "kettle river"),           // tf 1, length 2
            Doc(3, "river garden lemon tiger"), // no match, length 4
        ]);

        var hits = index.Search("kettle", LexicalScope.All, 10);

        const double k1 = 1.2, b = 0.75;
        double n = 3, df = 2, avgdl = (3 + 2 + 4) / 3.0;
        double idf = Math.Log(1 + (n - df + 0.5) / (df + 0.5));
        static double Bm25(double idf, double tf, double len, double avgdl) => idf * (k1 + 1) * tf / (tf + k1 * (1 - b + b * len / avgdl));

        Seqs(hits).ShouldBe([1L, 2L]);
        hits[0].Score.ShouldBe((float)Bm25(idf, 2, 3, avgdl), 1e-6);
        hits[1].Score.ShouldBe((float)Bm25(idf, 1, 2, avgdl), 1e-6);
    }

    [Fact]
    public void With_equal_term_frequency_the_shorter_document_ranks_first()
    {
        using var index = Open();
        index.Add([
            Doc(1, "violet"),
            Doc(2, "violet walnut xenon yellow zephyr quartz"),
        ]);
        Seqs(index.Search("violet", LexicalScope.All, 10)).ShouldBe([1L, 2L]);
    }

    [Fact]
    public void Queries_without_index_terms_and_non_positive_top_return_nothing()
    {
        using var index = Open();
        index.Add([Doc(1, "the lemon tree")]);
        index.Search("the of and", LexicalScope.All, 10).ShouldBeEmpty();
        index.Search("", LexicalScope.All, 10).ShouldBeEmpty();
        index.Search("lemon", LexicalScope.All, 0).ShouldBeEmpty();
        index.Search("unknownword", LexicalScope.All, 10).ShouldBeEmpty();
        index.Search("lemon", LexicalScope.All, 10).ShouldHaveSingleItem().Seq.ShouldBe(1);
    }

    // ---------------------------------------------------------------- persistence

    [Fact]
    public void Results_and_covered_seq_survive_dispose_and_reopen()
    {
        IReadOnlyList<ScoredDoc> before;
        LexicalIndexStats statsBefore;
        using (var index = Open())
        {
            index.Add(Corpus(new Random(7), 120, streams: 2, seqStart: 1));
            index.CoveredSeq.ShouldBe(120);
            index.PersistedSeq.ShouldBe(0);
            index.Flush();
            index.PersistedSeq.ShouldBe(120);
            before = index.Search("apple mango river", LexicalScope.All, 25);
            statsBefore = index.GetStats();
        }
        before.Count.ShouldBe(25);

        using var reopened = Open();
        reopened.CoveredSeq.ShouldBe(120);
        reopened.PersistedSeq.ShouldBe(120);
        reopened.Search("apple mango river", LexicalScope.All, 25).ShouldBe(before);
        var stats = reopened.GetStats();
        (stats.Documents, stats.Terms, stats.Postings, stats.Segments).ShouldBe((statsBefore.Documents, statsBefore.Terms, statsBefore.Postings, statsBefore.Segments));
        stats.BytesOnDisk.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void An_unflushed_tail_is_not_persisted_and_the_covered_seq_says_so()
    {
        using (var index = Open())
        {
            index.Add([Doc(1, "orbit saddle"), Doc(2, "orbit tiger")]);
            index.Flush();
            index.Add([Doc(3, "orbit umbrella")]);
            index.CoveredSeq.ShouldBe(3);
            index.PersistedSeq.ShouldBe(2);
            Seqs(index.Search("orbit", LexicalScope.All, 10)).ShouldBe([3L, 2L, 1L]);
        }

        using var reopened = Open();
        reopened.CoveredSeq.ShouldBe(2); // the caller replays the log after seq 2
        Seqs(reopened.Search("orbit", LexicalScope.All, 10)).ShouldBe([2L, 1L]);
        reopened.Add([Doc(3, "orbit umbrella")]);
        Seqs(reopened.Search("orbit", LexicalScope.All, 10)).ShouldBe([3L, 2L, 1L]);
    }

    [Fact]
    public void Adding_a_seq_already_covered_is_refused()
    {
        using (var index = Open())
        {
            index.Add([Doc(5, "pepper")]);
            Should.Throw<InvalidOperationException>(() => index.Add([Doc(5, "pepper again")]));
            Should.Throw<InvalidOperationException>(() => index.Add([Doc(4, "pepper older")]));
            index.Flush();
        }
        using var reopened = Open();
        Should.Throw<InvalidOperationException>(() => reopened.Add([Doc(5, "pepper")]));
        reopened.Search("pepper", LexicalScope.All, 10).ShouldHaveSingleItem().Seq.ShouldBe(5);
    }

    [Fact]
    public void Leftover_segment_and_temp_files_are_removed_on_a_writable_open_only()
    {
        using (var index = Open())
        {
            index.Add([Doc(1, "harbor")]);
            index.Flush();
        }
        string stray = Path.Combine(IndexDir, "seg-9999999999.lx");
        string tmp = Path.Combine(IndexDir, "manifest.json.tmp");
        File.WriteAllBytes(stray, [1, 2, 3]);
        File.WriteAllText(tmp, "{");

        using (var reader = Open(new LexicalIndexOptions { ReadOnly = true }))
        {
            reader.Search("harbor", LexicalScope.All, 5).ShouldHaveSingleItem();
            Should.Throw<InvalidOperationException>(reader.Flush);
        }
        File.Exists(stray).ShouldBeTrue();
        File.Exists(tmp).ShouldBeTrue();

        using var writer = Open();
        File.Exists(stray).ShouldBeFalse();
        File.Exists(tmp).ShouldBeFalse();
        writer.Search("harbor", LexicalScope.All, 5).ShouldHaveSingleItem();
    }

    // ---------------------------------------------------------------- merges

    [Fact]
    public void Many_small_flushed_batches_with_merges_rank_exactly_like_one_big_batch()
    {
        Arbitrary<(int Seed, int MergeFactor, int MaxBatch)> inputs =
            (from seed in Gen.Choose(0, int.MaxValue - 1)
             from factor in Gen.Choose(2, 4)
             from maxBatch in Gen.Choose(1, 12)
             select (seed, factor, maxBatch)).ToArbitrary();

        int run = 0, mergedRuns = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(25), Prop.ForAll(inputs, input =>
        {
            var random = new Random(input.Seed);
            var docs = Corpus(random, random.Next(40, 200), streams: 3, seqStart: 1);
            var deleted = docs.Where(_ => random.Next(8) == 0).Select(d => d.Seq).ToList();
            string root = _dir.File($"merge-{run++}");
            string label = $"seed {input.Seed}, merge factor {input.MergeFactor}, max batch {input.MaxBatch}";

            using var whole = SegmentedLexicalIndex.Open(Path.Combine(root, "whole"), Analyzer);
            whole.Add(docs);
            whole.Delete(deleted);
            whole.Flush();

            string piecesDir = Path.Combine(root, "pieces");
            int flushes = 0;
            using (var pieces = SegmentedLexicalIndex.Open(piecesDir, Analyzer, new LexicalIndexOptions { MergeFactor = input.MergeFactor }))
            {
                for (int i = 0; i < docs.Count;)
                {
                    int n = Math.Min(docs.Count - i, random.Next(1, input.MaxBatch + 1));
                    pieces.Add(docs.GetRange(i, n));
                    // Deletes land while their documents sit in the tail or in any segment.
                    pieces.Delete(deleted.Where(s => s < docs[i + n - 1].Seq && random.Next(3) == 0).ToList());
                    pieces.Flush();
                    flushes++;
                    i += n;
                }
                pieces.Delete(deleted);
                pieces.Flush();
                long segments = pieces.GetStats().Segments;
                segments.ShouldBeLessThanOrEqualTo(flushes, label);
                if (segments < flushes - deleted.Count) mergedRuns++; // fewer segments than flushes that could only lose them to deletes
                AssertSameRankings(whole, pieces, random, label);
            }
            using var reopened = SegmentedLexicalIndex.Open(piecesDir, Analyzer, new LexicalIndexOptions { MergeFactor = input.MergeFactor });
            AssertSameRankings(whole, reopened, random, label + " (reopened)");
            reopened.GetStats().Documents.ShouldBe(docs.Count - deleted.Count, label);
            return true;
        }));
        mergedRuns.ShouldBeGreaterThan(0, "no run merged segments, so the property tested nothing about merges");
    }

    [Fact]
    public void Flushing_many_small_batches_merges_segments_into_size_tiers()
    {
        using var index = Open(new LexicalIndexOptions { MergeFactor = 2 });
        for (int seq = 1; seq <= 16; seq++)
        {
            index.Add([Doc(seq, "zephyr " + Vocabulary[seq % Vocabulary.Length])]);
            index.Flush();
        }
        // Sixteen one-document flushes with factor 2 collapse like a binary counter: 16 = one segment.
        index.GetStats().Segments.ShouldBe(1);
        Directory.GetFiles(IndexDir, "*.lx").ShouldHaveSingleItem();
        index.Add([Doc(17, "zephyr")]);
        index.Flush();
        index.GetStats().Segments.ShouldBe(2);
        index.Search("zephyr", LexicalScope.All, 100).Count.ShouldBe(17);
    }

    private static void AssertSameRankings(ILexicalIndex expected, ILexicalIndex actual, Random random, string label)
    {
        LexicalScope[] scopes =
        [
            LexicalScope.All,
            new() { StreamIds = new HashSet<int> { 1 } },
            new() { StreamIds = new HashSet<int> { 2, 3 } },
            new() { Role = EntryRole.Assistant },
        ];
        int compared = 0;
        for (int q = 0; q < 12; q++)
        {
            string query = string.Join(' ', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
            foreach (var scope in scopes)
            {
                var want = expected.Search(query, scope, 15);
                var got = actual.Search(query, scope, 15);
                got.ShouldBe(want, $"{label}: query '{query}', scope {scope}");
                compared += want.Count;
            }
        }
        compared.ShouldBeGreaterThan(0, label + ": every query came back empty, nothing was compared");
    }

    // ---------------------------------------------------------------- deletes

    [Fact]
    public void A_deleted_document_leaves_results_at_once_and_for_good_and_its_terms_leave_every_file()
    {
        const string marker = "qorvexium";
        const string secretSpeaker = "Mallorywhisper";
        string[] markerTerms = [.. Analyzer.Terms(marker)];
        markerTerms.ShouldNotBeEmpty();

        using (var index = Open(new LexicalIndexOptions { MergeFactor = 2 }))
        {
            // Several flushed batches so the document sits in a merged segment, not just the tail.
            index.Add(Corpus(new Random(3), 30, streams: 1, seqStart: 1));
            index.Flush();
            index.Add([Doc(31, $"the {marker} plan for lemon harbor", speaker: secretSpeaker)]);
            index.Add(Corpus(new Random(4), 30, streams: 1, seqStart: 32));
            index.Flush();
            index.Add(Corpus(new Random(5), 30, streams: 1, seqStart: 62));
            index.Flush();

            index.Search(marker, LexicalScope.All, 5).ShouldHaveSingleItem().Seq.ShouldBe(31);
            FilesContaining(markerTerms).ShouldNotBeEmpty(); // the check below can see the term
            FilesContaining([secretSpeaker.ToLowerInvariant()]).ShouldNotBeEmpty();
            long docsBefore = index.GetStats().Documents;

            index.Delete([31]);
            index.Search(marker, LexicalScope.All, 5).ShouldBeEmpty();
            Seqs(index.Search("lemon harbor", LexicalScope.All, 100)).ShouldNotContain(31);
            index.GetStats().Documents.ShouldBe(docsBefore - 1);

            index.Flush();
        }

        FilesContaining(markerTerms).ShouldBeEmpty();
        FilesContaining([marker]).ShouldBeEmpty();
        FilesContaining([secretSpeaker.ToLowerInvariant(), secretSpeaker]).ShouldBeEmpty();

        using var reopened = Open();
        reopened.Search(marker, LexicalScope.All, 5).ShouldBeEmpty();
        Seqs(reopened.Search("lemon harbor", LexicalScope.All, 100)).ShouldNotContain(31);
        reopened.Search("lemon", new LexicalScope { Speaker = secretSpeaker }, 5).ShouldBeEmpty();
        reopened.GetStats().Documents.ShouldBe(90);
    }

    [Fact]
    public void Deleting_a_document_still_in_the_tail_keeps_it_out_of_the_written_segment()
    {
        const string marker = "brimblestock";
        using (var index = Open())
        {
            index.Add([Doc(1, "walnut"), Doc(2, marker), Doc(3, "walnut " + marker)]);
            index.Delete([2, 3]);
            index.Search(marker, LexicalScope.All, 5).ShouldBeEmpty();
            index.Flush();
        }
        FilesContaining([.. Analyzer.Terms(marker)]).ShouldBeEmpty();
        using var reopened = Open();
        Seqs(reopened.Search("walnut", LexicalScope.All, 5)).ShouldBe([1L]);
        reopened.GetStats().Documents.ShouldBe(1);
    }

    [Fact]
    public void Deleting_every_document_of_a_segment_removes_the_segment()
    {
        using (var index = Open())
        {
            index.Add([Doc(1, "falcon"), Doc(2, "falcon")]);
            index.Flush();
            index.Add([Doc(3, "island")]);
            index.Flush();
            index.GetStats().Segments.ShouldBe(2);
            index.Delete([1, 2]);
            index.Flush();
            index.GetStats().Segments.ShouldBe(1);
        }
        Directory.GetFiles(IndexDir, "*.lx").ShouldHaveSingleItem();
        using var reopened = Open();
        reopened.Search("falcon", LexicalScope.All, 5).ShouldBeEmpty();
        reopened.CoveredSeq.ShouldBe(3);
    }

    /// <summary>Files of the index directory whose bytes contain any of the UTF-8 encoded needles.</summary>
    private List<string> FilesContaining(IEnumerable<string> needles)
    {
        var patterns = needles.Select(Encoding.UTF8.GetBytes).ToList();
        var found = new List<string>();
        foreach (string file in Directory.EnumerateFiles(IndexDir, "*", SearchOption.AllDirectories))
        {
            byte[] bytes = File.ReadAllBytes(file);
            if (patterns.Any(p => bytes.AsSpan().IndexOf(p) >= 0)) found.Add(Path.GetFileName(file));
        }
        return found;
    }

    // ---------------------------------------------------------------- scopes and filters

    [Fact]
    public void A_stream_scope_returns_only_that_streams_documents()
    {
        using var index = Open();
        index.Add([
            Doc(1, "jungle river", stream: 1),
            Doc(2, "jungle tiger", stream: 2),
            Doc(3, "jungle", stream: 3),
        ]);
        index.Flush();
        index.Add([Doc(4, "jungle mango", stream: 2)]); // one in the tail too

        Seqs(index.Search("jungle", new LexicalScope { StreamIds = new HashSet<int> { 1 } }, 10)).ShouldBe([1L]);
        Seqs(index.Search("jungle", new LexicalScope { StreamIds = new HashSet<int> { 2 } }, 10)).ShouldBe([4L, 2L], ignoreOrder: true);
        Seqs(index.Search("jungle", new LexicalScope { StreamIds = new HashSet<int> { 1, 3 } }, 10)).ShouldBe([1L, 3L], ignoreOrder: true);
        Seqs(index.Search("jungle", LexicalScope.All, 10)).ShouldBe([1L, 2L, 3L, 4L], ignoreOrder: true);
        index.Search("jungle", new LexicalScope { StreamIds = new HashSet<int> { 9 } }, 10).ShouldBeEmpty();
    }

    [Fact]
    public void A_streams_scores_do_not_depend_on_other_streams_content()
    {
        using var index = Open();
        index.Add([
            Doc(1, "nectar quartz", stream: 1),
            Doc(2, "nectar violet walnut", stream: 1),
            Doc(3, "saddle", stream: 1),
        ]);
        var one = new LexicalScope { StreamIds = new HashSet<int> { 1 } };
        var before = index.Search("nectar", one, 10);

        // Another tenant floods the index with the same term and very different lengths.
        var flood = Enumerable.Range(4, 200).Select(s => Doc(s, string.Join(' ', Enumerable.Repeat("nectar", s % 7 + 1)) + " extra words here", stream: 2)).ToList();
        index.Add(flood);
        index.Flush();

        index.Search("nectar", one, 10).ShouldBe(before);
        // The unscoped search does see the flood.
        index.Search("nectar", LexicalScope.All, 10).ShouldNotContain(h => h.Seq <= 3 && before.Contains(h));
    }

    [Fact]
    public void Time_range_is_from_inclusive_to_exclusive_and_excludes_untimed_documents()
    {
        using var index = Open();
        index.Add([
            Doc(1, "garden party", time: 1_000),
            Doc(2, "garden party", time: 2_000),
            Doc(3, "garden party", time: 3_000),
            Doc(4, "garden party"), // no time
        ]);
        index.Flush();

        Seqs(index.Search("garden", new LexicalScope { FromUnixMs = 2_000 }, 10)).ShouldBe([3L, 2L]);
        Seqs(index.Search("garden", new LexicalScope { ToUnixMs = 2_000 }, 10)).ShouldBe([1L]);
        Seqs(index.Search("garden", new LexicalScope { FromUnixMs = 1_000, ToUnixMs = 3_000 }, 10)).ShouldBe([2L, 1L]);
        index.Search("garden", new LexicalScope { FromUnixMs = 3_001 }, 10).ShouldBeEmpty();
        Seqs(index.Search("garden", LexicalScope.All, 10)).ShouldBe([4L, 3L, 2L, 1L]);
    }

    [Fact]
    public void Role_speaker_and_session_filters_each_exclude_the_others()
    {
        using var index = Open();
        index.Add([
            Doc(1, "lemon pie", role: EntryRole.User, speaker: "Caroline", session: "s1"),
            Doc(2, "lemon pie", role: EntryRole.Assistant, speaker: "Melanie", session: "s1"),
            Doc(3, "lemon pie", role: EntryRole.User, speaker: "Melanie", session: "s2"),
        ]);
        index.Flush();
        index.Add([Doc(4, "lemon pie", role: EntryRole.Tool, speaker: "caroline", session: "S2")]);

        Seqs(index.Search("lemon", new LexicalScope { Role = EntryRole.User }, 10)).ShouldBe([3L, 1L]);
        Seqs(index.Search("lemon", new LexicalScope { Role = EntryRole.Assistant }, 10)).ShouldBe([2L]);
        Seqs(index.Search("lemon", new LexicalScope { Role = EntryRole.System }, 10)).ShouldBeEmpty();
        // Speaker and session match ignoring case.
        Seqs(index.Search("lemon", new LexicalScope { Speaker = "CAROLINE" }, 10)).ShouldBe([4L, 1L]);
        Seqs(index.Search("lemon", new LexicalScope { Speaker = "Melanie" }, 10)).ShouldBe([3L, 2L]);
        Seqs(index.Search("lemon", new LexicalScope { Speaker = "Nobody" }, 10)).ShouldBeEmpty();
        Seqs(index.Search("lemon", new LexicalScope { Session = "s2" }, 10)).ShouldBe([4L, 3L]);
        Seqs(index.Search("lemon", new LexicalScope { Session = "s1", Speaker = "melanie" }, 10)).ShouldBe([2L]);
        Seqs(index.Search("lemon", new LexicalScope { Session = "s2", Role = EntryRole.User }, 10)).ShouldBe([3L]);
    }

    // ---------------------------------------------------------------- damage

    [Fact]
    public void A_segment_with_flipped_bytes_is_refused_on_open_with_a_checksum_error()
    {
        using (var index = Open())
        {
            index.Add(Corpus(new Random(11), 50, streams: 1, seqStart: 1));
            index.Flush();
        }
        string segment = Directory.GetFiles(IndexDir, "*.lx").ShouldHaveSingleItem();
        byte[] bytes = File.ReadAllBytes(segment);
        int at = bytes.Length / 2;
        bytes[at] ^= 0x5A;
        bytes[at + 1] ^= 0x01;
        File.WriteAllBytes(segment, bytes);

        var ex = Should.Throw<InvalidDataException>(() => Open());
        ex.Message.ShouldContain(Path.GetFileName(segment));
        ex.Message.ShouldContain("checksum");

        // A reader that cannot repair files can start empty instead.
        using var empty = Open(new LexicalIndexOptions { ReadOnly = true, IgnoreExisting = true });
        empty.CoveredSeq.ShouldBe(0);
        empty.GetStats().Documents.ShouldBe(0);
    }

    [Fact]
    public void A_truncated_segment_is_refused_on_open()
    {
        using (var index = Open())
        {
            index.Add(Corpus(new Random(12), 20, streams: 1, seqStart: 1));
            index.Flush();
        }
        string segment = Directory.GetFiles(IndexDir, "*.lx").ShouldHaveSingleItem();
        byte[] bytes = File.ReadAllBytes(segment);
        File.WriteAllBytes(segment, bytes[..(bytes.Length - 5)]);

        Should.Throw<InvalidDataException>(() => Open()).Message.ShouldContain(Path.GetFileName(segment));
    }

    [Fact]
    public void A_damaged_manifest_is_refused_on_open()
    {
        using (var index = Open())
        {
            index.Add([Doc(1, "mango")]);
            index.Flush();
        }
        File.WriteAllText(Path.Combine(IndexDir, "manifest.json"), "{\"format\": 1, \"coveredSeq\": ");
        Should.Throw<InvalidDataException>(() => Open()).Message.ShouldContain("manifest");

        File.WriteAllText(Path.Combine(IndexDir, "manifest.json"), "{\"format\": 99, \"coveredSeq\": 1, \"nextSegmentId\": 2, \"segments\": []}");
        Should.Throw<InvalidDataException>(() => Open()).Message.ShouldContain("format");
    }

    // ---------------------------------------------------------------- corpus

    private static readonly string[] Vocabulary =
    [
        "apple", "banana", "cherry", "delta", "echo", "falcon", "garden", "harbor", "island", "jungle", "kettle", "lemon", "mango",
        "nectar", "orbit", "pepper", "quartz", "river", "saddle", "tiger", "umbrella", "violet", "walnut", "xenon", "yellow", "zephyr",
    ];

    /// <summary>Random documents with a skewed word distribution (so df varies), random streams, times, roles, speakers and sessions.</summary>
    private static List<IndexedDoc> Corpus(Random random, int count, int streams, long seqStart)
    {
        string[] speakers = ["Ann", "Bob", "Cleo"];
        var docs = new List<IndexedDoc>(count);
        for (int i = 0; i < count; i++)
        {
            int words = random.Next(1, 18);
            var text = new StringBuilder();
            for (int w = 0; w < words; w++)
            {
                // Squaring skews toward the front of the vocabulary.
                double u = random.NextDouble();
                text.Append(Vocabulary[(int)(u * u * Vocabulary.Length)]).Append(' ');
            }
            docs.Add(new IndexedDoc(
                seqStart + i,
                random.Next(1, streams + 1),
                text.ToString(),
                random.Next(4) == 0 ? IndexedDoc.NoTime : 1_600_000_000_000L + i * 60_000L,
                (EntryRole)random.Next(0, 4),
                random.Next(4) == 0 ? null : speakers[random.Next(speakers.Length)],
                random.Next(3) == 0 ? null : "session-" + random.Next(3)));
        }
        return docs;
    }
}

using System.Diagnostics;
using InfiniteContext.Retrieval;
using InfiniteContext.Vectors;
using InfiniteContext.Tests.Support;

namespace InfiniteContext.Tests.Vectors;

/// <summary>
/// The vector indexer through <see cref="MemoryStore"/> with a counting fake model: every entry is embedded
/// exactly once, across reruns, reopens, failures and the background worker.
/// </summary>
public sealed class VectorIndexerTests : IDisposable
{
    private static readonly string[] Filler = ["river", "garden", "window", "market", "yellow", "travel", "kitchen", "morning", "letter", "silver", "planet", "music"];
    private readonly TempDirectory _dir = new();
    private readonly string _store;

    public VectorIndexerTests() => _store = _dir.File("store");

    public void Dispose() => _dir.Dispose();

    private Task<MemoryStore> OpenAsync(HashingEmbeddingGenerator fake, bool background = false) =>
        MemoryStore.OpenAsync(_store, new MemoryStoreOptions { Embeddings = fake, BackgroundVectorIndexing = background });

    private static string Text(int k)
    {
        var rng = new Random(k);
        return $"entry {k} " + string.Join(' ', Enumerable.Range(0, 8).Select(_ => Filler[rng.Next(Filler.Length)]));
    }

    /// <summary>Ingests entries <paramref name="from"/>..from+count-1 (unique texts); returns their texts.</summary>
    private static async Task<List<string>> IngestAsync(MemoryStore memory, int from, int count, string stream = "s")
    {
        var texts = Enumerable.Range(from, count).Select(Text).ToList();
        var result = await memory.IngestAsync(texts.Select(t => new NewEntry { Stream = stream, Text = t }));
        result.Added.ShouldBe(count);
        return texts;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(timeoutSeconds)) throw new TimeoutException($"Timed out after {timeoutSeconds} s waiting for: {what}");
            await Task.Delay(50);
        }
    }

    private sealed class RecordingProgress : IProgress<long>
    {
        public List<long> Values { get; } = [];
        public void Report(long value)
        {
            lock (Values) Values.Add(value);
        }
    }

    [Fact]
    public async Task Index_embeds_every_entry_exactly_once_and_a_second_run_embeds_nothing()
    {
        var fake = new HashingEmbeddingGenerator();
        await using var memory = await OpenAsync(fake);
        var texts = await IngestAsync(memory, 0, 200);
        fake.DocumentsEmbedded.ShouldBe(0, "ingest never calls the model when background indexing is off");

        var before = await memory.GetStatsAsync();
        before.VectorModel.ShouldBe(fake.ModelId);
        before.Vectors.ShouldBe(0);
        before.VectorsPending.ShouldBe(200);

        var progress = new RecordingProgress();
        (await memory.IndexVectorsAsync(progress)).ShouldBe(200);
        fake.DocumentsEmbedded.ShouldBe(200);
        fake.MaxTimesOneTextEmbedded.ShouldBe(1);
        fake.EmbeddedTexts.Order(StringComparer.Ordinal).ShouldBe(texts.Order(StringComparer.Ordinal));
        progress.Values.ShouldNotBeEmpty();
        progress.Values.ShouldBeInOrder(SortDirection.Ascending);
        progress.Values[^1].ShouldBe(200);

        var after = await memory.GetStatsAsync();
        after.Vectors.ShouldBe(200);
        after.VectorsPending.ShouldBe(0);

        int calls = fake.DocumentCalls;
        (await memory.IndexVectorsAsync()).ShouldBe(0);
        fake.DocumentsEmbedded.ShouldBe(200);
        fake.DocumentCalls.ShouldBe(calls, "a run with nothing pending does not call the model");
        (await memory.GetStatsAsync()).Vectors.ShouldBe(200);
    }

    [Fact]
    public async Task After_a_reopen_nothing_is_re_embedded_and_new_entries_are_embedded_alone()
    {
        var fake = new HashingEmbeddingGenerator();
        await using (var memory = await OpenAsync(fake))
        {
            await IngestAsync(memory, 0, 150);
            (await memory.IndexVectorsAsync()).ShouldBe(150);
        }
        fake.DocumentsEmbedded.ShouldBe(150);

        List<string> newer;
        await using (var memory = await OpenAsync(fake))
        {
            var stats = await memory.GetStatsAsync();
            stats.Vectors.ShouldBe(150);
            stats.VectorsPending.ShouldBe(0);
            (await memory.IndexVectorsAsync()).ShouldBe(0);
            fake.DocumentsEmbedded.ShouldBe(150, "vectors persisted by the last session are not recomputed");

            newer = await IngestAsync(memory, 150, 70);
            (await memory.GetStatsAsync()).VectorsPending.ShouldBe(70);
        }

        var fresh = new HashingEmbeddingGenerator(); // a new process: its own counter
        await using (var memory = await OpenAsync(fresh))
        {
            (await memory.GetStatsAsync()).VectorsPending.ShouldBe(70);
            (await memory.IndexVectorsAsync()).ShouldBe(70);
            fresh.EmbeddedTexts.Order(StringComparer.Ordinal).ShouldBe(newer.Order(StringComparer.Ordinal));
            fresh.MaxTimesOneTextEmbedded.ShouldBe(1);
            var stats = await memory.GetStatsAsync();
            stats.Vectors.ShouldBe(220);
            stats.VectorsPending.ShouldBe(0);
        }
        fake.DocumentsEmbedded.ShouldBe(150);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_model_failure_midway_keeps_the_written_batches_and_a_later_run_embeds_exactly_the_remainder(bool reopen)
    {
        const int count = 300;
        var fake = new HashingEmbeddingGenerator();
        var memory = await OpenAsync(fake);
        try
        {
            var texts = await IngestAsync(memory, 0, count);
            fake.FailAfter(150);
            await Should.ThrowAsync<FakeEmbeddingException>(() => memory.IndexVectorsAsync());

            fake.FailedCalls.ShouldBe(1, "the run stops at the first failure");
            int persisted = fake.DocumentsEmbedded;
            persisted.ShouldBeInRange(1, 150, "some batches succeeded before the failure, none past it");
            var stats = await memory.GetStatsAsync();
            stats.Vectors.ShouldBe(persisted, "every batch the model returned is in the store");
            stats.VectorsPending.ShouldBe(count - persisted);

            if (reopen)
            {
                await memory.DisposeAsync();
                memory = await OpenAsync(fake);
                (await memory.GetStatsAsync()).Vectors.ShouldBe(persisted, "written batches are durable");
            }
            fake.ClearFaults();
            (await memory.IndexVectorsAsync()).ShouldBe(count - persisted);

            fake.DocumentsEmbedded.ShouldBe(count);
            fake.MaxTimesOneTextEmbedded.ShouldBe(1, "no entry whose vector was persisted is embedded again");
            fake.EmbeddedTexts.Order(StringComparer.Ordinal).ShouldBe(texts.Order(StringComparer.Ordinal));
            (fake.DocumentsEmbedded + fake.FailedTexts).ShouldBeLessThanOrEqualTo(count + 64, "the only wasted work is the failed batch");
            var final = await memory.GetStatsAsync();
            final.Vectors.ShouldBe(count);
            final.VectorsPending.ShouldBe(0);
        }
        finally
        {
            await memory.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dense_search_with_the_fake_model_finds_the_entry_sharing_words_with_the_query()
    {
        var fake = new HashingEmbeddingGenerator();
        await using var memory = await OpenAsync(fake);
        await IngestAsync(memory, 0, 100);
        await memory.IngestAsync(
        [
            new NewEntry { Stream = "s", Text = "the purple giraffe danced under the lantern" },
            new NewEntry { Stream = "s", Text = "quarterly budget spreadsheet needs a review" },
            new NewEntry { Stream = "t", Text = "volcano ash covered the village roofs" },
            new NewEntry { Stream = "s", Speaker = "Caroline", Text = "I finally adopted a dog" },
        ]);

        (await memory.SearchAsync("purple giraffe", null, 5, RetrievalMode.Dense)).ShouldBeEmpty("entries without a vector are invisible to the dense channel");
        await memory.IndexVectorsAsync();

        var giraffe = await memory.SearchAsync("purple giraffe lantern", null, 5, RetrievalMode.Dense);
        giraffe[0].Entry.Text.ShouldBe("the purple giraffe danced under the lantern");
        giraffe[0].Score.ShouldBeGreaterThan(giraffe[1].Score);

        var budget = await memory.SearchAsync("budget spreadsheet review", null, 5, RetrievalMode.Dense);
        budget[0].Entry.Text.ShouldBe("quarterly budget spreadsheet needs a review");

        // The vector embeds the retrieval text: the speaker's name finds their turn.
        var caroline = await memory.SearchAsync("Caroline dog", null, 3, RetrievalMode.Dense);
        caroline[0].Entry.Speaker.ShouldBe("Caroline", string.Join(" | ", caroline.Select(h => $"{h.Score:F3} {h.Entry.Speaker}: {h.Entry.Text}")));
        fake.TimesEmbedded("Caroline: I finally adopted a dog").ShouldBe(1);

        // Stream scoping holds for the dense channel.
        var volcanoElsewhere = await memory.SearchAsync("volcano ash village", SearchFilter.ForStream("s"), 5, RetrievalMode.Dense);
        volcanoElsewhere.ShouldNotContain(h => h.Entry.Stream != "s");
        (await memory.SearchAsync("volcano ash village", SearchFilter.ForStream("t"), 5, RetrievalMode.Dense))
            .Single().Entry.Text.ShouldBe("volcano ash covered the village roofs");

        // Fused ranking puts the shared-words entry first as well.
        (await memory.SearchAsync("purple giraffe lantern", null, 5, RetrievalMode.Fused))[0].Entry.Text
            .ShouldBe("the purple giraffe danced under the lantern");
        fake.QueriesEmbedded.ShouldBeGreaterThanOrEqualTo(5);
        fake.DocumentsEmbedded.ShouldBe(104, "queries are not counted as, or stored as, documents");
    }

    [Fact]
    public async Task Forgotten_entries_lose_their_vectors_and_stay_gone_after_a_reopen()
    {
        var fake = new HashingEmbeddingGenerator();
        await using (var memory = await OpenAsync(fake))
        {
            await IngestAsync(memory, 0, 80, stream: "keep");
            await IngestAsync(memory, 80, 40, stream: "drop");
            await IngestAsync(memory, 120, 30, stream: "keep");
            (await memory.IndexVectorsAsync()).ShouldBe(150);

            (await memory.ForgetAsync("drop")).Count.ShouldBe(40);
            var stats = await memory.GetStatsAsync();
            stats.Vectors.ShouldBe(110);
            stats.VectorsPending.ShouldBe(0);
            (await memory.SearchAsync(Text(100), null, 200, RetrievalMode.Dense)).ShouldNotContain(h => h.Entry.Stream == "drop");
        }
        await using (var memory = await OpenAsync(fake))
        {
            var stats = await memory.GetStatsAsync();
            stats.Vectors.ShouldBe(110);
            stats.VectorsPending.ShouldBe(0);
            (await memory.IndexVectorsAsync()).ShouldBe(0);
            (await memory.SearchAsync(Text(100), null, 200, RetrievalMode.Dense)).Count.ShouldBe(110);
        }
        fake.DocumentsEmbedded.ShouldBe(150);
    }

    [Fact]
    public async Task A_read_only_store_searches_the_vectors_but_cannot_index()
    {
        var fake = new HashingEmbeddingGenerator();
        await using (var memory = await OpenAsync(fake))
        {
            await IngestAsync(memory, 0, 50);
            await memory.IndexVectorsAsync();
            await IngestAsync(memory, 50, 10);
        }
        await using var reader = await MemoryStore.OpenAsync(_store, new MemoryStoreOptions { ReadOnly = true, Embeddings = fake });
        var stats = await reader.GetStatsAsync();
        stats.Vectors.ShouldBe(50);
        stats.VectorsPending.ShouldBe(10);
        await Should.ThrowAsync<InvalidOperationException>(() => reader.IndexVectorsAsync());
        (await reader.SearchAsync(Text(7), null, 1, RetrievalMode.Dense))[0].Entry.Text.ShouldBe(Text(7));
        fake.DocumentsEmbedded.ShouldBe(50);
    }

    [Fact]
    public async Task Another_model_keeps_its_own_vectors_and_a_store_without_a_model_cannot_index()
    {
        var first = new HashingEmbeddingGenerator("fake-a", 64);
        await using (var memory = await OpenAsync(first))
        {
            await IngestAsync(memory, 0, 40);
            await memory.IndexVectorsAsync();
        }
        var second = new HashingEmbeddingGenerator("fake-b", 48, advertiseDimensions: false); // dimensions found by a probe
        await using (var memory = await OpenAsync(second))
        {
            var stats = await memory.GetStatsAsync();
            stats.VectorModel.ShouldBe("fake-b");
            stats.Vectors.ShouldBe(0);
            stats.VectorsPending.ShouldBe(40);
            (await memory.IndexVectorsAsync()).ShouldBe(40);
        }
        await using (var memory = await OpenAsync(first))
        {
            (await memory.GetStatsAsync()).Vectors.ShouldBe(40);
            (await memory.IndexVectorsAsync()).ShouldBe(0);
        }
        first.DocumentsEmbedded.ShouldBe(40);
        await using (var lexicalOnly = await MemoryStore.OpenAsync(_store, new MemoryStoreOptions { BackgroundVectorIndexing = false }))
        {
            lexicalOnly.HasVectors.ShouldBeFalse();
            (await lexicalOnly.GetStatsAsync()).VectorModel.ShouldBeNull();
            await Should.ThrowAsync<InvalidOperationException>(() => lexicalOnly.IndexVectorsAsync());
        }
    }

    [Fact]
    public async Task A_model_whose_vectors_change_length_is_refused_and_the_stored_vectors_are_kept()
    {
        var original = new HashingEmbeddingGenerator("fake-a", 64);
        await using (var memory = await OpenAsync(original))
        {
            await IngestAsync(memory, 0, 30);
            (await memory.IndexVectorsAsync()).ShouldBe(30);
        }
        // The entries' vectors (their sentence views live beside them in .parts.vec).
        string file = Directory.GetFiles(Path.Combine(_store, "index", "vectors"), "*.vec").Where(f => !f.EndsWith(".parts.vec", StringComparison.Ordinal)).ShouldHaveSingleItem();
        byte[] before = await File.ReadAllBytesAsync(file);

        var longer = new HashingEmbeddingGenerator("fake-a", 96); // same model id, other length: not damage to rebuild over
        var refused = await Should.ThrowAsync<VectorModelMismatchException>(() => OpenAsync(longer));
        refused.Message.ShouldContain(file);
        refused.Message.ShouldContain("64");
        refused.Message.ShouldContain("96");
        (await File.ReadAllBytesAsync(file)).ShouldBe(before);
        longer.DocumentsEmbedded.ShouldBe(0);

        await using (var memory = await OpenAsync(original))
        {
            (await memory.GetStatsAsync()).Vectors.ShouldBe(30);
            (await memory.IndexVectorsAsync()).ShouldBe(0);
        }
    }

    [Fact]
    public async Task The_background_worker_embeds_every_ingested_entry_once()
    {
        var fake = new HashingEmbeddingGenerator();
        await using var memory = await OpenAsync(fake, background: true);
        var texts = await IngestAsync(memory, 0, 500);
        await WaitUntilAsync(async () => (await memory.GetStatsAsync()).VectorsPending == 0, "the first 500 vectors");
        (await memory.GetStatsAsync()).Vectors.ShouldBe(500);

        texts.AddRange(await IngestAsync(memory, 500, 120));
        await WaitUntilAsync(async () => (await memory.GetStatsAsync()).VectorsPending == 0, "the next 120 vectors");
        (await memory.GetStatsAsync()).Vectors.ShouldBe(620);

        fake.DocumentsEmbedded.ShouldBe(620);
        fake.MaxTimesOneTextEmbedded.ShouldBe(1);
        fake.EmbeddedTexts.Order(StringComparer.Ordinal).ShouldBe(texts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ingest_does_not_wait_for_a_blocked_model_and_the_worker_finishes_once_it_is_released()
    {
        var fake = new HashingEmbeddingGenerator();
        fake.BlockAfter(64);
        await using var memory = await OpenAsync(fake, background: true);
        var texts = await IngestAsync(memory, 0, 300); // returns although the model is stuck
        await fake.Blocked.WaitAsync(TimeSpan.FromSeconds(30));
        var stuck = await memory.GetStatsAsync();
        stuck.Vectors.ShouldBe(fake.DocumentsEmbedded);
        stuck.Vectors.ShouldBeLessThanOrEqualTo(64);
        stuck.VectorsPending.ShouldBe(300 - stuck.Vectors);

        texts.AddRange(await IngestAsync(memory, 300, 20)); // still not blocked by the worker
        fake.Unblock();
        await WaitUntilAsync(async () => (await memory.GetStatsAsync()).VectorsPending == 0, "the worker after release");
        (await memory.GetStatsAsync()).Vectors.ShouldBe(320);
        fake.MaxTimesOneTextEmbedded.ShouldBe(1);
        fake.EmbeddedTexts.Order(StringComparer.Ordinal).ShouldBe(texts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Closing_the_store_while_the_model_is_blocked_cancels_the_worker_and_the_next_run_does_the_rest()
    {
        var fake = new HashingEmbeddingGenerator();
        fake.BlockAfter(100);
        var memory = await OpenAsync(fake, background: true);
        List<string> texts;
        try
        {
            texts = await IngestAsync(memory, 0, 400);
            await fake.Blocked.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            // Must return although the model never answers: the worker's token is cancelled.
            await memory.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        int persisted = fake.DocumentsEmbedded;
        persisted.ShouldBeLessThanOrEqualTo(100);

        fake.ClearFaults();
        await using var again = await OpenAsync(fake);
        (await again.GetStatsAsync()).Vectors.ShouldBe(persisted);
        (await again.IndexVectorsAsync()).ShouldBe(400 - persisted);
        fake.DocumentsEmbedded.ShouldBe(400);
        fake.MaxTimesOneTextEmbedded.ShouldBe(1);
        fake.EmbeddedTexts.Order(StringComparer.Ordinal).ShouldBe(texts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_background_worker_retries_after_a_model_failure()
    {
        var fake = new HashingEmbeddingGenerator();
        fake.FailAfter(100);
        await using var memory = await OpenAsync(fake, background: true);
        await IngestAsync(memory, 0, 250);
        await WaitUntilAsync(() => Task.FromResult(fake.FailedCalls > 0), "the first failure");
        var failed = await memory.GetStatsAsync();
        failed.Vectors.ShouldBe(fake.DocumentsEmbedded);
        failed.VectorsPending.ShouldBeGreaterThan(0);

        fake.ClearFaults();
        await WaitUntilAsync(async () => (await memory.GetStatsAsync()).VectorsPending == 0, "the retry after the failure");
        (await memory.GetStatsAsync()).Vectors.ShouldBe(250);
        fake.DocumentsEmbedded.ShouldBe(250);
        fake.MaxTimesOneTextEmbedded.ShouldBe(1);
    }

    /// <summary>
    /// BUG (fails today): ForgetAsync (MemoryStore.cs:349) deletes the vectors that exist when it runs, but a batch the
    /// indexer read before the forget is appended afterwards (VectorIndexer.cs:107: no check against the log or the
    /// forgotten set, and the forget does not wait for the indexer's run lock). The forgotten entries' embeddings are
    /// then persisted in the vector file and counted in stats until the next open's catch-up removes them, although
    /// forget promises removal "from the log and every index" and scrubs the log's freed pages for that reason.
    /// 30 entries fit one batch, so the indexer has closed its log reader when it calls the model (see the next test).
    /// </summary>
    [Fact]
    public async Task A_forget_during_an_in_flight_background_batch_leaves_no_vector_of_the_forgotten_entries()
    {
        var fake = new HashingEmbeddingGenerator();
        fake.BlockAfter(0); // the worker reads its batch, then waits inside the model call
        await using var memory = await OpenAsync(fake, background: true);
        await IngestAsync(memory, 0, 30, stream: "secret");
        await fake.Blocked.WaitAsync(TimeSpan.FromSeconds(30));

        (await memory.ForgetAsync("secret")).Count.ShouldBe(30);
        (await memory.GetStatsAsync()).Vectors.ShouldBe(0);
        await IngestAsync(memory, 100, 5, stream: "keep");
        fake.Unblock();
        await WaitUntilAsync(async () => (await memory.GetStatsAsync()).VectorsPending == 0, "the worker to pass the kept entries");

        var stats = await memory.GetStatsAsync();
        stats.Entries.ShouldBe(5);
        stats.Vectors.ShouldBe(5, "vectors of entries forgotten before their batch was written must not be stored");
    }

    /// <summary>
    /// BUG (fails today, after ~30 s): VectorIndexer.IndexPendingAsync (VectorIndexer.cs:74) keeps its SQLite read
    /// cursor (ReadAfterAsync) open across every model call of the run. A forget meanwhile commits, then its
    /// "PRAGMA wal_checkpoint(TRUNCATE)" (SqliteLogStore.cs:427) waits for that reader for the whole busy_timeout
    /// (30 s) and gives up silently: forget stalls, and the forgotten text is still in log.db-wal on return,
    /// contrary to the comment at SqliteLogStore.cs:426. With a real model a background run lasts minutes.
    /// </summary>
    [Fact]
    public async Task A_forget_while_the_indexer_is_mid_run_is_prompt_and_scrubs_the_forgotten_text_from_the_log_files()
    {
        const string marker = "zqxwvsecretword";
        var fake = new HashingEmbeddingGenerator();
        fake.BlockAfter(64); // first batch written, the second one waits in the model with the log cursor open
        await using var memory = await OpenAsync(fake, background: true);
        await memory.IngestAsync(Enumerable.Range(0, 200).Select(k => new NewEntry { Stream = "secret", Text = $"{marker} number {k}" }));
        await fake.Blocked.WaitAsync(TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        (await memory.ForgetAsync("secret")).Count.ShouldBe(200);
        var took = clock.Elapsed;

        var needle = System.Text.Encoding.UTF8.GetBytes(marker);
        foreach (var file in Directory.GetFiles(_store, "log.db*"))
            File.ReadAllBytes(file).AsSpan().IndexOf(needle).ShouldBe(-1, $"forgotten text is still in {Path.GetFileName(file)} after ForgetAsync returned ({took.TotalSeconds:F1} s)");
        took.ShouldBeLessThan(TimeSpan.FromSeconds(5), "forget waits for the indexer's open read cursor");
        fake.Unblock();
    }

    /// <summary>
    /// BUG (fails today): in dense mode the vector scan takes the top max(top, CandidatesPerChannel) candidates
    /// filtered by stream only (MemoryStore.cs:267-269); speaker/session/role/time filters are applied afterwards in
    /// ToHitsAsync, so when more than 100 non-matching entries are closer to the query, a filtered dense search returns
    /// nothing although matching entries with vectors exist (the lexical channel filters inside the index and finds them).
    /// </summary>
    [Fact]
    public async Task A_dense_search_with_a_speaker_filter_finds_that_speakers_entries_behind_many_closer_ones()
    {
        var fake = new HashingEmbeddingGenerator();
        await using var memory = await OpenAsync(fake);
        var entries = Enumerable.Range(0, 150).Select(k => new NewEntry { Stream = "s", Speaker = "Alice", Text = $"garden window river note{k}" })
            .Concat(Enumerable.Range(0, 3).Select(k => new NewEntry { Stream = "s", Speaker = "Bob", Text = $"garden lamp chair item{k}" }));
        await memory.IngestAsync(entries);
        await memory.IndexVectorsAsync();
        var bob = new SearchFilter { Speaker = "Bob" };

        (await memory.SearchAsync("garden window river", bob, 3, RetrievalMode.Lexical)).Count.ShouldBe(3, "control: the lexical channel honours the filter");
        var dense = await memory.SearchAsync("garden window river", bob, 3, RetrievalMode.Dense);
        dense.Count.ShouldBe(3, "Bob's three entries have vectors and match the filter");
        dense.ShouldAllBe(h => h.Entry.Speaker == "Bob");
    }
}

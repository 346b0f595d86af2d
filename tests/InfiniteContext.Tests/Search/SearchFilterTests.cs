using InfiniteContext.Tests.Support;

namespace InfiniteContext.Tests.Search;

/// <summary>Search through the <see cref="MemoryStore"/> facade: stream scopes, each filter, what a hit carries, idempotent ingest.</summary>
public sealed class SearchFilterTests : IDisposable
{
    private static readonly TimeSpan Cest = TimeSpan.FromHours(2);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Every entry mentions "garden", so a "garden" query reaches all of them and only the filter decides.
    private static readonly JsonlRecord[] Corpus =
    [
        new("alpha", "I planted tomatoes in the garden.", "a1", "s1", new DateTimeOffset(2023, 5, 1, 10, 0, 0, Cest), "user", "Caroline"),
        new("alpha", "Your garden sounds lovely.", "a2", "s1", new DateTimeOffset(2023, 5, 2, 10, 0, 0, Cest), "assistant", "Melanie"),
        new("alpha", "The garden party is on Sunday.", "a3", "s2", new DateTimeOffset(2023, 5, 3, 10, 0, 0, Cest), "user", "Caroline"),
        new("alpha", "Garden questions get friendly answers.", "a4", "s2", null, "system", null),
        new("beta", "My garden has roses.", "b1", "s1", new DateTimeOffset(2023, 5, 2, 12, 0, 0, TimeSpan.Zero), "user", "Melanie"),
        new("beta", "A garden needs water.", "b2", "s3", new DateTimeOffset(2023, 5, 4, 8, 0, 0, TimeSpan.Zero), "assistant", "Caroline"),
        new("gamma", "garden sensor reports dry soil", "g1", "s1", new DateTimeOffset(2023, 5, 5, 0, 0, 0, TimeSpan.Zero), "tool", "Bob"),
    ];

    // These tests are about which entries match and pass filters, so contiguity expansion (which adds the
    // session neighbours of strong hits; see ContiguityExpansionTests) is off.
    private static readonly MemoryStoreOptions MatchOnly = new() { Retrieval = new InfiniteContext.Retrieval.RetrievalOptions { Expansion = false } };

    private async Task<MemoryStore> OpenWithCorpusAsync()
    {
        var store = await MemoryStore.OpenAsync(_dir.Path, MatchOnly);
        var result = await JsonlCorpus.IngestAsync(store, Corpus);
        result.Added.ShouldBe(Corpus.Length);
        return store;
    }

    private static async Task<string[]> IdsAsync(MemoryStore store, SearchFilter? filter, string query = "garden")
    {
        var hits = await store.SearchAsync(query, filter, top: 50);
        return hits.Select(h => h.Entry.ExternalId!).Order(StringComparer.Ordinal).ToArray();
    }

    // ---------------------------------------------------------------- streams

    [Fact]
    public async Task A_search_scoped_to_one_stream_returns_only_that_stream()
    {
        await using var store = await OpenWithCorpusAsync();
        (await IdsAsync(store, SearchFilter.ForStream("alpha"))).ShouldBe(["a1", "a2", "a3", "a4"]);
        (await IdsAsync(store, SearchFilter.ForStream("gamma"))).ShouldBe(["g1"]);
        (await store.SearchAsync("garden", SearchFilter.ForStream("beta"), 50)).ShouldAllBe(h => h.Entry.Stream == "beta");
    }

    [Fact]
    public async Task A_search_over_several_streams_returns_exactly_those_streams()
    {
        await using var store = await OpenWithCorpusAsync();
        (await IdsAsync(store, new SearchFilter { Streams = ["alpha", "beta"] })).ShouldBe(["a1", "a2", "a3", "a4", "b1", "b2"]);
        (await IdsAsync(store, new SearchFilter { Streams = ["gamma", "beta"] })).ShouldBe(["b1", "b2", "g1"]);
        // A stream that does not exist adds nothing; a filter naming only such streams matches nothing.
        (await IdsAsync(store, new SearchFilter { Streams = ["gamma", "no-such-stream"] })).ShouldBe(["g1"]);
        (await IdsAsync(store, new SearchFilter { Streams = ["no-such-stream"] })).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_search_over_all_streams_returns_every_stream()
    {
        await using var store = await OpenWithCorpusAsync();
        string[] all = ["a1", "a2", "a3", "a4", "b1", "b2", "g1"];
        (await IdsAsync(store, null)).ShouldBe(all);
        (await IdsAsync(store, SearchFilter.All)).ShouldBe(all);
        (await IdsAsync(store, new SearchFilter { Streams = [] })).ShouldBe(all); // empty means every stream
    }

    [Fact]
    public async Task Top_limits_the_number_of_hits_to_the_best_ones()
    {
        await using var store = await OpenWithCorpusAsync();
        var all = await store.SearchAsync("garden", null, 50);
        var top3 = await store.SearchAsync("garden", null, 3);
        top3.Count.ShouldBe(3);
        top3.Select(h => h.Entry.Seq).ShouldBe(all.Take(3).Select(h => h.Entry.Seq));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => store.SearchAsync("garden", null, 0));
    }

    // ---------------------------------------------------------------- filters

    [Fact]
    public async Task A_time_range_keeps_from_inclusive_to_exclusive_and_drops_untimed_entries()
    {
        await using var store = await OpenWithCorpusAsync();
        var filter = new SearchFilter
        {
            From = new DateTimeOffset(2023, 5, 2, 8, 0, 0, TimeSpan.Zero), // exactly a2's instant (10:00 +02:00)
            To = new DateTimeOffset(2023, 5, 4, 8, 0, 0, TimeSpan.Zero),   // exactly b2's instant: excluded
        };
        (await IdsAsync(store, filter)).ShouldBe(["a2", "a3", "b1"]);
        (await IdsAsync(store, new SearchFilter { From = new DateTimeOffset(2023, 5, 4, 8, 0, 0, TimeSpan.Zero) })).ShouldBe(["b2", "g1"]);
        (await IdsAsync(store, new SearchFilter { To = new DateTimeOffset(2023, 5, 2, 8, 0, 0, TimeSpan.Zero) })).ShouldBe(["a1"]);
        (await IdsAsync(store, new SearchFilter { From = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) })).ShouldBeEmpty();
        // The untimed system entry only shows up without a time bound.
        (await IdsAsync(store, SearchFilter.ForStream("alpha") with { From = DateTimeOffset.MinValue })).ShouldNotContain("a4");
    }

    [Fact]
    public async Task A_speaker_filter_keeps_only_that_speaker_ignoring_case()
    {
        await using var store = await OpenWithCorpusAsync();
        (await IdsAsync(store, new SearchFilter { Speaker = "Caroline" })).ShouldBe(["a1", "a3", "b2"]);
        (await IdsAsync(store, new SearchFilter { Speaker = "caroline" })).ShouldBe(["a1", "a3", "b2"]);
        (await IdsAsync(store, new SearchFilter { Speaker = "MELANIE" })).ShouldBe(["a2", "b1"]);
        (await IdsAsync(store, new SearchFilter { Speaker = "Nobody" })).ShouldBeEmpty();
        (await IdsAsync(store, new SearchFilter { Streams = ["alpha"], Speaker = "Caroline" })).ShouldBe(["a1", "a3"]);
    }

    [Fact]
    public async Task A_role_filter_keeps_only_that_role()
    {
        await using var store = await OpenWithCorpusAsync();
        (await IdsAsync(store, new SearchFilter { Role = EntryRole.User })).ShouldBe(["a1", "a3", "b1"]);
        (await IdsAsync(store, new SearchFilter { Role = EntryRole.Assistant })).ShouldBe(["a2", "b2"]);
        (await IdsAsync(store, new SearchFilter { Role = EntryRole.System })).ShouldBe(["a4"]);
        (await IdsAsync(store, new SearchFilter { Role = EntryRole.Tool })).ShouldBe(["g1"]);
    }

    [Fact]
    public async Task A_session_filter_keeps_only_that_session_ignoring_case()
    {
        await using var store = await OpenWithCorpusAsync();
        (await IdsAsync(store, new SearchFilter { Session = "s1" })).ShouldBe(["a1", "a2", "b1", "g1"]);
        (await IdsAsync(store, new SearchFilter { Session = "S2" })).ShouldBe(["a3", "a4"]);
        (await IdsAsync(store, new SearchFilter { Session = "s9" })).ShouldBeEmpty();
    }

    [Fact]
    public async Task Filters_combine_as_a_conjunction()
    {
        await using var store = await OpenWithCorpusAsync();
        (await IdsAsync(store, new SearchFilter { Streams = ["beta"], Speaker = "Melanie", Session = "s1" })).ShouldBe(["b1"]);
        (await IdsAsync(store, new SearchFilter { Speaker = "Caroline", Role = EntryRole.Assistant })).ShouldBe(["b2"]);
        (await IdsAsync(store, new SearchFilter { Speaker = "Caroline", Session = "s1", From = new DateTimeOffset(2023, 5, 2, 0, 0, 0, TimeSpan.Zero) })).ShouldBeEmpty();
    }

    [Fact]
    public async Task Filters_hold_after_reopening_read_only()
    {
        await using (var store = await OpenWithCorpusAsync())
        {
            (await IdsAsync(store, new SearchFilter { Speaker = "Bob", Session = "S1" })).ShouldBe(["g1"]);
        }
        await using var reopened = await MemoryStore.OpenAsync(_dir.Path, MatchOnly with { ReadOnly = true });
        (await IdsAsync(reopened, new SearchFilter { Speaker = "Bob", Session = "S1" })).ShouldBe(["g1"]);
        (await IdsAsync(reopened, new SearchFilter { Streams = ["alpha"], Role = EntryRole.User })).ShouldBe(["a1", "a3"]);
    }

    // ---------------------------------------------------------------- hits

    [Fact]
    public async Task A_hit_carries_the_entry_with_every_citation_field_and_a_score()
    {
        await using var store = await OpenWithCorpusAsync();
        var logSeqs = new Dictionary<string, long>();
        await foreach (var e in store.Log.ReadAfterAsync(0)) logSeqs[$"{e.Stream}/{e.ExternalId}"] = e.Seq;

        var hits = await store.SearchAsync("tomatoes", SearchFilter.ForStream("alpha"), 10);
        var hit = hits.ShouldHaveSingleItem();
        hit.Entry.Stream.ShouldBe("alpha");
        hit.Entry.ExternalId.ShouldBe("a1");
        hit.Entry.Seq.ShouldBe(logSeqs["alpha/a1"]);
        hit.Entry.Time.ShouldBe(new DateTimeOffset(2023, 5, 1, 10, 0, 0, Cest));
        hit.Entry.Time!.Value.Offset.ShouldBe(Cest);
        hit.Entry.Speaker.ShouldBe("Caroline");
        hit.Entry.Role.ShouldBe(EntryRole.User);
        hit.Entry.Session.ShouldBe("s1");
        hit.Entry.Text.ShouldBe("I planted tomatoes in the garden.");
        hit.Entry.Tokens.ShouldBeGreaterThan(0);
        hit.Score.ShouldBeGreaterThan(0);
        hit.Confidence.ShouldNotBeNull().ShouldBeInRange(0, 1);

        var ranked = await store.SearchAsync("garden roses water", null, 10);
        ranked.Count.ShouldBe(Corpus.Length);
        ranked.Select(h => h.Score).ShouldBeInOrder(SortDirection.Descending);
        ranked[0].Entry.ExternalId.ShouldBeOneOf("b1", "b2");
        ranked.Select(h => h.Entry.Seq).Distinct().Count().ShouldBe(ranked.Count);
        foreach (var h in ranked) h.Entry.Seq.ShouldBe(logSeqs[$"{h.Entry.Stream}/{h.Entry.ExternalId}"]);
    }

    [Fact]
    public async Task The_speaker_is_part_of_what_is_searchable()
    {
        await using var store = await OpenWithCorpusAsync();
        // "Caroline" is in no entry's text, only in the speaker field.
        Corpus.ShouldAllBe(r => !r.Text.Contains("Caroline", StringComparison.OrdinalIgnoreCase));
        (await IdsAsync(store, null, "Caroline")).ShouldBe(["a1", "a3", "b2"]);
        (await store.SearchAsync("Caroline", null, 10)).ShouldAllBe(h => h.Entry.Text.IndexOf("Caroline", StringComparison.Ordinal) < 0);
    }

    // ---------------------------------------------------------------- idempotent ingest

    [Fact]
    public async Task Ingesting_the_same_ids_again_changes_no_count_and_search_returns_each_entry_once()
    {
        StoreStats before;
        await using (var store = await OpenWithCorpusAsync())
        {
            before = await store.GetStatsAsync();
            before.Entries.ShouldBe(Corpus.Length);
            before.Streams.ShouldBe(3);

            var again = await JsonlCorpus.IngestAsync(store, Corpus);
            again.Added.ShouldBe(0);
            again.Duplicates.ShouldBe(Corpus.Length);
            again.Tokens.ShouldBe(0);
            await AssertUnchangedAsync(store, before);
        }

        // And after reopening, with one changed text under an existing id: the first version stays.
        await using var reopened = await MemoryStore.OpenAsync(_dir.Path, MatchOnly);
        var changed = Corpus.Select(r => r.Id == "a1" ? r with { Text = "A rewritten text about cucumbers." } : r).ToList();
        var third = await JsonlCorpus.IngestAsync(reopened, changed);
        third.Added.ShouldBe(0);
        third.Duplicates.ShouldBe(Corpus.Length);
        await AssertUnchangedAsync(reopened, before);
        (await reopened.SearchAsync("cucumbers", null, 10)).ShouldBeEmpty();
        (await reopened.SearchAsync("tomatoes", null, 10)).ShouldHaveSingleItem().Entry.ExternalId.ShouldBe("a1");
    }

    private static async Task AssertUnchangedAsync(MemoryStore store, StoreStats before)
    {
        var stats = await store.GetStatsAsync();
        (stats.Entries, stats.Streams, stats.Tokens, stats.LexicalCoveredSeq).ShouldBe(
            (before.Entries, before.Streams, before.Tokens, before.LexicalCoveredSeq));
        var hits = await store.SearchAsync("garden", null, 50);
        hits.Count.ShouldBe(Corpus.Length);
        hits.Select(h => (h.Entry.Stream, h.Entry.ExternalId)).Distinct().Count().ShouldBe(Corpus.Length);
    }

    // ILogStore.GetLastSeqAsync: "Highest seq ever assigned". Fails today: SqliteLogStore.AppendAsync inserts with INSERT OR IGNORE into an AUTOINCREMENT table, and SQLite
    // allocates (and records in sqlite_sequence) a rowid even for the rows it then ignores, so every skipped duplicate burns
    // a seq. "last seq" (GetStatsAsync, GetLastSeqAsync, `infctx stats`) then moves on a no-op ingest, and the lexical index
    // looks behind the log (covers seq 7, last seq 14) although nothing is missing.
    [Fact]
    public async Task Ingesting_only_duplicates_does_not_consume_seqs()
    {
        await using var store = await OpenWithCorpusAsync();
        var before = await store.GetStatsAsync();
        before.LastSeq.ShouldBe(Corpus.Length);

        (await JsonlCorpus.IngestAsync(store, Corpus)).Added.ShouldBe(0);

        var after = await store.GetStatsAsync();
        after.LastSeq.ShouldBe(before.LastSeq);
        (await store.Log.GetLastSeqAsync()).ShouldBe(before.LastSeq);
        after.LexicalCoveredSeq.ShouldBe(after.LastSeq);
    }

    [Fact]
    public async Task The_same_id_twice_in_one_input_is_stored_once_and_the_same_id_in_another_stream_is_not_a_duplicate()
    {
        await using var store = await MemoryStore.OpenAsync(_dir.Path, MatchOnly);
        var result = await JsonlCorpus.IngestAsync(store, [
            new JsonlRecord("alpha", "first version about kites", "k1"),
            new JsonlRecord("alpha", "second version about kites", "k1"),
            new JsonlRecord("beta", "other stream about kites", "k1"),
        ]);
        result.Added.ShouldBe(2);
        result.Duplicates.ShouldBe(1);
        var hits = await store.SearchAsync("kites", null, 10);
        hits.Select(h => (h.Entry.Stream, h.Entry.Text)).ShouldBe([("alpha", "first version about kites"), ("beta", "other stream about kites")], ignoreOrder: true);
    }

    // ---------------------------------------------------------------- forget and reindex keep filters honest

    [Fact]
    public async Task Forgotten_entries_and_streams_never_come_back_in_search()
    {
        await using (var store = await OpenWithCorpusAsync())
        {
            (await store.ForgetAsync("alpha", "a1")).Count.ShouldBe(1);
            (await store.ForgetAsync("beta")).Count.ShouldBe(2);
            (await IdsAsync(store, null)).ShouldBe(["a2", "a3", "a4", "g1"]);
            (await IdsAsync(store, SearchFilter.ForStream("beta"))).ShouldBeEmpty();
            (await store.SearchAsync("tomatoes", null, 10)).ShouldBeEmpty();
        }
        await using var reopened = await MemoryStore.OpenAsync(_dir.Path, MatchOnly);
        (await IdsAsync(reopened, null)).ShouldBe(["a2", "a3", "a4", "g1"]);
        (await IdsAsync(reopened, new SearchFilter { Speaker = "Caroline" })).ShouldBe(["a3"]);
        (await reopened.GetStatsAsync()).Entries.ShouldBe(4);
    }

    [Fact]
    public async Task Reindexing_gives_the_same_hits_for_every_filter()
    {
        await using var store = await OpenWithCorpusAsync();
        SearchFilter[] filters =
        [
            SearchFilter.All, SearchFilter.ForStream("alpha"), new() { Speaker = "caroline" }, new() { Role = EntryRole.User },
            new() { Session = "s1" }, new() { From = new DateTimeOffset(2023, 5, 2, 0, 0, 0, TimeSpan.Zero) },
        ];
        var before = new List<(long, double)[]>();
        foreach (var f in filters) before.Add((await store.SearchAsync("garden party roses", f, 50)).Select(h => (h.Entry.Seq, h.Score)).ToArray());

        await store.ReindexAsync();

        for (int i = 0; i < filters.Length; i++)
            (await store.SearchAsync("garden party roses", filters[i], 50)).Select(h => (h.Entry.Seq, h.Score)).ToArray().ShouldBe(before[i], $"filter {i}");
        before.ShouldAllBe(b => b.Length > 0);
    }
}

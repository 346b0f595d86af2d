using InfiniteContext.Storage;
using InfiniteContext.Tests.Support;

namespace InfiniteContext.Tests.Storage;

public sealed class SqliteLogStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static PreparedEntry E(string stream, string text, string? id = null, EntryRole role = EntryRole.User,
        DateTimeOffset? time = null, string? speaker = null, string? session = null, string? meta = null) =>
        new(new NewEntry { Stream = stream, Text = text, ExternalId = id, Role = role, Time = time, Speaker = speaker, Session = session, Meta = meta }, text.Length / 4 + 1);

    [Fact]
    public async Task Append_assigns_increasing_seqs_and_round_trips_every_field()
    {
        var time = new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.FromHours(2));
        await using (var log = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: false))
        {
            var r = await log.AppendAsync([
                E("a", "hello", "m1", EntryRole.Assistant, time, "Ann", "s1", """{"k":1}"""),
                E("b", "world"),
            ]);
            r.AddedCount.ShouldBe(2);
            r.Appended[0]!.Seq.ShouldBeLessThan(r.Appended[1]!.Seq);
        }

        await using var reopened = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: true);
        var all = new List<Entry>();
        await foreach (var e in reopened.ReadAfterAsync(0)) all.Add(e);
        all.Count.ShouldBe(2);
        var first = all[0];
        first.Stream.ShouldBe("a");
        first.ExternalId.ShouldBe("m1");
        first.Role.ShouldBe(EntryRole.Assistant);
        first.Time.ShouldBe(time);
        first.Time!.Value.Offset.ShouldBe(TimeSpan.FromHours(2));
        first.Speaker.ShouldBe("Ann");
        first.Session.ShouldBe("s1");
        first.Meta.ShouldBe("""{"k":1}""");
        first.Tokens.ShouldBe(2);
        all[1].ExternalId.ShouldBeNull();
        all[1].Time.ShouldBeNull();
    }

    [Fact]
    public async Task Text_fields_are_stored_byte_for_byte_whatever_their_chars()
    {
        // Text is bound as UTF-8 bytes with its length: non-ASCII, astral chars, an empty meta and a NUL in the middle
        // all come back exactly.
        string text = "caf\u00e9 \U0001F600 na\u00efve\0after the nul";
        await using (var log = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: false))
            (await log.AppendAsync([E("s\u00e9", text, "\u00efd", speaker: "Zo\u00eb", session: "", meta: "{}")])).AddedCount.ShouldBe(1);
        await using var reopened = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: true);
        var all = new List<Entry>();
        await foreach (var e in reopened.ReadAfterAsync(0)) all.Add(e);
        all.Single().Text.ShouldBe(text);
        all[0].Stream.ShouldBe("s\u00e9");
        all[0].ExternalId.ShouldBe("\u00efd");
        all[0].Speaker.ShouldBe("Zo\u00eb");
        all[0].Session.ShouldBe("");
        all[0].Meta.ShouldBe("{}");
    }

    [Fact]
    public async Task Reappending_an_external_id_in_the_same_stream_is_a_no_op_but_other_streams_are_independent()
    {
        await using var log = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: false);
        (await log.AppendAsync([E("a", "one", "x"), E("a", "one again", "x")])).AddedCount.ShouldBe(1);
        var again = await log.AppendAsync([E("a", "changed", "x"), E("b", "other stream", "x"), E("a", "no id"), E("a", "no id")]);
        again.Appended[0].ShouldBeNull();
        again.AddedCount.ShouldBe(3);
        (await log.GetStatsAsync()).Entries.ShouldBe(4);
        var a = await log.GetRecentAsync("a", 10);
        a.Single(e => e.ExternalId == "x").Text.ShouldBe("one");
    }

    [Fact]
    public async Task Neighbours_recent_and_roles_stay_within_the_stream()
    {
        await using var log = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: false);
        var batch = new List<PreparedEntry>();
        for (int i = 0; i < 10; i++)
        {
            batch.Add(E("a", $"a{i}", role: i == 0 ? EntryRole.System : EntryRole.User));
            batch.Add(E("b", $"b{i}"));
        }
        var r = await log.AppendAsync(batch);
        long a5 = r.Appended.First(e => e!.Text == "a5")!.Seq;

        var n = (await log.GetNeighboursAsync([a5], 2, 2))[a5];
        n.Select(e => e.Text).ShouldBe(["a3", "a4", "a6", "a7"]);

        var recent = await log.GetRecentAsync("a", 3);
        recent.Select(e => e.Text).ShouldBe(["a9", "a8", "a7"]);
        (await log.GetRecentAsync("a", 2, beforeSeq: a5)).Select(e => e.Text).ShouldBe(["a4", "a3"]);

        (await log.GetByRoleAsync("a", EntryRole.System, 5)).Select(e => e.Text).ShouldBe(["a0"]);
        (await log.GetByRoleAsync("b", EntryRole.System, 5)).ShouldBeEmpty();
        (await log.GetRecentAsync("missing", 5)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Pooled_readers_see_each_commit_and_serve_concurrent_reads()
    {
        await using var log = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: false);
        var first = (await log.AppendAsync([E("a", "a0")])).Appended[0]!;
        (await log.GetAsync([first.Seq])).Single().Text.ShouldBe("a0"); // a reader now sits in the pool
        var later = new List<Entry>();
        for (int i = 1; i <= 20; i++)
        {
            var e = (await log.AppendAsync([E("a", $"a{i}")])).Appended[0]!;
            later.Add(e);
            // The pooled reader holds no snapshot between reads: each commit is visible to the next read.
            (await log.GetAsync([e.Seq])).Single().Text.ShouldBe($"a{i}");
            (await log.GetLastSeqAsync()).ShouldBe(e.Seq);
        }
        var all = later.Prepend(first).ToList();
        var reads = Enumerable.Range(0, 64).Select(k => Task.Run(async () =>
        {
            var want = all.Where((_, i) => (i + k) % 3 == 0).ToList();
            var got = await log.GetAsync(want.Select(e => e.Seq).ToList());
            got.Select(e => e.Text).ShouldBe(want.Select(e => e.Text));
            var around = await log.GetNeighboursAsync([want[0].Seq], 1, 1);
            around[want[0].Seq].ShouldNotBeEmpty();
        }));
        await Task.WhenAll(reads);
    }

    [Fact]
    public async Task Neighbours_of_many_seeds_in_one_read_equal_each_seeds_own_windows()
    {
        await using var log = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: false);
        var batch = new List<PreparedEntry>();
        for (int i = 0; i < 130; i++)
        {
            batch.Add(E("a", $"a{i}"));
            if (i % 3 == 0) batch.Add(E("b", $"b{i}"));
        }
        var appended = (await log.AppendAsync(batch)).Appended.Select(e => e!).ToList();
        var seqs = appended.Select(e => e.Seq).ToList();
        // The expected windows, from what was appended: same stream, nearest seqs on each side, in seq order.
        List<long> Expected(long seed, int before, int after)
        {
            var own = appended.Single(e => e.Seq == seed);
            var stream = appended.Where(e => e.Stream == own.Stream).Select(e => e.Seq).Order().ToList();
            int at = stream.IndexOf(seed);
            return stream.Skip(Math.Max(0, at - before)).Take(at - Math.Max(0, at - before))
                .Concat(stream.Skip(at + 1).Take(after)).ToList();
        }
        // More seeds than one statement takes, a duplicate, the first and last of each stream, and a seq never assigned.
        var seeds = seqs.Where((_, i) => i % 3 != 1).Append(seqs[0]).Append(seqs[^1]).Append(seqs[^1] + 1000).ToList();
        foreach (var (before, after) in new[] { (2, 2), (0, 3), (1, 0) })
        {
            var windows = await log.GetNeighboursAsync(seeds, before, after);
            windows.Keys.ShouldBe(seeds.Distinct(), ignoreOrder: true);
            windows[seqs[^1] + 1000].ShouldBeEmpty();
            foreach (long seed in seeds.Distinct().Where(s => s <= seqs[^1]))
                windows[seed].Select(e => e.Seq).ShouldBe(Expected(seed, before, after));
        }
        var first = (await log.GetNeighboursAsync([seqs[0]], 2, 2))[seqs[0]];
        first.Select(e => e.Text).ShouldBe(["a1", "a2"]);
        (await log.GetNeighboursAsync([], 2, 2)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Forget_removes_text_from_the_file_and_records_the_seqs_and_never_reuses_them()
    {
        string path = _dir.File("log.db");
        long lastBefore;
        await using (var log = await SqliteLogStore.OpenAsync(path, readOnly: false))
        {
            await log.AppendAsync([E("a", "keep this"), E("s", "zanzibarsecret one", "1"), E("s", "zanzibarsecret two", "2")]);
            lastBefore = await log.GetLastSeqAsync();
            var one = await log.ForgetAsync("s", "1");
            one.Count.ShouldBe(1);
            var rest = await log.ForgetAsync("s", null);
            rest.Count.ShouldBe(1);
            (await log.GetForgottenAsync(0)).Count.ShouldBe(2);
            var next = await log.AppendAsync([E("a", "after")]);
            next.Appended[0]!.Seq.ShouldBeGreaterThan(lastBefore);
        }
        foreach (var f in Directory.GetFiles(_dir.Path))
        {
            var bytes = await File.ReadAllBytesAsync(f);
            System.Text.Encoding.UTF8.GetString(bytes).ShouldNotContain("zanzibarsecret", customMessage: f);
        }
    }

    [Fact]
    public async Task Get_returns_entries_in_the_order_asked_and_skips_missing()
    {
        await using var log = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: false);
        var r = await log.AppendAsync(Enumerable.Range(0, 1200).Select(i => E("a", $"t{i}")).ToList());
        var seqs = new List<long> { r.Appended[1100]!.Seq, 999_999, r.Appended[3]!.Seq };
        (await log.GetAsync(seqs)).Select(e => e.Text).ShouldBe(["t1100", "t3"]);
        (await log.GetAsync(r.Appended.Select(e => e!.Seq).ToList())).Count.ShouldBe(1200);
    }

    [Fact]
    public async Task Read_only_open_of_a_missing_store_fails_clearly_and_writes_are_refused()
    {
        var ex = await Should.ThrowAsync<StoreNotFoundException>(() => SqliteLogStore.OpenAsync(_dir.File("nope.db"), readOnly: true));
        ex.Message.ShouldContain("nope.db");
        await using (await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: false)) { }
        await using var ro = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: true);
        await Should.ThrowAsync<InvalidOperationException>(() => ro.AppendAsync([E("a", "x")]));
    }

    [Fact]
    public async Task A_file_that_is_not_a_store_is_rejected_with_its_name()
    {
        string path = _dir.File("log.db");
        await File.WriteAllTextAsync(path, "this is not a database, just text padding padding padding padding padding padding padding padding padding padding");
        var ex = await Should.ThrowAsync<Exception>(() => SqliteLogStore.OpenAsync(path, readOnly: true));
        ex.Message.ShouldContain("log.db");
    }

    [Fact]
    public void A_second_writer_is_refused_while_the_first_holds_the_lock()
    {
        using var first = StoreLock.Acquire(_dir.Path);
        var ex = Should.Throw<StoreLockedException>(() => StoreLock.Acquire(_dir.Path));
        ex.Message.ShouldContain("another writer");
        first.Dispose();
        using var again = StoreLock.Acquire(_dir.Path);
    }

    [Fact]
    public async Task Matching_seqs_compare_speaker_and_session_as_the_search_filter_does_over_all_of_unicode()
    {
        await using var log = await SqliteLogStore.OpenAsync(_dir.File("log.db"), readOnly: false);
        var r = await log.AppendAsync([
            E("a", "one", speaker: "Émile", session: "Été-1"),
            E("a", "two", speaker: "Emile", session: "ete-1"),
            E("a", "three", speaker: "ÉMILE", session: "ÉTÉ-1"),
        ]);
        var entries = r.Appended.Select(e => e!).ToList();
        foreach (var filter in new[] { new SearchFilter { Speaker = "émile" }, new SearchFilter { Session = "été-1" }, new SearchFilter { Speaker = "EMILE" } })
        {
            var expected = entries.Where(filter.Matches).Select(e => e.Seq).ToHashSet();
            expected.ShouldNotBeEmpty();
            (await log.GetMatchingSeqsAsync(null, filter)).ShouldBe(expected, ignoreOrder: true);
        }
    }
}

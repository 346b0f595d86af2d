using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using InfiniteContext.Context;
using InfiniteContext.Tests.Support;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Context;

/// <summary>
/// Context assembly through the <see cref="MemoryStore"/> facade on real temp stores fed with JSONL:
/// the budget contract, byte-for-byte determinism, and what each section holds.
/// </summary>
public sealed class ContextAssemblerTests : IDisposable
{
    private const string Stream = "conv";
    private const string OtherStream = "other";
    private static readonly ITokenCounter O200k = TiktokenCounter.Get(TiktokenCounter.O200kBase);
    private static readonly DateTimeOffset T0 = new(2023, 5, 8, 9, 0, 0, TimeSpan.FromHours(2));
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // ---------------------------------------------------------------- (a) the budget

    [Fact]
    public void The_rendered_text_never_exceeds_the_budget_for_random_corpora_and_budgets()
    {
        Arbitrary<(int Seed, int Entries, int Budget)> inputs =
            (from seed in Gen.Choose(0, int.MaxValue - 1)
             from entries in Gen.Choose(1, 60)
             from budget in Gen.Choose(20, 4000)
             select (seed, entries, budget)).ToArbitrary();

        int run = 0;
        var placedKinds = new HashSet<ContextSectionKind>();
        int truncated = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(inputs, input =>
        {
            var context = AssembleAndCheck(input.Seed, input.Entries, input.Budget, $"budget-{run++}");
            foreach (var section in context.Sections) placedKinds.Add(section.Kind);
            truncated += context.Items.Count(i => i.Truncated);
            return true;
        }));

        // The property must have exercised every section and the truncation path at least once.
        placedKinds.ShouldBe([ContextSectionKind.Pinned, ContextSectionKind.Evidence, ContextSectionKind.Recent], ignoreOrder: true);
        truncated.ShouldBeGreaterThan(0);
    }

    // Inputs the property once falsified, kept so they run every time.
    [Theory]
    [InlineData(977955443, 60, 3214)]
    public void Known_hard_inputs_keep_the_budget_and_the_shape(int seed, int entries, int budget) =>
        AssembleAndCheck(seed, entries, budget, "known");

    /// <summary>Builds a random corpus and request from the seed, assembles, and checks budget, JSON and shape.</summary>
    private AssembledContext AssembleAndCheck(int seed, int entries, int budget, string storeName)
    {
        var input = (Seed: seed, Entries: entries, Budget: budget);
        string label = $"seed {input.Seed}, {input.Entries} entries, budget {input.Budget}";
        var random = new Random(input.Seed);
        var records = RandomCorpus(random, input.Entries);
        var request = new ContextRequest
        {
            Stream = Stream,
            Budget = input.Budget,
            Query = random.Next(2) == 0 ? null : RandomWords(random, random.Next(1, 5)),
            PinnedShare = new[] { 0.0, 0.2, 0.2, 0.5, 1.0 }[random.Next(5)],
            EvidenceShare = new[] { 0.0, 0.6, 0.6, 1.0 }[random.Next(4)],
            Neighbours = random.Next(0, 3),
            EvidenceCandidates = new[] { 1, 5, 20 }[random.Next(3)],
        };

        string storeDir = _dir.File(storeName);
        AssembledContext context;
        IReadOnlyList<Entry> log;
        using (var store = OpenStore(storeDir))
        {
            JsonlCorpus.IngestAsync(store.Value, records).GetAwaiter().GetResult();
            store.Value.TokenCounter.Name.ShouldBe(TiktokenCounter.O200kBase);
            context = store.Value.AssembleContextAsync(request).GetAwaiter().GetResult();
            log = ReadLogAsync(store.Value).GetAwaiter().GetResult();
        }

        int tokens = O200k.CountTokens(context.Text);
        tokens.ShouldBeLessThanOrEqualTo(input.Budget, label);
        context.Tokens.ShouldBe(tokens, label);
        context.Budget.ShouldBe(input.Budget, label);

        // The JSON form has no budget of its own (it carries the text plus citations); it must report the text and its count exactly.
        AssertJsonMatches(ContextJson.Render(context), context, label);
        AssertWellFormed(context, log, label);

        return context;
    }

    // ---------------------------------------------------------------- (b) determinism

    [Fact]
    public async Task Assembling_twice_and_after_reopening_gives_byte_identical_text_and_json()
    {
        var records = RandomCorpus(new Random(20240508), 60);
        ContextRequest[] requests =
        [
            new() { Stream = Stream, Budget = 1500 },
            new() { Stream = Stream, Budget = 600, Query = "lisbon tram museum" },
            new() { Stream = Stream, Budget = 90, Query = "caroline painting" },
            new() { Stream = Stream, Budget = 4000, Query = "May 8, 2023", Neighbours = 2 },
        ];

        var first = new List<(string Text, string Json)>();
        await using (var store = await MemoryStore.OpenAsync(_dir.Path))
        {
            await JsonlCorpus.IngestAsync(store, records);
            foreach (var request in requests)
            {
                var a = await store.AssembleContextAsync(request);
                var b = await store.AssembleContextAsync(request);
                b.Text.ShouldBe(a.Text);
                ContextJson.Render(b).ShouldBe(ContextJson.Render(a));
                a.Items.ShouldNotBeEmpty();
                first.Add((a.Text, ContextJson.Render(a)));
            }
        }
        first.Select(f => f.Text).Distinct().Count().ShouldBe(requests.Length); // the requests really differ

        foreach (bool readOnly in new[] { false, true })
        {
            await using var reopened = await MemoryStore.OpenAsync(_dir.Path, new MemoryStoreOptions { ReadOnly = readOnly });
            for (int i = 0; i < requests.Length; i++)
            {
                var again = await reopened.AssembleContextAsync(requests[i]);
                Encoding.UTF8.GetBytes(again.Text).ShouldBe(Encoding.UTF8.GetBytes(first[i].Text), $"request {i}, read-only {readOnly}");
                ContextJson.Render(again).ShouldBe(first[i].Json, $"request {i}, read-only {readOnly}");
            }
        }
    }

    // ---------------------------------------------------------------- (c) sections

    [Fact]
    public async Task Pinned_comes_first_evidence_is_cited_in_time_order_and_recent_holds_the_newest_entries()
    {
        var records = new List<JsonlRecord>
        {
            Rec(0, "You are a travel assistant for Caroline.", role: "system"),
            Rec(1, "Answer briefly and cite the conversation.", role: "system"),
        };
        string[] chatter =
        [
            "I bought new hiking boots yesterday.", "Nice, where will you hike?", "Probably in the mountains near home.",
            "We rode the old yellow tram 28 through Lisbon.", "The Lisbon tram climbs steep hills past the castle.",
            "Afterwards we ate pastries in Belem.", "Did you visit the tile museum?", "Yes, the azulejo museum was wonderful.",
            "My sister is moving to Berlin.", "Berlin has great museums too.", "She starts a new job in June.",
            "What should I pack for the weekend?", "A raincoat: the forecast says showers.", "Then I will take the green one.",
            "Also an umbrella, just in case.", "Thanks, I feel ready now.", "Have a good trip!", "See you on Monday.",
        ];
        for (int i = 0; i < chatter.Length; i++)
            records.Add(Rec(2 + i, chatter[i], role: i % 2 == 0 ? "user" : "assistant", speaker: i % 2 == 0 ? "Caroline" : "Assistant"));
        records.Add(new JsonlRecord(OtherStream, "Lisbon tram tickets for the other stream only.", "o1", "s9", T0, "user", "Mallory"));

        await using var store = await MemoryStore.OpenAsync(_dir.Path, new MemoryStoreOptions { Retrieval = new InfiniteContext.Retrieval.RetrievalOptions { Expansion = false } }); // which entries match, not their session neighbours
        await JsonlCorpus.IngestAsync(store, records);
        var log = await ReadLogAsync(store);
        var convo = log.Where(e => e.Stream == Stream).ToList();

        var context = await store.AssembleContextAsync(new ContextRequest { Stream = Stream, Query = "Lisbon tram", Budget = 400, Neighbours = 1 });

        AssertWellFormed(context, log, "sections");
        context.Sections.Select(s => s.Kind).ShouldBe([ContextSectionKind.Pinned, ContextSectionKind.Evidence, ContextSectionKind.Recent]);
        context.Text.ShouldStartWith("## Pinned\n");
        int pinnedAt = context.Text.IndexOf("## Pinned\n", StringComparison.Ordinal);
        int evidenceAt = context.Text.IndexOf("## Evidence\n", StringComparison.Ordinal);
        int recentAt = context.Text.IndexOf("## Recent\n", StringComparison.Ordinal);
        pinnedAt.ShouldBeLessThan(evidenceAt);
        evidenceAt.ShouldBeLessThan(recentAt);

        // Pinned: both system entries, oldest first, verbatim.
        var pinned = context.Sections[0].Items;
        pinned.Select(i => i.Text).ShouldBe(["You are a travel assistant for Caroline.", "Answer briefly and cite the conversation."]);
        pinned.ShouldAllBe(i => i.Citation.Role == EntryRole.System);

        // Evidence: the two tram turns are hits (scored); their neighbours are marked; everything in seq (= time) order.
        var evidence = context.Sections[1].Items;
        var tramSeqs = convo.Where(e => e.Text.Contains("tram", StringComparison.Ordinal)).Select(e => e.Seq).ToList();
        tramSeqs.Count.ShouldBe(2);
        evidence.Where(i => !i.IsNeighbour).Select(i => i.Citation.Seq).ShouldBe(tramSeqs);
        evidence.Where(i => !i.IsNeighbour).ShouldAllBe(i => i.Score >= 0);
        evidence.Where(i => i.IsNeighbour).ShouldAllBe(i => i.Score == null && tramSeqs.Any(s => Math.Abs(s - i.Citation.Seq) == 1));
        evidence.Select(i => i.Citation.Time!.Value).ShouldBeInOrder(SortDirection.Ascending);
        evidence.ShouldAllBe(i => i.Citation.Stream == Stream);
        context.Text.ShouldNotContain("other stream only");
        // Each evidence item cites its entry: the citation line is in the text and names the entry's seq, stream and id.
        foreach (var item in evidence)
        {
            var entry = convo.Single(e => e.Seq == item.Citation.Seq);
            context.Text.ShouldContain(ContextTextRenderer.Line(ContextCitation.Of(entry), entry.Text));
            context.Text.ShouldContain($"[#{entry.Seq} {Stream} {entry.ExternalId} ");
        }

        // Recent: the newest turns, contiguous up to the last one.
        var recent = context.Sections[2].Items.Select(i => i.Citation.Seq).ToList();
        recent.ShouldNotBeEmpty();
        recent.ShouldBe(convo.TakeLast(recent.Count).Select(e => e.Seq).ToList());
        recent.Min().ShouldBeGreaterThan(evidence.Max(i => i.Citation.Seq));
    }

    [Fact]
    public async Task A_system_entry_longer_than_the_pinned_share_is_truncated_and_marked()
    {
        string longInstructions = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"rule{i} must be followed carefully."));
        await using var store = await MemoryStore.OpenAsync(_dir.Path);
        await JsonlCorpus.IngestAsync(store, [Rec(0, longInstructions, role: "system"), Rec(1, "hello there"), Rec(2, "general kenobi")]);

        var context = await store.AssembleContextAsync(new ContextRequest { Stream = Stream, Budget = 300, PinnedShare = 0.5 });

        var pinned = context.Sections.First(s => s.Kind == ContextSectionKind.Pinned).Items.ShouldHaveSingleItem();
        pinned.Truncated.ShouldBeTrue();
        pinned.Text.ShouldEndWith(" …[truncated]");
        longInstructions.ShouldStartWith(pinned.Text[..^" …[truncated]".Length]);
        pinned.Text.Length.ShouldBeLessThan(longInstructions.Length);
        O200k.CountTokens(context.Text).ShouldBeLessThanOrEqualTo(300);
        // The rest of the budget still goes to the conversation.
        context.Sections.Single(s => s.Kind == ContextSectionKind.Recent).Items.Select(i => i.Text).ShouldBe(["hello there", "general kenobi"]);
    }

    // Fails today. ContextAssembler.ExtendRecentAsync sets recentExhausted whenever it stops, including when the next
    // entry merely does not fit its allowance, so the second call ("Whatever evidence left unused extends the recent
    // window back in time", guarded by !recentExhausted) can never run: unused evidence budget is simply lost.
    [Fact]
    public async Task Budget_that_evidence_leaves_unused_extends_the_recent_window()
    {
        var records = Enumerable.Range(0, 50).Select(i => Rec(i, $"Turn {i}: we talked about the garden, the weather and the neighbours' cat.")).ToList();
        await using var store = await MemoryStore.OpenAsync(_dir.Path);
        await JsonlCorpus.IngestAsync(store, records);

        // The query matches nothing, so there is no evidence at all.
        var withEvidenceShare = await store.AssembleContextAsync(new ContextRequest { Stream = Stream, Query = "xylophone", Budget = 800, EvidenceShare = 0.6 });
        var withoutEvidenceShare = await store.AssembleContextAsync(new ContextRequest { Stream = Stream, Query = "xylophone", Budget = 800, EvidenceShare = 0 });

        withEvidenceShare.Sections.ShouldNotContain(s => s.Kind == ContextSectionKind.Evidence);
        withoutEvidenceShare.Tokens.ShouldBeGreaterThan(700); // the whole budget is usable by the recent window
        withEvidenceShare.Sections.Single().Items.Count.ShouldBe(withoutEvidenceShare.Sections.Single().Items.Count);
        withEvidenceShare.Text.ShouldBe(withoutEvidenceShare.Text);
    }

    [Fact]
    public async Task Without_a_query_the_latest_messages_stand_in_for_one()
    {
        var records = new List<JsonlRecord>
        {
            Rec(0, "The blue bicycle was stolen from the station."),
            Rec(1, "Unrelated talk about lunch."),
        };
        for (int i = 2; i < 30; i++) records.Add(Rec(i, $"Filler turn number {i} about nothing much."));
        records.Add(Rec(30, "Did anyone find my blue bicycle?"));

        await using var store = await MemoryStore.OpenAsync(_dir.Path);
        await JsonlCorpus.IngestAsync(store, records);
        var context = await store.AssembleContextAsync(new ContextRequest { Stream = Stream, Budget = 120, EvidenceShare = 0.6 });

        context.Query.ShouldBeNull();
        context.EffectiveQuery.ShouldContain("Did anyone find my blue bicycle?");
        var evidence = context.Sections.Single(s => s.Kind == ContextSectionKind.Evidence).Items;
        evidence.ShouldContain(i => i.Text == "The blue bicycle was stolen from the station." && !i.IsNeighbour);
    }

    [Fact]
    public async Task Requests_for_a_stream_with_no_entries_give_an_empty_context()
    {
        await using var store = await MemoryStore.OpenAsync(_dir.Path);
        await JsonlCorpus.IngestAsync(store, [new JsonlRecord(OtherStream, "lonely text in another stream", "x1")]);
        var context = await store.AssembleContextAsync(new ContextRequest { Stream = Stream, Budget = 500, Query = "lonely text" });
        context.Sections.ShouldBeEmpty();
        context.Text.ShouldBe("");
        context.Tokens.ShouldBe(0);
    }

    // ---------------------------------------------------------------- invariants shared by the tests

    /// <summary>What every assembled context must satisfy, whatever the corpus and request.</summary>
    private static void AssertWellFormed(AssembledContext context, IReadOnlyList<Entry> log, string label)
    {
        var stream = log.Where(e => e.Stream == context.Stream).ToList();
        var bySeq = stream.ToDictionary(e => e.Seq);

        // The text is exactly the rendering of the sections.
        var rerendered = ContextTextRenderer.Render(context.Sections.Select(s =>
            (s.Kind, (IReadOnlyList<(ContextCitation, string)>)s.Items.Select(i => (i.Citation, i.Text)).ToList())));
        context.Text.ShouldBe(rerendered, label);

        // Sections in fixed order, none empty; every item is a distinct entry of the requested stream, cited exactly.
        context.Sections.Select(s => (int)s.Kind).ShouldBeInOrder(SortDirection.Ascending, label);
        context.Sections.Select(s => s.Kind).Distinct().Count().ShouldBe(context.Sections.Count, label);
        context.Sections.ShouldAllBe(s => s.Items.Count > 0, label);
        var seqs = context.Items.Select(i => i.Citation.Seq).ToList();
        seqs.Distinct().Count().ShouldBe(seqs.Count, $"{label}: an entry appears twice");
        foreach (var item in context.Items)
        {
            bySeq.TryGetValue(item.Citation.Seq, out var entry).ShouldBeTrue($"{label}: #{item.Citation.Seq} is not an entry of '{context.Stream}'");
            item.Citation.ShouldBe(ContextCitation.Of(entry!), label);
            if (item.Truncated)
            {
                item.Text.ShouldEndWith(" …[truncated]", Case.Sensitive, label);
                entry!.Text.ShouldStartWith(item.Text[..^" …[truncated]".Length], Case.Sensitive, label);
            }
            else
            {
                item.Text.ShouldBe(entry!.Text, label);
            }
            item.Tokens.ShouldBeGreaterThan(0, label);
        }

        // Each section reads oldest to newest; with times non-decreasing in seq order that is also time order.
        foreach (var section in context.Sections)
        {
            section.Items.Select(i => i.Citation.Seq).ShouldBeInOrder(SortDirection.Ascending, label);
            var times = section.Items.Where(i => i.Citation.Time is not null).Select(i => i.Citation.Time!.Value).ToList();
            times.ShouldBeInOrder(SortDirection.Ascending, label);
        }

        // Pinned: system entries only, and the oldest ones (a prefix of the stream's system entries).
        var pinned = context.Sections.FirstOrDefault(s => s.Kind == ContextSectionKind.Pinned)?.Items ?? [];
        pinned.ShouldAllBe(i => i.Citation.Role == EntryRole.System, label);
        pinned.Select(i => i.Citation.Seq).ShouldBe(stream.Where(e => e.Role == EntryRole.System).Take(pinned.Count).Select(e => e.Seq), label);

        // Evidence: hits carry a score, neighbours do not.
        var evidence = context.Sections.FirstOrDefault(s => s.Kind == ContextSectionKind.Evidence)?.Items ?? [];
        evidence.ShouldAllBe(i => i.IsNeighbour ? i.Score == null : i.Score >= 0, label);

        // Recent: a contiguous window ending at the newest entry; only pinned entries may sit inside it unshown.
        var recent = context.Sections.FirstOrDefault(s => s.Kind == ContextSectionKind.Recent)?.Items ?? [];
        if (recent.Count > 0)
        {
            var pinnedSeqs = pinned.Select(i => i.Citation.Seq).ToHashSet();
            long oldest = recent.Min(i => i.Citation.Seq);
            var window = stream.Where(e => e.Seq >= oldest && !pinnedSeqs.Contains(e.Seq)).Select(e => e.Seq);
            recent.Select(i => i.Citation.Seq).ShouldBe(window, $"{label}: the recent window is not the newest contiguous run");
            recent.ShouldAllBe(i => !i.Truncated && i.Score == null, label);
        }
    }

    private static void AssertJsonMatches(string json, AssembledContext context, string label)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("text").GetString().ShouldBe(context.Text, label);
        root.GetProperty("tokens").GetInt32().ShouldBe(O200k.CountTokens(context.Text), label);
        root.GetProperty("budget").GetInt32().ShouldBe(context.Budget, label);
        root.GetProperty("stream").GetString().ShouldBe(context.Stream, label);
        var sections = root.GetProperty("sections").EnumerateArray().ToList();
        sections.Count.ShouldBe(context.Sections.Count, label);
        for (int s = 0; s < sections.Count; s++)
        {
            var items = sections[s].GetProperty("items").EnumerateArray().ToList();
            items.Select(i => i.GetProperty("citation").GetProperty("seq").GetInt64()).ShouldBe(context.Sections[s].Items.Select(i => i.Citation.Seq), label);
            items.Select(i => i.GetProperty("text").GetString()).ShouldBe(context.Sections[s].Items.Select(i => i.Text), label);
        }
    }

    // ---------------------------------------------------------------- corpus

    private static JsonlRecord Rec(int i, string text, string role = "user", string? speaker = null) =>
        new(Stream, text, $"m{i}", "s1", T0.AddMinutes(i), role, speaker);

    private static readonly string[] Words =
    [
        "lisbon", "tram", "museum", "caroline", "melanie", "painting", "garden", "weather", "support", "group", "adoption",
        "running", "ran", "camping", "beach", "guitar", "sunrise", "May", "8,", "2023", "3.14", "2,000", "Café", "日本語", "🙂",
        "naïve", "the", "and", "of", "was", "it's", "(really?)", "—", "x=1;", "\n", "\"quoted\"", "tab\there", "Über", "zebra",
    ];

    private static string RandomWords(Random random, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(_ => Words[random.Next(Words.Length)]));

    private static string NonBlank(string text) => string.IsNullOrWhiteSpace(text) ? "blank" : text;

    /// <summary>Entries of <see cref="Stream"/> (about one in seven a system entry, some very long) with a few of another stream mixed in.</summary>
    private static List<JsonlRecord> RandomCorpus(Random random, int count)
    {
        string?[] speakers = ["Caroline", "Melanie", null];
        string[] roles = ["user", "assistant", "user", "assistant", "user", "assistant", "system", "tool"];
        var records = new List<JsonlRecord>();
        var time = T0;
        for (int i = 0; i < count; i++)
        {
            int length = random.Next(100) switch
            {
                < 70 => random.Next(1, 30),
                < 95 => random.Next(30, 200),
                _ => random.Next(200, 900),
            };
            string text = NonBlank(RandomWords(random, length));
            time = time.AddSeconds(random.Next(0, 4000));
            records.Add(new JsonlRecord(Stream, text, $"m{i}", $"s{random.Next(3)}", random.Next(6) == 0 ? null : time,
                roles[random.Next(roles.Length)], speakers[random.Next(speakers.Length)]));
            if (random.Next(8) == 0)
                records.Add(new JsonlRecord(OtherStream, NonBlank(RandomWords(random, random.Next(1, 40))), $"o{i}", "s0", time, "user", "Mallory"));
        }
        return records;
    }

    private static async Task<IReadOnlyList<Entry>> ReadLogAsync(MemoryStore store)
    {
        var all = new List<Entry>();
        await foreach (var e in store.Log.ReadAfterAsync(0)) all.Add(e);
        return all;
    }

    /// <summary>A store opened synchronously for use inside an FsCheck property, disposed with it.</summary>
    private static SyncStore OpenStore(string directory) => new(MemoryStore.OpenAsync(directory).GetAwaiter().GetResult());

    private sealed class SyncStore(MemoryStore store) : IDisposable
    {
        public MemoryStore Value { get; } = store;
        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

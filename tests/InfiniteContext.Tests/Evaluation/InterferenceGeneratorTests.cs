using InfiniteContext.Evaluation;

namespace InfiniteContext.Tests.Evaluation;

public class InterferenceGeneratorTests
{
    private static readonly InterferenceOptions Small = new() { UpdateCounts = [1, 3, 12], KeysPerCount = 4, Seed = 7 };

    [Fact]
    public void Each_key_gets_its_update_count_and_its_latest_entry_is_its_last_update()
    {
        var set = InterferenceGenerator.Create(Small);
        set.Keys.Count.ShouldBe(12);
        set.Keys.GroupBy(k => k.Updates).Select(g => (g.Key, g.Count())).OrderBy(x => x.Key).ShouldBe([(1, 4), (3, 4), (12, 4)]);
        set.Keys.Select(k => (k.Attribute, k.Subject)).Distinct().Count().ShouldBe(12);

        var entries = set.Entries().ToList();
        entries.Count.ShouldBe((int)set.EntryCount);
        entries.Count.ShouldBe(4 * (1 + 3 + 12));
        var byKey = entries.GroupBy(e => InterferenceGenerator.ParseEntryId(e.ExternalId)!.Value.Key).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var key in set.Keys)
        {
            var mine = byKey[key.Id];
            mine.Count.ShouldBe(key.Updates);
            mine.Select(e => InterferenceGenerator.ParseEntryId(e.ExternalId)!.Value.Update).ShouldBe(Enumerable.Range(1, key.Updates));
            mine[^1].ExternalId.ShouldBe(key.LatestEntryId);
            // Every update names its key in words, and so does the question.
            mine.ShouldAllBe(e => e.Text.Contains(key.Subject, StringComparison.Ordinal) && e.Text.Contains(key.Attribute, StringComparison.Ordinal));
            key.Question.ShouldContain(key.Subject);
            RecencyCue(key.Question).ShouldBeTrue(key.Question);
        }
        // One stream, time strictly increasing, several speakers and phrasings.
        entries.ShouldAllBe(e => e.Stream == "interference");
        entries.Zip(entries.Skip(1)).ShouldAllBe(p => p.First.Time < p.Second.Time);
        entries.Select(e => e.Speaker).Distinct().Count().ShouldBeGreaterThan(1);
        byKey.Values.First(v => v.Count == 12).Select(e => e.Text.Split(' ')[0]).Distinct().Count().ShouldBeGreaterThan(1);
    }

    [Fact]
    public void Updates_of_one_key_are_interleaved_with_other_keys()
    {
        var entries = InterferenceGenerator.Create(Small).Entries().ToList();
        int switches = entries.Zip(entries.Skip(1)).Count(p => InterferenceGenerator.ParseEntryId(p.First.ExternalId)!.Value.Key != InterferenceGenerator.ParseEntryId(p.Second.ExternalId)!.Value.Key);
        switches.ShouldBeGreaterThan(entries.Count / 2);
    }

    [Fact]
    public void The_same_seed_gives_the_same_stream_and_another_seed_a_different_one()
    {
        static string Dump(InterferenceDataset set) =>
            string.Join('\n', set.Keys.Select(k => k.Question)) + string.Join('\n', set.Entries().Select(e => $"{e.ExternalId} {e.Time:O} {e.Speaker} {e.Text}"));
        Dump(InterferenceGenerator.Create(Small)).ShouldBe(Dump(InterferenceGenerator.Create(Small)));
        Dump(InterferenceGenerator.Create(Small with { Seed = 8 })).ShouldNotBe(Dump(InterferenceGenerator.Create(Small)));
    }

    [Fact]
    public void Impossible_sizes_are_refused_with_the_reason()
    {
        Should.Throw<ArgumentException>(() => InterferenceGenerator.Create(Small with { UpdateCounts = [] }));
        Should.Throw<ArgumentException>(() => InterferenceGenerator.Create(Small with { UpdateCounts = [0, 5] }));
        Should.Throw<ArgumentException>(() => InterferenceGenerator.Create(Small with { KeysPerCount = InterferenceGenerator.KeyCapacity, UpdateCounts = [1, 2] }))
            .Message.ShouldContain(InterferenceGenerator.KeyCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("k0042.017", 42, 17)]
    [InlineData("k1200.400", 1200, 400)]
    public void Entry_ids_round_trip(string id, int key, int update)
    {
        InterferenceGenerator.EntryId(key, update).ShouldBe(id);
        InterferenceGenerator.ParseEntryId(id).ShouldBe((key, update));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("D3:7")]
    [InlineData("k12")]
    [InlineData("kx.1")]
    public void Foreign_ids_parse_to_nothing(string? id) => InterferenceGenerator.ParseEntryId(id).ShouldBeNull();

    private static bool RecencyCue(string question) => InfiniteContext.Retrieval.RecencyPreference.AsksForCurrentState(question);
}

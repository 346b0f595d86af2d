using InfiniteContext.Evaluation;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Evaluation;

public class HaystackGeneratorTests
{
    private static readonly ITokenCounter Tokens = TiktokenCounter.Get(TiktokenCounter.O200kBase);

    [Fact]
    public void The_same_seed_writes_the_same_paragraphs_and_another_seed_other_ones()
    {
        var a = new HaystackGenerator(7).Paragraphs().Take(200).ToList();
        var b = new HaystackGenerator(7).Paragraphs().Take(200).ToList();
        var c = new HaystackGenerator(8).Paragraphs().Take(200).ToList();
        b.ShouldBe(a);
        c.ShouldNotBe(a);
    }

    [Fact]
    public void Paragraphs_read_as_sentences_over_a_sizeable_vocabulary()
    {
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long tokens = 0;
        foreach (var p in new HaystackGenerator(1).Paragraphs().Take(400))
        {
            p[0].ShouldSatisfyAllConditions(() => (char.IsUpper(p[0]) || p[0] == '"').ShouldBeTrue(p));
            p.ShouldEndWith(".");
            tokens += Tokens.CountTokens(p);
            foreach (var w in p.Split([' ', ',', '.', '"', ';'], StringSplitOptions.RemoveEmptyEntries)) words.Add(w);
        }
        (tokens / 400.0).ShouldBeInRange(60, 250); // a paragraph, not a word and not a chapter
        words.Count.ShouldBeGreaterThan(800);
    }

    [Fact]
    public async Task The_stream_stops_at_the_asked_token_count_and_inserts_every_planned_entry()
    {
        var plan = NiahPlan.Create(20_000, new NiahOptions { Depths = [0, 50, 100], Variants = [NeedleVariant.Single, NeedleVariant.NearMiss], NeedlesPerCell = 2 });
        var stream = new HaystackStream(new HaystackGenerator(3), plan, Tokens);
        var ids = new List<string>();
        long counted = 0;
        await foreach (var item in stream.ReadAsync())
        {
            ids.Add(item.Entry!.ExternalId!);
            if (item.Entry.ExternalId!.StartsWith('p')) counted += Tokens.CountTokens(item.Entry.Text);
        }
        counted.ShouldBe(stream.HaystackTokens);
        stream.HaystackTokens.ShouldBeInRange(20_000, 20_400); // overshoots by less than one paragraph
        var planned = plan.Insertions.Select(i => i.Entry.Id).ToList();
        ids.Where(id => !id.StartsWith('p')).Order(StringComparer.Ordinal).ShouldBe(planned.Order(StringComparer.Ordinal));
        stream.Inserted.ShouldBe(planned.Count);
        planned.Count.ShouldBe(3 * 2 * 2 + 3 * 2 * 2); // needles, plus two distractors per near-miss needle
    }

    [Fact]
    public async Task Needles_sit_at_their_depth_of_the_haystack()
    {
        var plan = NiahPlan.Create(50_000, new NiahOptions { Depths = [0, 50, 100], Variants = [NeedleVariant.Single], NeedlesPerCell = 3 });
        var stream = new HaystackStream(new HaystackGenerator(3), plan, Tokens);
        var fractionAt = new Dictionary<int, List<double>> { [0] = [], [50] = [], [100] = [] };
        long before = 0;
        var byId = plan.Probes.ToDictionary(p => p.Needles[0].Id, p => p.Depth);
        await foreach (var item in stream.ReadAsync())
        {
            if (byId.TryGetValue(item.Entry!.ExternalId!, out int depth)) fractionAt[depth].Add(before / 50_000.0);
            else before += Tokens.CountTokens(item.Entry.Text);
        }
        fractionAt[0].ShouldAllBe(f => f < 0.05);
        fractionAt[50].ShouldAllBe(f => f > 0.45 && f < 0.55);
        fractionAt[100].ShouldAllBe(f => f > 0.95);
        fractionAt[100].Max().ShouldBe(stream.HaystackTokens / 50_000.0); // the last needle follows the last paragraph
    }

    [Fact]
    public async Task The_stream_is_lazy_so_a_huge_haystack_costs_nothing_until_read()
    {
        var plan = NiahPlan.Create(100_000_000_000, new NiahOptions { Depths = [50], Variants = [NeedleVariant.Single], NeedlesPerCell = 1 });
        var stream = new HaystackStream(new HaystackGenerator(3), plan, Tokens);
        int read = 0;
        await foreach (var _ in stream.ReadAsync())
            if (++read == 5) break;
        stream.Paragraphs.ShouldBe(5);
        stream.HaystackTokens.ShouldBeLessThan(2_000);
    }
}

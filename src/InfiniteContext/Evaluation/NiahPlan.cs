namespace InfiniteContext.Evaluation;

/// <summary>An entry to insert once the haystack has reached <see cref="TokenOffset"/> tokens.</summary>
public sealed record NiahInsertion(long TokenOffset, NeedleEntry Entry);

/// <summary>
/// The probes of one haystack and where their entries go. All depths and variants share the haystack;
/// the entries of one depth are spread a paragraph apart from the depth's point on (depth 100 ends at
/// the haystack's end), so needles never form one block. Distractors go to seeded positions anywhere.
/// </summary>
public sealed class NiahPlan
{
    /// <summary>Roughly one haystack paragraph: the spacing between entries inserted at the same depth.</summary>
    public const int Spacing = 160;

    private NiahPlan(long targetTokens, IReadOnlyList<NeedleProbe> probes, IReadOnlyList<NiahInsertion> insertions)
    {
        TargetTokens = targetTokens;
        Probes = probes;
        Insertions = insertions;
    }

    public long TargetTokens { get; }
    public IReadOnlyList<NeedleProbe> Probes { get; }

    /// <summary>Sorted by offset (stable: entries at one offset keep their order).</summary>
    public IReadOnlyList<NiahInsertion> Insertions { get; }

    /// <summary>The seed of one haystack size's needles: differs per size, so each size has its own needles.</summary>
    public static int NeedleSeed(int seed, long targetTokens) => unchecked((int)((uint)seed * 2654435761u ^ (uint)(targetTokens % 2147483647)));

    public static NiahPlan Create(long targetTokens, NiahOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetTokens, 1000);
        options.Validate();
        int seed = NeedleSeed(options.Seed, targetTokens);
        var factory = new NeedleFactory(seed, options.Needles);
        var random = new Random(seed ^ 0x5EED);
        var probes = new List<NeedleProbe>();
        var insertions = new List<NiahInsertion>();
        foreach (int depth in options.Depths)
        {
            var atDepth = new List<NeedleProbe>();
            foreach (var variant in options.Variants)
                for (int i = 0; i < options.ProbesPerCell(variant); i++)
                    atDepth.Add(factory.Create(variant, depth));
            probes.AddRange(atDepth);

            var entries = atDepth.SelectMany(p => p.Needles).ToArray();
            random.Shuffle(entries); // interleave variants, so no variant always sits first
            long spacing = Math.Min(Spacing, targetTokens / (4L * entries.Length));
            long window = spacing * entries.Length;
            long start = (long)Math.Round((targetTokens - window) * (depth / 100.0));
            for (int k = 0; k < entries.Length; k++)
                insertions.Add(new NiahInsertion(depth == 100 && k == entries.Length - 1 ? targetTokens : start + k * spacing, entries[k]));
        }
        foreach (var d in probes.SelectMany(p => p.Distractors))
            insertions.Add(new NiahInsertion(random.NextInt64(targetTokens + 1), d));
        return new NiahPlan(targetTokens, probes, insertions.OrderBy(i => i.TokenOffset).ToList());
    }
}

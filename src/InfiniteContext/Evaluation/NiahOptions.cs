namespace InfiniteContext.Evaluation;

/// <summary>What one needle-in-a-haystack run measures; the haystack size is given per run.</summary>
public sealed record NiahOptions
{
    public int Seed { get; init; } = 42;

    /// <summary>Depths in percent of the haystack (0: before the first paragraph, 100: after the last).</summary>
    public IReadOnlyList<int> Depths { get; init; } = [0, 25, 50, 75, 100];

    public IReadOnlyList<NeedleVariant> Variants { get; init; } = NeedleVariants.All;

    /// <summary>Probes per (depth, variant) cell: independent needles, each with its own question.</summary>
    public int NeedlesPerCell { get; init; } = 3;

    public NeedleOptions Needles { get; init; } = new();

    /// <summary>The k of "within the top k"; also how many hits each query asks for.</summary>
    public int Top { get; init; } = 10;

    public void Validate()
    {
        if (Depths.Count == 0) throw new ArgumentException("At least one depth is needed.");
        foreach (int d in Depths)
            if (d is < 0 or > 100) throw new ArgumentException($"Depth {d} is not a percentage in 0..100.");
        if (Depths.Distinct().Count() != Depths.Count) throw new ArgumentException("Depths must be distinct.");
        if (Variants.Count == 0) throw new ArgumentException("At least one variant is needed.");
        if (NeedlesPerCell < 1) throw new ArgumentException($"Needles per cell must be at least 1 (got {NeedlesPerCell}).");
        if (Top < 1) throw new ArgumentException($"Top must be at least 1 (got {Top}).");
        if (Needles.MultiNeedles < 2) throw new ArgumentException($"A multi-needle group needs at least 2 needles (got {Needles.MultiNeedles}).");
        if (Needles.MultiNeedles > Top) throw new ArgumentException($"A multi-needle group of {Needles.MultiNeedles} cannot all fit in the top {Top}.");
        if (Needles.Distractors < 0) throw new ArgumentException($"Distractors cannot be negative (got {Needles.Distractors}).");
        if (Variants.Contains(NeedleVariant.NonLiteral) && Depths.Count > NeedleFactory.NonLiteralCapacity)
            throw new ArgumentException($"Non-literal needles: only {NeedleFactory.NonLiteralCapacity} exist, fewer than the {Depths.Count} depths asked for.");
    }

    /// <summary>Non-literal facts are a fixed set shared by all depths of one haystack, so their cells may hold fewer probes.</summary>
    public int ProbesPerCell(NeedleVariant variant) =>
        variant == NeedleVariant.NonLiteral ? Math.Min(NeedlesPerCell, NeedleFactory.NonLiteralCapacity / Depths.Count) : NeedlesPerCell;
}

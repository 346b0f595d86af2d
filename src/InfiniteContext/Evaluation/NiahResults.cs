namespace InfiniteContext.Evaluation;

/// <summary>One (variant, haystack size, depth) cell: how many probes, and how many passed each test.</summary>
public sealed record NiahCell(string Variant, string Size, int Depth, int Probes, int AtRank1, int WithinTopK, int DistractorAtRank1)
{
    public double Rank1Rate => Probes == 0 ? 0 : Math.Round((double)AtRank1 / Probes, 4);
    public double TopKRate => Probes == 0 ? 0 : Math.Round((double)WithinTopK / Probes, 4);
}

/// <summary>A probe that missed rank 1, kept so a reader can see what won instead.</summary>
public sealed record NiahMiss(string Variant, string Size, int Depth, string Question, string NeedleId, int? NeedleRank, string? TopHitId, string? TopHitText);

/// <summary>Wall-clock measures of one haystack size; the only part of a result that differs between runs with the same seed.</summary>
public sealed record NiahTimings(double GenerateAndIngestSeconds, double IndexSeconds, double QuerySeconds, double QueryP50Ms, double QueryP99Ms, double TokensPerSecond)
{
    /// <summary>Query latency per variant (their questions differ in length and in which channels they wake).</summary>
    public IReadOnlyList<NiahVariantLatency> Variants { get; init; } = [];

    /// <summary>Set when the questions were asked of a kept store (<c>--reuse</c>): the seconds spent checking it holds this haystack; nothing was ingested or embedded.</summary>
    public double? ReusedStoreCheckSeconds { get; init; }
}

/// <summary>Query latency of one variant's questions at one size.</summary>
public sealed record NiahVariantLatency(string Variant, int Queries, double QueryP50Ms, double QueryP99Ms);

/// <summary>One haystack size: what was built and how every probe scored.</summary>
public sealed record NiahSizeResult(string Size, long TargetTokens, long HaystackTokens, long StoredTokens, long Entries, long NeedleEntries, long Vectors,
    IReadOnlyList<NiahCell> Cells, IReadOnlyList<NiahMiss> Misses, NiahTimings Timings);

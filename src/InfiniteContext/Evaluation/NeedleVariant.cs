namespace InfiniteContext.Evaluation;

/// <summary>The kinds of needle-in-a-haystack probe <see cref="NiahEvaluator"/> runs.</summary>
public enum NeedleVariant
{
    /// <summary>One fact, one question that names its person, place and date.</summary>
    Single,
    /// <summary>Several facts about one subject (one entry each); rank 1 must be one of them and the top k must hold all of them.</summary>
    Multi,
    /// <summary>One fact plus distractors that differ from it in exactly one person, number or date, which the question names (after EverMemBench-S).</summary>
    NearMiss,
    /// <summary>One fact whose question shares no content word with it: only meaning links them (after NoLiMa).</summary>
    NonLiteral,
}

public static class NeedleVariants
{
    public static readonly IReadOnlyList<NeedleVariant> All = [NeedleVariant.Single, NeedleVariant.Multi, NeedleVariant.NearMiss, NeedleVariant.NonLiteral];

    /// <summary>The name used on the command line and in JSON: single, multi, near-miss, non-literal.</summary>
    public static string ToWire(this NeedleVariant variant) => variant switch
    {
        NeedleVariant.Single => "single",
        NeedleVariant.Multi => "multi",
        NeedleVariant.NearMiss => "near-miss",
        NeedleVariant.NonLiteral => "non-literal",
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    public static NeedleVariant Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "single" => NeedleVariant.Single,
        "multi" or "multiple" => NeedleVariant.Multi,
        "near-miss" or "nearmiss" or "near_miss" => NeedleVariant.NearMiss,
        "non-literal" or "nonliteral" or "non_literal" => NeedleVariant.NonLiteral,
        _ => throw new ArgumentException($"'{name}' is not a needle variant (single, multi, near-miss, non-literal, all)."),
    };
}

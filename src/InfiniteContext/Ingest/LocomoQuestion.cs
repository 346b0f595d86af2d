namespace InfiniteContext.Ingest;

/// <summary>
/// One LoCoMo question. <see cref="Evidence"/> holds the well-formed turn ids ("D3:7"); ids that could not be read
/// are kept in <see cref="MalformedEvidence"/> so the evaluation can count such questions instead of failing on them.
/// </summary>
public sealed record LocomoQuestion(
    string Question,
    string? Answer,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<string> MalformedEvidence,
    LocomoCategory Category,
    string? AdversarialAnswer)
{
    /// <summary>Evidence ids that name no turn of the sample (the dataset has a few).</summary>
    public IEnumerable<string> MissingEvidence(LocomoSample sample) => Evidence.Where(id => !sample.TurnIds.Contains(id));
}

/// <summary>LoCoMo's question categories (numbered as in the dataset).</summary>
public enum LocomoCategory
{
    Unknown = 0,
    MultiHop = 1,
    Temporal = 2,
    OpenDomain = 3,
    SingleHop = 4,
    /// <summary>The conversation holds no answer; <see cref="LocomoQuestion.AdversarialAnswer"/> is the tempting wrong one.</summary>
    Adversarial = 5,
}

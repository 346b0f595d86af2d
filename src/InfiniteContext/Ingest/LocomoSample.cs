namespace InfiniteContext.Ingest;

/// <summary>One LoCoMo conversation as the evaluation needs it: who talks, which turn ids exist, and the questions.</summary>
public sealed record LocomoSample(
    string SampleId,
    string? SpeakerA,
    string? SpeakerB,
    IReadOnlySet<string> TurnIds,
    IReadOnlyList<LocomoQuestion> Questions);
